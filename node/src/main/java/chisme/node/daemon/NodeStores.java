package chisme.node.daemon;

import chisme.node.config.NodeConfig;
import chisme.store.BookStore;
import chisme.store.InMemoryBookStore;
import chisme.store.InMemoryTupleStore;
import chisme.store.StoreConfig;
import chisme.store.Stores;
import chisme.store.TupleStore;
import java.util.List;
import chisme.store.DiskSpace;

/** The node's two stores, opened from the config and closed together at shutdown. */
public final class NodeStores implements AutoCloseable {
    private final TupleStore tuples;
    private final BookStore books;
    private final Stores persisted;

    private NodeStores(final TupleStore tuples, final BookStore books, final Stores persisted) {
        this.tuples = tuples;
        this.books = books;
        this.persisted = persisted;
    }

    /**
     * Opens the stores the config asks for: Chronicle Map files under {@code DATA/store} (recovered when
     * the last run did not shut down cleanly), or in-memory stores.
     * @throws chisme.store.StoreException with a one-line message naming the file
     */
    public static NodeStores open(final NodeConfig config) {
        final StoreConfig sc = config.storeConfig().conclude();
        if (config.persistent()) {
            final Stores s = Stores.open(sc);
            return new NodeStores(s.tuples(), s.books(), s);
        }
        return new NodeStores(new InMemoryTupleStore(sc), new InMemoryBookStore(sc), null);
    }

    public TupleStore tuples() {
        return tuples;
    }

    public BookStore books() {
        return books;
    }

    /** True when the stores survive a restart. */
    public boolean persistent() {
        return persisted != null;
    }

    /** The free-space guard of the persisted stores, or null for in-memory stores. */
    public DiskSpace disk() {
        return persisted == null ? null : persisted.disk();
    }

    /** One line per kind of damage found when the stores were opened (empty when none). */
    public List<String> damage() {
        return persisted == null ? List.of() : persisted.damage();
    }

    /** True when the last run had not shut down cleanly and the maps were recovered. */
    public boolean recovered() {
        return persisted != null && persisted.recovered();
    }

    /** Closes both stores; persistent ones write their clean-shutdown marker. */
    @Override
    public void close() {
        if (persisted != null) {
            persisted.close();
            return;
        }
        try {
            books.close();
        } finally {
            tuples.close();
        }
    }
}
