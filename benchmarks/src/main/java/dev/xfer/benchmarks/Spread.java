package dev.xfer.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * The median and range of a few repeated measurements, printed as {@code median [min, max]}.
 *
 * @param median the middle value (the mean of the two middle ones for an even count)
 * @param min the smallest value
 * @param max the largest value
 */
record Spread(double median, double min, double max) {

  /** The spread of {@code values}, which must hold at least one. */
  static Spread of(double[] values) {
    if (values.length == 0) throw new IllegalArgumentException("spread: expected at least one value");
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return new Spread(median, s[0], s[n - 1]);
  }

  /** "median [min, max]" with {@code format} (e.g. "%.1f") for each number. */
  String format(String format) {
    return String.format(Locale.ROOT, format + " [" + format + ", " + format + "]", median, min, max);
  }
}
