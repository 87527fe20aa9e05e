package dev.xfer.report;

import dev.xfer.util.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** What the report's JFreeChart charts share: fonts, line plots over a whole-number axis, PNG output. */
final class ChartImages {
  static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  private static final int TITLE_HEIGHT = 34;

  private ChartImages() {}

  /** One named series of y values at x = 0, 1, 2, ... plus {@code xOffset}; non-finite values leave a gap. */
  record Line(String name, double[] values, Paint colour) {}

  /**
   * A line plot: {@code xLabel} on a whole-number axis (ticks at integers only), {@code yLabel} on an axis
   * that fits the data ({@code lo}/{@code hi} fix it when finite), dots at every point.
   */
  static JFreeChart lines(String title, String xLabel, String yLabel, List<Line> lines, double xOffset, double lo, double hi) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int s = 0; s < lines.size(); s++) {
      Line line = lines.get(s);
      XYSeries series = new XYSeries(line.name(), false, true);
      for (int i = 0; i < line.values().length; i++) {
        double v = line.values()[i];
        series.add(i + xOffset, Double.isFinite(v) ? (Number) v : null);
      }
      data.addSeries(series);
      renderer.setSeriesPaint(s, line.colour());
      renderer.setSeriesStroke(s, new BasicStroke(2f));
    }
    NumberAxis x = new NumberAxis(xLabel);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setAutoRangeIncludesZero(false);
    x.setLabelFont(FONT);
    NumberAxis y = new NumberAxis(yLabel);
    y.setAutoRangeIncludesZero(false);
    y.setLabelFont(FONT);
    if (Double.isFinite(lo) && Double.isFinite(hi) && hi > lo) y.setRange(lo, hi);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(225, 225, 225));
    plot.setRangeGridlinePaint(new Color(225, 225, 225));
    JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, lines.size() > 0);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** A dashed vertical line at {@code x} with {@code label} at its top. */
  static void verticalMarker(JFreeChart chart, double x, String label) {
    ValueMarker m = marker(x, label, new float[] {4, 4});
    m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    chart.getXYPlot().addDomainMarker(m);
  }

  /** A dotted horizontal line at {@code y} with {@code label} at its right end. */
  static void horizontalMarker(JFreeChart chart, double y, String label) {
    ValueMarker m = marker(y, label, new float[] {2, 4});
    m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
    chart.getXYPlot().addRangeMarker(m);
  }

  private static ValueMarker marker(double at, String label, float[] dash) {
    ValueMarker m = new ValueMarker(at, Color.GRAY,
        new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
    m.setLabel(label);
    m.setLabelFont(FONT);
    m.setLabelPaint(Color.DARK_GRAY);
    m.setLabelBackgroundColor(new Color(255, 255, 255, 200));
    return m;
  }

  /** Formats an axis as percentages: 0.85 reads "85%". */
  static void percentAxis(JFreeChart chart) {
    ((NumberAxis) chart.getXYPlot().getRangeAxis()).setNumberFormatOverride(new DecimalFormat("0%"));
  }

  /** Draws {@code charts} side by side under {@code title} on a white {@code width} x {@code height} image. */
  static BufferedImage sideBySide(String title, int width, int height, JFreeChart... charts) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    TextTitle heading = new TextTitle(title, TITLE_FONT);
    heading.draw(g, new Rectangle2D.Double(0, 0, width, TITLE_HEIGHT));
    double w = (double) width / charts.length;
    for (int i = 0; i < charts.length; i++) {
      charts[i].draw(g, new Rectangle2D.Double(i * w, TITLE_HEIGHT, w, height - TITLE_HEIGHT));
    }
    g.dispose();
    return img;
  }

  /** Writes {@code img} as {@code png}, atomically. */
  static void write(BufferedImage img, Path png) throws IOException {
    AtomicFiles.write(png, temp -> {
      if (!ImageIO.write(img, "png", temp.toFile())) throw new IOException(png + ": no PNG writer available");
    });
  }

  /** Charts draw without a display. */
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }
}
