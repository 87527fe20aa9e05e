package dev.xfer.report;

import dev.xfer.train.EpochRecord;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;

/**
 * One PNG comparing runs epoch by epoch (epochs counted across phases): validation accuracy on the
 * left, training loss on the right, one colour per run, and a dotted line at a reference accuracy.
 */
public final class ComparisonChart {
  private static final Color[] COLORS = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44)};
  public static final int WIDTH = 1100;
  public static final int HEIGHT = 460;

  private ComparisonChart() {}

  /** Draws {@code runs} (name to history, in legend order) with a reference line at {@code referenceAccuracy}. */
  public static void write(Map<String, List<EpochRecord>> runs, double referenceAccuracy, String title, Path png) throws IOException {
    ChartImages.headless();
    int epochs = runs.values().stream().mapToInt(List::size).max().orElse(1);
    JFreeChart accuracy = panel(runs, "validation accuracy", EpochRecord::valAccuracy, 0, 1, epochs);
    ChartImages.percentAxis(accuracy);
    if (Double.isFinite(referenceAccuracy)) {
      ChartImages.horizontalMarker(accuracy, referenceAccuracy, String.format(Locale.ROOT, "%.0f%%", 100 * referenceAccuracy));
    }
    double maxLoss = runs.values().stream().flatMap(List::stream).mapToDouble(EpochRecord::loss)
        .filter(Double::isFinite).max().orElse(1);
    JFreeChart loss = panel(runs, "training loss", EpochRecord::loss, 0, Math.max(maxLoss, 1e-6) * 1.05, epochs);
    ChartImages.write(ChartImages.sideBySide(title, WIDTH, HEIGHT, accuracy, loss), png);
  }

  private static JFreeChart panel(Map<String, List<EpochRecord>> runs, String label, ToDoubleFunction<EpochRecord> metric,
      double lo, double hi, int epochs) {
    List<ChartImages.Line> lines = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, List<EpochRecord>> run : runs.entrySet()) {
      double[] values = run.getValue().stream().mapToDouble(metric).toArray();
      lines.add(new ChartImages.Line(run.getKey(), values, COLORS[i++ % COLORS.length]));
    }
    JFreeChart chart = ChartImages.lines(label, "epoch (all phases)", label, lines, 1, lo, hi);
    chart.getXYPlot().getDomainAxis().setRange(0.5, Math.max(1, epochs) + 0.5);
    return chart;
  }
}
