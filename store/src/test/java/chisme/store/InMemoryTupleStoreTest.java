package chisme.store;

class InMemoryTupleStoreTest extends TupleStoreContract {
    @Override
    TupleStore newStore() {
        return new InMemoryTupleStore(MAX_TUPLES, MAX_BYTES, MAX_VALUE);
    }
}
