package chisme.bench.report;

import java.util.Arrays;

/** Nearest-rank percentiles of a sample (sorted copy). */
public final class Percentiles {
    private final double[] sorted;

    public Percentiles(final double[] sample) {
        this.sorted = sample.clone();
        Arrays.sort(sorted);
    }

    /** Value at quantile {@code q} in 0..1 (nearest rank); NaN when empty. */
    public double at(final double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        final int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public double[] sorted() {
        return sorted.clone();
    }

    public int size() {
        return sorted.length;
    }
}
