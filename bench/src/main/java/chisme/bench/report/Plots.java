package chisme.bench.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** PNG line charts with XChart (headless AWT), one call per chart. */
public final class Plots {
    private Plots() {
    }

    /** A chart of x/y series; {@code logX} puts x on a log10 axis. */
    public static XYChart chart(final String title, final String xTitle, final String yTitle, final boolean logX, final boolean logY) {
        System.setProperty("java.awt.headless", "true");
        final XYChart c = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setYAxisLogarithmic(logY);
        c.getStyler().setMarkerSize(6);
        return c;
    }

    /** Adds a series with markers. */
    public static void series(final XYChart chart, final String name, final double[] x, final double[] y) {
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }

    /** Writes {@code chart} as {@code file} (a .png path). */
    public static void save(final XYChart chart, final Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            final String name = file.toString();
            BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
