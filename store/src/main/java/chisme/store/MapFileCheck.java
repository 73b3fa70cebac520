package chisme.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Cheap checks of an existing map file before Chronicle sees it, so damage gives a clear error. */
final class MapFileCheck {
    private MapFileCheck() {
    }

    static void check(final Path file) {
        final long size;
        try {
            size = Files.size(file);
        } catch (final IOException e) {
            throw new StoreException(file, "cannot read map file: " + e.getMessage(), e);
        }
        if (size == 0) {
            throw new StoreException(file, "corrupt map file: empty");
        }
    }
}
