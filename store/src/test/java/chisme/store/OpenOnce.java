package chisme.store;

import java.nio.file.Path;

/**
 * Child process of {@link RuntimeFaultMessageTest}: opens the stores in the directory given once and
 * prints {@code OPENED} or the {@link StoreException}'s message on one line.
 */
public final class OpenOnce {
    private OpenOnce() {
    }

    public static void main(final String[] args) {
        try (Stores s = Stores.open(new StoreConfig().dataDir(Path.of(args[0])).maxTuples(1_000).maxBooks(1_000))) {
            System.out.println("OPENED " + s.dataDir());
        } catch (final StoreException e) {
            System.out.println(e.getMessage());
        }
    }
}
