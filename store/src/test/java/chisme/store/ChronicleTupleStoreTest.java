package chisme.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class ChronicleTupleStoreTest extends TupleStoreContract {
    @TempDir
    Path dir;
    private Stores stores;
    private int n;

    static StoreConfig config(final Path dir) {
        return new StoreConfig().dataDir(dir)
            .maxTuples(MAX_TUPLES).maxTupleBytes(MAX_BYTES).maxValueBytes(MAX_VALUE).averageValueBytes(200)
            .maxBooks(BookStoreContract.MAX_BOOKS).maxBookBytes(BookStoreContract.MAX_BYTES)
            .maxBookDataBytes(BookStoreContract.MAX_DATA).averageBookDataBytes(100);
    }

    @Override
    TupleStore newStore() {
        stores = Stores.open(config(dir.resolve("s" + n++)));
        return stores.tuples();
    }

    @AfterEach
    void close() {
        if (stores != null) {
            stores.close();
        }
    }
}
