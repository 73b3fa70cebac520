package chisme.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class ChronicleBookStoreTest extends BookStoreContract {
    @TempDir
    Path dir;
    private Stores stores;
    private int n;

    @Override
    BookStore newStore() {
        stores = Stores.open(ChronicleTupleStoreTest.config(dir.resolve("s" + n++)));
        return stores.books();
    }

    @AfterEach
    void close() {
        if (stores != null) {
            stores.close();
        }
    }
}
