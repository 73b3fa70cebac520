package chisme.store;

import chisme.wire.NodeId;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.checksum.Crc32c;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link TupleStore} on a persisted Chronicle Map: 20-byte key, value laid out as {@link TupleLayout}.
 * Entry and byte quotas are enforced before every insert, so a full store answers
 * {@link StoreStatus#FULL} and Chronicle's own capacity limit is never reached.
 * <p>
 * Thread contract: one long-lived owner thread (the node's duty-cycle thread). The scratch buffers
 * below are reused across calls, and Chronicle keeps per-thread context state (a fresh virtual thread
 * per call costs ~3 KB, java-platform.md). Open through {@link Stores#open}.
 */
public final class ChronicleTupleStore implements TupleStore {
    static {
        ChronicleRuntime.init();
    }

    private final ChronicleMap<byte[], byte[]> map;
    private final Path file;
    private final int maxTuples;
    private final long maxTupleBytes;
    private final int maxValueBytes;
    /** Free-space guard of the data directory; null in tests that open a map without one. */
    private final DiskSpace disk;

    /** Reused off-heap query key, viewed through {@link #keyView} to write (hi, mid, lo). */
    private final BytesStore<?, Void> keyBytes = BytesStore.nativeStoreWithFixedCapacity(TupleLayout.KEY_BYTES);
    private final UnsafeBuffer keyView;
    /** Reused off-heap record (header + value) handed to Chronicle on put. */
    private final BytesStore<?, Void> recordBytes;
    private final UnsafeBuffer recordView;
    /** Reused view over a record inside the map, valid only while its context is open. */
    private final UnsafeBuffer entryView = new UnsafeBuffer(0, 0);

    private int count;
    private long bytes;
    private long corruptDropped;
    private long droppedOnOpen;
    private long unreachableOnOpen;
    private long chronicleRejected;
    private boolean closed;

    ChronicleTupleStore(final ChronicleMap<byte[], byte[]> map, final Path file, final int maxTuples,
                        final long maxTupleBytes, final int maxValueBytes, final DiskSpace disk) {
        this.map = map;
        this.disk = disk;
        this.file = file;
        this.maxTuples = maxTuples;
        this.maxTupleBytes = maxTupleBytes;
        this.maxValueBytes = maxValueBytes;
        this.keyView = new UnsafeBuffer(keyBytes.addressForWrite(0), TupleLayout.KEY_BYTES);
        this.recordBytes = BytesStore.nativeStoreWithFixedCapacity(TupleLayout.HEADER_BYTES + maxValueBytes);
        this.recordView = new UnsafeBuffer(recordBytes.addressForWrite(0), TupleLayout.HEADER_BYTES + maxValueBytes);
        try {
            scan();
        } catch (final RuntimeException e) {
            close();
            throw e instanceof StoreException se ? se : new StoreException(file, "cannot read map: " + e, e);
        }
    }

    /**
     * One pass on open: counts entries and bytes and verifies every record. A few bad records are dropped
     * and counted (soft state that peers republish); many mean a damaged or foreign file, which is refused
     * rather than emptied.
     */
    private void scan() {
        final long[] totalAndBad = new long[2];
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    totalAndBad[0]++;
                    final int valueLength = e.key().size() == TupleLayout.KEY_BYTES ? validRecord(e.value()) : -1;
                    if (valueLength < 0) {
                        totalAndBad[1]++;
                    } else {
                        count++;
                        bytes += TupleLayout.recordBytes(valueLength);
                    }
                });
            }
        }
        unreachableOnOpen = OpenScan.unreachable(map, totalAndBad[0]);
        if (totalAndBad[1] == 0) {
            return;
        }
        OpenScan.refuseIfMostlyBad(file, "tuple", totalAndBad[0], totalAndBad[1]);
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    if (e.key().size() != TupleLayout.KEY_BYTES || validRecord(e.value()) < 0) {
                        corruptDropped++;
                        droppedOnOpen++;
                        e.doRemove();
                    }
                });
            }
        }
    }

    /** Points {@link #entryView} at the record and returns its value length, or -1 when corrupt. */
    private int validRecord(final Data<byte[]> value) {
        final long size = value.size();
        if (size < TupleLayout.HEADER_BYTES || size > TupleLayout.HEADER_BYTES + (long) StoreConfig.VALUE_BYTES_LIMIT) {
            return -1;
        }
        final long address = value.bytes().addressForRead(value.offset());
        entryView.wrap(address, (int) size);
        final int valueLength = entryView.getInt(TupleLayout.VALUE_LENGTH_OFFSET);
        if (valueLength != size - TupleLayout.HEADER_BYTES) {
            return -1;
        }
        final int crc = Crc32c.INSTANCE.compute(address, TupleLayout.FLAGS_OFFSET, (int) size - TupleLayout.FLAGS_OFFSET);
        return crc == entryView.getInt(TupleLayout.CHECKSUM_OFFSET) ? valueLength : -1;
    }

    private void key(final long hi, final long mid, final int lo) {
        NodeId.write(keyView, 0, hi, mid, lo);
    }

    @Override
    public StoreStatus put(final Tuple tuple) {
        final NodeId k = tuple.key();
        final NodeId p = tuple.publisher();
        final byte[] v = tuple.value();
        if (v.length > maxValueBytes) {
            return StoreStatus.TOO_LARGE;
        }
        recordView.putBytes(TupleLayout.HEADER_BYTES, v);
        return putRecord(k.hi(), k.mid(), k.lo(), v.length, p.hi(), p.mid(), p.lo(), tuple.publishedAtMs(),
            tuple.expiresAtMs(), tuple.original(), tuple.lastStoreReceivedMs());
    }

    /** {@inheritDoc} Allocation-free: the value is copied from the buffer straight into the reused record. */
    @Override
    public StoreStatus put(final long hi, final long mid, final int lo, final DirectBuffer value, final int offset,
                           final int length, final long publisherHi, final long publisherMid, final int publisherLo,
                           final long publishedAtMs, final long expiresAtMs, final boolean original,
                           final long lastStoreReceivedMs) {
        if (length > maxValueBytes) {
            return StoreStatus.TOO_LARGE;
        }
        recordView.putBytes(TupleLayout.HEADER_BYTES, value, offset, length);
        return putRecord(hi, mid, lo, length, publisherHi, publisherMid, publisherLo, publishedAtMs, expiresAtMs,
            original, lastStoreReceivedMs);
    }

    private StoreStatus putRecord(final long hi, final long mid, final int lo, final int length, final long publisherHi,
                                  final long publisherMid, final int publisherLo, final long publishedAtMs,
                                  final long expiresAtMs, final boolean original, final long lastStoreReceivedMs) {
        final UnsafeBuffer r = recordView;
        r.putInt(TupleLayout.FLAGS_OFFSET, original ? TupleLayout.FLAG_ORIGINAL : 0);
        r.putLong(TupleLayout.PUBLISHER_HI_OFFSET, publisherHi);
        r.putLong(TupleLayout.PUBLISHER_MID_OFFSET, publisherMid);
        r.putInt(TupleLayout.PUBLISHER_LO_OFFSET, publisherLo);
        r.putInt(TupleLayout.VALUE_LENGTH_OFFSET, length);
        r.putLong(TupleLayout.PUBLISHED_AT_OFFSET, publishedAtMs);
        r.putLong(TupleLayout.EXPIRES_AT_OFFSET, expiresAtMs);
        r.putLong(TupleLayout.LAST_STORE_OFFSET, lastStoreReceivedMs);
        final int recordLength = TupleLayout.HEADER_BYTES + length;
        r.putInt(TupleLayout.CHECKSUM_OFFSET,
            Crc32c.INSTANCE.compute(r.addressOffset(), TupleLayout.FLAGS_OFFSET, recordLength - TupleLayout.FLAGS_OFFSET));
        key(hi, mid, lo);
        final long newBytes = TupleLayout.recordBytes(length);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyBytes, 0, TupleLayout.KEY_BYTES)) {
            c.updateLock().lock();
            final MapEntry<byte[], byte[]> e = c.entry();
            final long oldBytes = e == null ? 0 : TupleLayout.recordBytes((int) e.value().size() - TupleLayout.HEADER_BYTES);
            if (e == null && count >= maxTuples) {
                return StoreStatus.FULL;
            }
            if (bytes - oldBytes + newBytes > maxTupleBytes) {
                return StoreStatus.FULL;
            }
            if (disk != null && !disk.allowWrite(TupleLayout.KEY_BYTES + recordLength)) {
                return StoreStatus.DISK_FULL;
            }
            final Data<byte[]> data = c.wrapValueBytesAsData(recordBytes, 0, recordLength);
            try {
                if (e == null) {
                    c.absentEntry().doInsert(data);
                    count++;
                } else {
                    e.doReplaceValue(data);
                }
            } catch (final IllegalStateException ex) {
                // Chronicle's own capacity limit: the sizing should make this unreachable. Counted, not thrown.
                chronicleRejected++;
                return StoreStatus.FULL;
            }
            bytes += newBytes - oldBytes;
            return StoreStatus.OK;
        }
    }

    @Override
    public Tuple get(final NodeId key) {
        key(key.hi(), key.mid(), key.lo());
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyBytes, 0, TupleLayout.KEY_BYTES)) {
            final MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            final int length = validRecord(e.value());
            if (length < 0) {
                corruptDropped++;
                return null;
            }
            return decode(key, length);
        }
    }

    /** The tuple in {@link #entryView}. */
    private Tuple decode(final NodeId key, final int length) {
        final UnsafeBuffer r = entryView;
        final byte[] value = new byte[length];
        r.getBytes(TupleLayout.HEADER_BYTES, value);
        return new Tuple(key, value,
            new NodeId(r.getLong(TupleLayout.PUBLISHER_HI_OFFSET), r.getLong(TupleLayout.PUBLISHER_MID_OFFSET),
                r.getInt(TupleLayout.PUBLISHER_LO_OFFSET)),
            r.getLong(TupleLayout.PUBLISHED_AT_OFFSET), r.getLong(TupleLayout.EXPIRES_AT_OFFSET),
            (r.getInt(TupleLayout.FLAGS_OFFSET) & TupleLayout.FLAG_ORIGINAL) != 0, r.getLong(TupleLayout.LAST_STORE_OFFSET));
    }

    /** {@inheritDoc} Allocation-free: a reused off-heap key and the Chronicle context API; verifies the checksum. */
    @Override
    public int getValue(final long hi, final long mid, final int lo, final long nowMs, final MutableDirectBuffer dst,
                        final int offset) {
        return getValue(hi, mid, lo, nowMs, dst, offset, null);
    }

    /** {@inheritDoc} Allocation-free, as the form without metadata. */
    @Override
    public int getValue(final long hi, final long mid, final int lo, final long nowMs, final MutableDirectBuffer dst,
                        final int offset, final TupleMeta meta) {
        key(hi, mid, lo);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyBytes, 0, TupleLayout.KEY_BYTES)) {
            final MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return -1;
            }
            final int length = validRecord(e.value());
            if (length < 0) {
                corruptDropped++;
                return -1;
            }
            if (entryView.getLong(TupleLayout.EXPIRES_AT_OFFSET) <= nowMs) {
                return -1;
            }
            if (offset < 0 || (long) offset + length > dst.capacity()) {
                return -2;
            }
            dst.putBytes(offset, entryView, TupleLayout.HEADER_BYTES, length);
            if (meta != null) {
                meta(length, meta);
            }
            return length;
        }
    }

    @Override
    public boolean readMeta(final long hi, final long mid, final int lo, final TupleMeta meta) {
        key(hi, mid, lo);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyBytes, 0, TupleLayout.KEY_BYTES)) {
            final MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            final int length = validRecord(e.value());
            if (length < 0) {
                corruptDropped++;
                return false;
            }
            meta(length, meta);
            return true;
        }
    }

    /** The metadata of the record in {@link #entryView}. */
    private void meta(final int length, final TupleMeta meta) {
        final UnsafeBuffer r = entryView;
        meta.set(r.getLong(TupleLayout.PUBLISHER_HI_OFFSET), r.getLong(TupleLayout.PUBLISHER_MID_OFFSET),
            r.getInt(TupleLayout.PUBLISHER_LO_OFFSET), length, r.getLong(TupleLayout.PUBLISHED_AT_OFFSET),
            r.getLong(TupleLayout.EXPIRES_AT_OFFSET), (r.getInt(TupleLayout.FLAGS_OFFSET) & TupleLayout.FLAG_ORIGINAL) != 0,
            r.getLong(TupleLayout.LAST_STORE_OFFSET));
    }

    @Override
    public boolean remove(final NodeId key) {
        key(key.hi(), key.mid(), key.lo());
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyBytes, 0, TupleLayout.KEY_BYTES)) {
            c.updateLock().lock();
            final MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            bytes -= TupleLayout.recordBytes((int) e.value().size() - TupleLayout.HEADER_BYTES);
            count--;
            e.doRemove();
            return true;
        }
    }

    @Override
    public void forEach(final Consumer<Tuple> action) {
        final List<Tuple> snapshot = new ArrayList<>(count);
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    final int length = validRecord(e.value());
                    if (length >= 0) {
                        final Data<byte[]> k = e.key();
                        final long a = k.bytes().addressForRead(k.offset());
                        keyView.wrap(a, TupleLayout.KEY_BYTES);
                        final NodeId id = NodeId.read(keyView, 0);
                        snapshot.add(decode(id, length));
                    }
                });
            }
            keyView.wrap(keyBytes.addressForWrite(0), TupleLayout.KEY_BYTES);
        }
        snapshot.forEach(action);
    }

    @Override
    public int expire(final long nowMs) {
        final int before = count;
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    final int length = validRecord(e.value());
                    if (length < 0 || entryView.getLong(TupleLayout.EXPIRES_AT_OFFSET) <= nowMs) {
                        bytes -= TupleLayout.recordBytes((int) e.value().size() - TupleLayout.HEADER_BYTES);
                        count--;
                        e.doRemove();
                    }
                });
            }
        }
        return before - count;
    }

    @Override
    public int size() {
        return count;
    }

    /** Bytes counted against the byte quota (see {@link TupleLayout#recordBytes}). */
    public long bytes() {
        return bytes;
    }

    /** Entry quota in force. */
    public int maxTuples() {
        return maxTuples;
    }

    /** Byte quota in force. */
    public long maxTupleBytes() {
        return maxTupleBytes;
    }

    /** Records dropped because their checksum or length did not match (on open or on read). */
    public long corruptDropped() {
        return corruptDropped;
    }

    /** Damaged records found and removed by the open pass (reported by the daemon at start and in status). */
    public long droppedOnOpen() {
        return droppedOnOpen;
    }

    /**
     * Records the map's segment headers count but the open pass could not reach (a damaged hash slot):
     * lost to reads although Chronicle still counts them.
     */
    public long unreachableOnOpen() {
        return unreachableOnOpen;
    }

    /** Inserts Chronicle refused although the quota allowed them; 0 unless the sizing is wrong. */
    public long chronicleRejected() {
        return chronicleRejected;
    }

    /** The map file. */
    public Path file() {
        return file;
    }

    @Override
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** Closes the map; prefer {@link Stores#close()}, which also writes the clean-shutdown marker. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        map.close();
        keyBytes.releaseLast();
        recordBytes.releaseLast();
    }
}
