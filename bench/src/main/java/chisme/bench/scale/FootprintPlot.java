package chisme.bench.scale;

import chisme.bench.report.Csv;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bar chart of footprint.csv: per profile, median RSS idle (2 s and 20 s), at the first answer (VmHWM) and loaded, against the goals of issue 16. */
final class FootprintPlot {
    static final String PNG = "footprint.png";

    private FootprintPlot() {
    }

    static void draw(final Csv csv, final Path png) {
        final Map<String, List<Double>> idle = new LinkedHashMap<>();
        final Map<String, List<Double>> hwm = new LinkedHashMap<>();
        final Map<String, List<Double>> settled = new LinkedHashMap<>();
        final Map<String, List<Double>> loaded = new LinkedHashMap<>();
        final List<String> header = Arrays.asList(csv.columns());
        final int profile = header.indexOf("profile");
        final int nmt = header.indexOf("nmt");
        final int state = header.indexOf("state");
        final int rss = header.indexOf("vmrss_kib");
        final int peak = header.indexOf("vmhwm_at_pong_kib");
        for (final String[] r : csv.rows()) {
            if (Boolean.parseBoolean(r[nmt])) {
                continue; // NMT's own memory would inflate RSS
            }
            final double mib = Double.parseDouble(r[rss]) / 1024;
            if (r[state].equals("idle")) {
                idle.computeIfAbsent(r[profile], k -> new ArrayList<>()).add(mib);
                hwm.computeIfAbsent(r[profile], k -> new ArrayList<>()).add(Double.parseDouble(r[peak]) / 1024);
            } else if (r[state].equals(Footprint.SETTLED)) {
                settled.computeIfAbsent(r[profile], k -> new ArrayList<>()).add(mib);
            } else if (r[state].contains("books")) {
                loaded.computeIfAbsent(r[profile], k -> new ArrayList<>()).add(mib);
            }
        }
        final List<String> profiles = new ArrayList<>(idle.keySet());
        System.setProperty("java.awt.headless", "true");
        final CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
            .title("chisme node RSS by JVM profile (goal: idle <= 64 MB, loaded <= 96 MB)").xAxisTitle("profile").yAxisTitle("MiB").build();
        chart.addSeries("VmHWM at first answer", profiles, medians(profiles, hwm));
        chart.addSeries("VmRSS idle 2 s", profiles, medians(profiles, idle));
        chart.addSeries("VmRSS idle 20 s", profiles, medians(profiles, settled));
        chart.addSeries("VmRSS, 10k values + 10k books", profiles, medians(profiles, loaded));
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            final String name = png.toString();
            BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - 4), BitmapEncoder.BitmapFormat.PNG);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Double> medians(final List<String> profiles, final Map<String, List<Double>> values) {
        final List<Double> out = new ArrayList<>();
        for (final String p : profiles) {
            final double[] v = values.getOrDefault(p, List.of(0.0)).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.add(v[v.length / 2]);
        }
        return out;
    }
}
