package chisme.store;

class InMemoryBookStoreTest extends BookStoreContract {
    @Override
    BookStore newStore() {
        return new InMemoryBookStore(MAX_BOOKS, MAX_BYTES, MAX_DATA);
    }
}
