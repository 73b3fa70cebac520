package chisme.store;

import chisme.wire.NodeId;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Child process of {@link KillRecoveryTest}: opens the stores (recovering if the last run was killed),
 * verifies every write acknowledged by earlier runs, then writes forever, printing "ACK i" after write i
 * returned OK. Killed with SIGKILL by the parent.
 * <pre>
 *   args: dataDir startIndex
 *   out:  VERIFIED recovered=true|false missing=M bad=B corrupt=C
 *         ACK 0, ACK 1, ...
 * </pre>
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    static StoreConfig config(final Path dir) {
        return new StoreConfig().dataDir(dir).maxTuples(200_000).maxTupleBytes(128L * 1024 * 1024).maxBooks(50_000);
    }

    static NodeId key(final int i) {
        return new NodeId(0xC0FFEEL, i, i * 31);
    }

    static byte[] value(final int i) {
        final byte[] v = new byte[16 + i % 300];
        new SplittableRandom(i).nextBytes(v);
        return v;
    }

    static Book book(final int i) {
        return new Book("crash", "k" + i, key(i), "writer", i, Long.MAX_VALUE, false,
            ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** Counts of acknowledged writes [0, count) that are missing or wrong. */
    static int[] verify(final Stores s, final int count) {
        int missing = 0;
        int bad = 0;
        for (int i = 0; i < count; i++) {
            final Tuple t = s.tuples().get(key(i));
            if (t == null) {
                missing++;
            } else if (!Arrays.equals(value(i), t.value()) || t.expiresAtMs() != Long.MAX_VALUE) {
                bad++;
            }
            if (i % 10 == 0) {
                final Book b = s.books().get("crash", "k" + i);
                if (b == null) {
                    missing++;
                } else if (b.version() != i || !Arrays.equals(book(i).data(), b.data())) {
                    bad++;
                }
            }
        }
        return new int[] {missing, bad};
    }

    public static void main(final String[] args) {
        final Path dir = Path.of(args[0]);
        final int start = Integer.parseInt(args[1]);
        final PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        final Stores s = Stores.open(config(dir));
        final int[] check = verify(s, start);
        out.println("VERIFIED recovered=" + s.recovered() + " missing=" + check[0] + " bad=" + check[1] + " corrupt="
            + (s.tuples().corruptDropped() + s.books().corruptDropped()));
        out.flush();
        // Bounded: the parent kills us long before; the limit only guards against a lost parent.
        for (int i = start; i < start + 150_000; i++) {
            final Tuple t = new Tuple(key(i), value(i), key(i), 1, Long.MAX_VALUE, true, 1);
            if (s.tuples().put(t) != StoreStatus.OK) {
                out.println("FAILED " + i);
                break;
            }
            if (i % 10 == 0 && s.books().put(book(i)) != StoreStatus.OK) {
                out.println("FAILED " + i);
                break;
            }
            out.println("ACK " + i);
            out.flush();
        }
        out.flush();
        s.close();
    }
}
