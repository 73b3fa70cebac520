package chisme.store;

import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * Chronicle Map geometry from chisme's quotas. Chronicle's capacity is fixed at creation: a segment tier
 * holds a fixed number of entries and chunks, full tiers chain to extra tiers up to maxBloatFactor, and
 * past that an insert throws IllegalStateException (java-platform.md: ~2x entries at bloat 1). Values vary
 * from a few bytes to 64 KiB, so instead of trusting one average we size explicitly:
 * <ul>
 *   <li>small chunks (64 B) so small records waste little;</li>
 *   <li>every tier holds at least two largest records, so a 64 KiB value always fits in a fresh tier;</li>
 *   <li>enough extra tiers (bloat) for the whole byte quota plus per-entry rounding, twice over, so the
 *       stores' quota checks (which run before every insert) always trip before Chronicle's limit.</li>
 * </ul>
 * Extra tiers are allocated only when needed, so the file starts at the base size.
 */
final class ChronicleSizing {
    static final int CHUNK_BYTES = 64;
    /** Chronicle's per-entry bookkeeping (size prefixes, entry checksum), rounded up. */
    static final int ENTRY_OVERHEAD_BYTES = 16;
    /**
     * Entries per segment aimed at; small maps get one segment. Few segments keep an idle node small: the open
     * pass reads every segment's hash lookup, and the kernel maps 64 KiB around each read page of the file
     * (fault-around), so each segment costs 64-128 KiB of RSS before it holds anything. At 512 (32 segments
     * for the default 20,000 entries) the two empty maps were 4.6 MiB of RSS, at 4,096 (4 segments) 0.5 MiB
     * (docs/benchmarks.md, "Issue 16"). Segments are lock stripes; one node thread uses the maps, so fewer cost
     * nothing in contention. The count is fixed in a map file when it is created.
     */
    static final int TARGET_ENTRIES_PER_SEGMENT = 4096;

    final int segments;
    final long entriesPerSegment;
    final long chunksPerTier;
    final double maxBloatFactor;

    ChronicleSizing(final long maxEntries, final long maxBytes, final long averageRecordBytes, final long maxRecordBytes) {
        segments = Integer.highestOneBit((int) Math.max(1, Math.min(1024, maxEntries / TARGET_ENTRIES_PER_SEGMENT)));
        // 25% headroom for uneven hashing of keys over segments.
        entriesPerSegment = (maxEntries + segments - 1) / segments * 5 / 4 + 16;
        final long chunksForAverage = ceilDiv(entriesPerSegment * (averageRecordBytes + ENTRY_OVERHEAD_BYTES), CHUNK_BYTES);
        final long chunksForLargest = 2 * ceilDiv(maxRecordBytes + ENTRY_OVERHEAD_BYTES, CHUNK_BYTES);
        chunksPerTier = Math.max(chunksForAverage, chunksForLargest);
        final long baseBytes = segments * chunksPerTier * CHUNK_BYTES;
        // Worst case: the whole byte quota, each entry rounded up by a chunk, and every tier wasting up to
        // one largest record it could not fit; twice that for safety.
        final long worstBytes = maxBytes + maxEntries * (CHUNK_BYTES + ENTRY_OVERHEAD_BYTES);
        final long tiersForBytes = ceilDiv(worstBytes, chunksPerTier * CHUNK_BYTES - maxRecordBytes);
        final long tiersForEntries = ceilDiv(maxEntries, entriesPerSegment) + segments;
        final long tiers = 2 * (tiersForBytes + tiersForEntries);
        maxBloatFactor = Math.min(1000.0, Math.max(2.0, Math.ceil((double) tiers / segments)));
        if (baseBytes <= 0) {
            throw new StoreException(null, "store sizing overflow");
        }
    }

    <K, V> ChronicleMapBuilder<K, V> apply(final ChronicleMapBuilder<K, V> builder) {
        return builder
            .actualSegments(segments)
            .entriesPerSegment(entriesPerSegment)
            .actualChunkSize(CHUNK_BYTES)
            .actualChunksPerSegmentTier(chunksPerTier)
            .maxChunksPerEntry((int) Math.min(Integer.MAX_VALUE, chunksPerTier))
            .maxBloatFactor(maxBloatFactor);
    }

    private static long ceilDiv(final long a, final long b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return "segments=" + segments + " entriesPerSegment=" + entriesPerSegment + " chunksPerTier=" + chunksPerTier
            + " maxBloatFactor=" + maxBloatFactor;
    }
}
