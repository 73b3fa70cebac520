package chisme.store;

import net.openhft.chronicle.map.ChronicleMap;

import java.nio.file.Path;

/** The rules the open pass of both Chronicle stores shares: how much damage is dropped, and what is lost unseen. */
final class OpenScan {
    /** Bad records an open may drop before it refuses the file instead (or a tenth of all records). */
    static final int MAX_DROPPED_ON_OPEN = 10;

    private OpenScan() {
    }

    /**
     * A few bad records are soft state that peers republish; many mean a damaged or foreign file, which is
     * refused rather than emptied.
     */
    static void refuseIfMostlyBad(final Path file, final String kind, final long total, final long bad) {
        if (bad > Math.max(MAX_DROPPED_ON_OPEN, total / 10)) {
            throw new StoreException(file, bad + " of " + total + " records fail their checksum: damaged or not a chisme "
                + kind + " map; refusing to drop them");
        }
    }

    /**
     * Entries Chronicle's segment headers count but iteration did not visit: a damaged hash-lookup slot
     * hides its entry from every read, and nothing else would ever say so.
     */
    static long unreachable(final ChronicleMap<?, ?> map, final long visited) {
        return Math.max(0, map.longSize() - visited);
    }
}
