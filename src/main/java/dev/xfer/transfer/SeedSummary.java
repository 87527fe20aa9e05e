package dev.xfer.transfer;

import java.util.List;
import java.util.Locale;

/** Mean and sample standard deviation of one figure over seeds, printed as "0.812 ± 0.014". */
public record SeedSummary(double mean, double sd, int n) {
  public static SeedSummary of(List<Double> values) {
    int n = values.size();
    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    return new SeedSummary(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.3f ± %.3f", mean, sd);
  }
}
