import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Standalone reproducer for the aarch64 C1 CRC32C fault seen under qemu-user (issue 16; tools/aarch64/crc32c/README.md).
 * It calls java.util.zip.CRC32C.updateDirectByteBuffer(int crc, long address, int off, int end) exactly the way
 * Agrona 2.6's org.agrona.checksum.Crc32c does (a reflective method handle, crc bound to -1, result complemented),
 * on an off-heap address inside a memory-mapped file (as chisme's Chronicle store does), with a constant offset 4,
 * and checks every result against CRC32C.update(ByteBuffer) on the same bytes.
 *   java --add-opens java.base/java.util.zip=ALL-UNNAMED -XX:TieredStopAtLevel=1 Crc32cC1Repro.java [rounds]
 * Prints "OK rounds=N" or "MISMATCH ..." (exit 1); a JVM crash (hs_err) is the fault reproduced.
 */
public final class Crc32cC1Repro {
    private static final int OFFSET = 4;
    private static final MethodHandle UPDATE = handle();

    private static MethodHandle handle() {
        try {
            final Method m = CRC32C.class.getDeclaredMethod("updateDirectByteBuffer", int.class, long.class, int.class, int.class);
            m.setAccessible(true);
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle h = MethodHandles.insertArguments(lookup.unreflect(m), 0, -1);
            return MethodHandles.filterReturnValue(h,
                lookup.findStatic(Crc32cC1Repro.class, "complement", MethodType.methodType(int.class, int.class)));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("needs --add-opens java.base/java.util.zip=ALL-UNNAMED", e);
        }
    }

    private static int complement(final int crc) {
        return ~crc;
    }

    /** Agrona's Crc32c.compute(address, offset, length), copied in shape. */
    static int compute(final long address, final int offset, final int length) {
        try {
            return (int) UPDATE.invokeExact(address, offset, offset + length);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void main(final String[] args) throws IOException {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        final int size = 1 << 20;
        final Path file = Files.createTempFile("crc32c-repro", ".map");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            final long base = address(map);
            for (int i = 0; i < size; i++) {
                map.put(i, (byte) (i * 31 + 7));
            }
            final CRC32C reference = new CRC32C();
            for (int r = 0; r < rounds; r++) {
                final int record = (r * 4_099) % (size - 4_096) & ~7; // 8-aligned record starts, as in a map entry
                final int length = 100 + r % 200;
                final int got = compute(base + record, OFFSET, length);
                if (r % 997 == 0) { // the reference is slow under emulation: check a sample
                    reference.reset();
                    reference.update(map.slice(record + OFFSET, length));
                    if ((int) reference.getValue() != got) {
                        System.out.printf("MISMATCH round=%d address=0x%x length=%d got=%08x want=%08x%n",
                            r, base + record, length, got, (int) reference.getValue());
                        System.exit(1);
                    }
                }
            }
            System.out.println("OK rounds=" + rounds + " base=0x" + Long.toHexString(base));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long address(final MappedByteBuffer map) {
        try {
            final var f = java.nio.Buffer.class.getDeclaredField("address");
            f.setAccessible(true);
            return f.getLong(map);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("needs --add-opens java.base/java.nio=ALL-UNNAMED", e);
        }
    }
}
