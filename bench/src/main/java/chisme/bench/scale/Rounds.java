package chisme.bench.scale;

/** Histogram of lookup rounds: quantiles and mean (KademliaSimulation.Stats keeps its recorder package-private). */
final class Rounds {
    private final int[] histogram;
    private int total;

    Rounds() {
        histogram = new int[64];
    }

    Rounds(final int[] histogram) {
        this.histogram = histogram.clone();
        for (final int c : histogram) {
            total += c;
        }
    }

    void record(final int rounds) {
        histogram[Math.min(Math.max(rounds, 0), histogram.length - 1)]++;
        total++;
    }

    /** Rounds at quantile q (0..1), nearest rank. */
    int quantile(final double q) {
        final long need = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int r = 0; r < histogram.length; r++) {
            seen += histogram[r];
            if (seen >= need) {
                return r;
            }
        }
        return 0;
    }

    double mean() {
        long sum = 0;
        for (int r = 0; r < histogram.length; r++) {
            sum += (long) r * histogram[r];
        }
        return total == 0 ? 0 : (double) sum / total;
    }

    @Override
    public String toString() {
        final StringBuilder b = new StringBuilder(String.format("rounds median %d p90 %d max %d mean %.2f hist {", quantile(0.5),
            quantile(0.9), quantile(1.0), mean()));
        for (int r = 0; r < histogram.length; r++) {
            if (histogram[r] > 0) {
                b.append(r).append(':').append(histogram[r]).append(' ');
            }
        }
        return b.append('}').toString();
    }
}
