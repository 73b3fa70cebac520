package chisme.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A CSV table built in memory and written once (small: one row per measured point). */
public final class Csv {
    private final String[] columns;
    private final List<String[]> rows = new ArrayList<>();

    public Csv(final String... columns) {
        this.columns = columns.clone();
    }

    /** Adds a row; values are formatted with {@link String#valueOf}, doubles to 4 significant decimals. */
    public Csv row(final Object... values) {
        if (values.length != columns.length) {
            throw new IllegalArgumentException(values.length + " values for " + columns.length + " columns");
        }
        final String[] r = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            r[i] = values[i] instanceof Double d ? String.format("%.4f", d) : String.valueOf(values[i]);
        }
        rows.add(r);
        return this;
    }

    public List<String[]> rows() {
        return rows;
    }

    /** The column names. */
    public String[] columns() {
        return columns.clone();
    }

    /**
     * Reads a table this class wrote (first line the column names, plain comma-separated values: the
     * harness never writes commas or quotes inside a value). A ragged line is an error naming the file.
     */
    public static Csv read(final Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty, expected a header line");
        }
        final Csv csv = new Csv(lines.get(0).split(",", -1));
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) {
                continue;
            }
            final String[] r = lines.get(i).split(",", -1);
            if (r.length != csv.columns.length) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + r.length + " values for " + csv.columns.length + " columns");
            }
            csv.rows.add(r);
        }
        return csv;
    }

    /** Appends the rows of {@code other}, which must have the same columns. */
    public Csv append(final Csv other) {
        if (!Arrays.equals(columns, other.columns)) {
            throw new IllegalArgumentException("columns differ: " + Arrays.toString(columns) + " and " + Arrays.toString(other.columns));
        }
        rows.addAll(other.rows);
        return this;
    }

    /** The value of {@code column} in {@code row} (a row of this table). */
    public String value(final String[] row, final String column) {
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equals(column)) {
                return row[i];
            }
        }
        throw new IllegalArgumentException("no column " + column + " in " + Arrays.toString(columns));
    }

    /** The value of {@code column} in {@code row} as a number. */
    public double number(final String[] row, final String column) {
        return Double.parseDouble(value(row, column));
    }

    /** Writes the table to {@code file} (parent directories created), replacing it. */
    public void write(final Path file) {
        final StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
        for (final String[] r : rows) {
            b.append(String.join(",", r)).append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, b.toString());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints the table aligned on stdout. */
    public void print(final String title) {
        final int[] w = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            w[i] = columns[i].length();
            for (final String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        System.out.println("== " + title);
        final StringBuilder h = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
            h.append(String.format("%-" + (w[i] + 2) + "s", columns[i]));
        }
        System.out.println(h.toString().stripTrailing());
        for (final String[] r : rows) {
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(String.format("%-" + (w[i] + 2) + "s", r[i]));
            }
            System.out.println(line.toString().stripTrailing());
        }
    }
}
