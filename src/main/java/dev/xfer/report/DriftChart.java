package dev.xfer.report;

import dev.xfer.transfer.drift.DriftExperiment;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;

/**
 * A drift run as one PNG: accuracy per window of the frozen and the adapted model (left) and the drift
 * statistic with the detector's threshold (right); dashed lines where the shift starts and where drift
 * was declared.
 */
public final class DriftChart {
  private static final Color FROZEN = new Color(214, 39, 40);
  private static final Color ADAPTED = new Color(31, 119, 180);
  private static final Color STAT = new Color(44, 160, 44);

  private DriftChart() {}

  /** Writes the chart; {@code shiftStart} -1 draws no shift marker (a stream that does not know it). */
  public static void write(DriftExperiment.Result r, int shiftStart, String title, Path png) throws IOException {
    ChartImages.headless();
    List<DriftExperiment.Window> w = r.windows();
    JFreeChart accuracy = ChartImages.lines("accuracy per window", "window", "accuracy", List.of(
        new ChartImages.Line("frozen", values(w, DriftExperiment.Window::frozenAccuracy), FROZEN),
        new ChartImages.Line("adapted (AdaBN after detection)", values(w, DriftExperiment.Window::adaptedAccuracy), ADAPTED)),
        0, 0, 1);
    ChartImages.percentAxis(accuracy);
    double hi = Math.max(r.threshold(), w.stream().mapToDouble(DriftExperiment.Window::statistic).max().orElse(1)) * 1.05;
    double lo = Math.min(0, w.stream().mapToDouble(DriftExperiment.Window::statistic).min().orElse(0));
    JFreeChart statistic = ChartImages.lines("MMD² of pooled features vs reference", "window", "MMD²", List.of(
        new ChartImages.Line("statistic", values(w, DriftExperiment.Window::statistic), STAT)), 0, lo, hi > lo ? hi : lo + 1);
    ChartImages.horizontalMarker(statistic, r.threshold(), "threshold");
    for (JFreeChart chart : List.of(accuracy, statistic)) {
      chart.getXYPlot().getDomainAxis().setRange(-0.5, Math.max(1, w.size()) - 0.5);
      if (shiftStart >= 0) ChartImages.verticalMarker(chart, shiftStart, "shift starts");
      if (r.firedAt() >= 0) ChartImages.verticalMarker(chart, r.firedAt(), "drift declared");
    }
    ChartImages.write(ChartImages.sideBySide(title, 1100, 460, accuracy, statistic), png);
  }

  private static double[] values(List<DriftExperiment.Window> w, ToDoubleFunction<DriftExperiment.Window> f) {
    return w.stream().mapToDouble(f).toArray();
  }
}
