package dev.xfer.report;

import dev.xfer.train.EpochRecord;
import java.awt.Color;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * PNG charts of a run, drawn with JFreeChart (headless): training curves (loss and accuracy, training
 * and validation, a dashed line where each phase starts) and the test confusion matrix.
 */
public final class Charts {
  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color VALID = new Color(255, 127, 14);

  private Charts() {}

  /** Two panels, loss and accuracy per epoch across all phases. */
  public static void curves(List<EpochRecord> history, String title, Path png) throws IOException {
    ChartImages.headless();
    JFreeChart loss = panel(history, "loss", EpochRecord::loss, EpochRecord::valLoss);
    JFreeChart accuracy = panel(history, "accuracy", EpochRecord::accuracy, EpochRecord::valAccuracy);
    ChartImages.write(ChartImages.sideBySide(title, 1100, 460, loss, accuracy), png);
  }

  private static JFreeChart panel(List<EpochRecord> h, String label, ToDoubleFunction<EpochRecord> train,
      ToDoubleFunction<EpochRecord> valid) {
    JFreeChart chart = ChartImages.lines(label, "epoch (all phases)", label, List.of(
        new ChartImages.Line("training", values(h, train), TRAIN),
        new ChartImages.Line("validation", values(h, valid), VALID)), 1, Double.NaN, Double.NaN);
    chart.getXYPlot().getDomainAxis().setRange(0.5, Math.max(1, h.size()) + 0.5);
    for (int i = 0; i < h.size(); i++) {
      if (i == 0 || !h.get(i).phase().equals(h.get(i - 1).phase())) ChartImages.verticalMarker(chart, i + 0.5, h.get(i).phase());
    }
    return chart;
  }

  private static double[] values(List<EpochRecord> h, ToDoubleFunction<EpochRecord> f) {
    return h.stream().mapToDouble(f).toArray();
  }

  /** A heat map of counts, rows = true class (top to bottom), columns = predicted class, each cell labelled. */
  public static void confusion(long[][] counts, List<String> classNames, String title, Path png) throws IOException {
    ChartImages.headless();
    int k = counts.length;
    String[] names = new String[k];
    for (int i = 0; i < k; i++) names[i] = shorten(i < classNames.size() ? classNames.get(i) : "class " + i, 18);
    double[][] xyz = new double[3][k * k];
    long max = 1;
    for (long[] row : counts) for (long v : row) max = Math.max(max, v);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        xyz[0][i * k + j] = j;
        xyz[1][i * k + j] = i;
        xyz[2][i * k + j] = counts[i][j];
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("counts", xyz);
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(new Blues(max));
    SymbolAxis predicted = new SymbolAxis("predicted", names);
    predicted.setVerticalTickLabels(k > 4);
    SymbolAxis truth = new SymbolAxis("true", names);
    truth.setInverted(true);
    for (NumberAxis a : new NumberAxis[] {predicted, truth}) {
      a.setLabelFont(ChartImages.FONT);
      a.setRange(-0.5, k - 0.5);
      ((SymbolAxis) a).setGridBandsVisible(false);
    }
    XYPlot plot = new XYPlot(data, predicted, truth, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        XYTextAnnotation n = new XYTextAnnotation(Long.toString(counts[i][j]), j, i);
        n.setFont(ChartImages.FONT);
        n.setPaint((double) counts[i][j] / max > 0.6 ? Color.WHITE : Color.BLACK);
        plot.addAnnotation(n);
      }
    }
    JFreeChart chart = new JFreeChart(title, ChartImages.TITLE_FONT, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    int cell = Math.max(28, Math.min(90, 600 / Math.max(1, k)));
    ChartImages.write(chart.createBufferedImage(150 + k * cell + 40, 70 + k * cell + 90), png);
  }

  /** White to blue by count, as a share of the largest count. */
  private record Blues(long max) implements PaintScale {
    @Override
    public double getLowerBound() {
      return 0;
    }

    @Override
    public double getUpperBound() {
      return max;
    }

    @Override
    public Paint getPaint(double value) {
      float t = (float) Math.max(0, Math.min(1, value / max));
      return new Color(1 - 0.85f * t, 1 - 0.6f * t, 1 - 0.25f * t);
    }
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
