package dev.xfer.report;

import dev.xfer.train.EpochRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

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
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(Color.BLACK);
    g.drawString(title, 20, 24);
    panel(g, runs, "validation accuracy", EpochRecord::valAccuracy, 0, 1, referenceAccuracy, 20);
    double maxLoss = runs.values().stream().flatMap(List::stream).mapToDouble(EpochRecord::loss)
        .filter(Double::isFinite).max().orElse(1);
    panel(g, runs, "training loss", EpochRecord::loss, 0, Math.max(maxLoss, 1e-6), Double.NaN, 570);
    g.dispose();
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException(png + ": no PNG writer available");
    java.nio.file.Files.move(tmp, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static void panel(Graphics2D g, Map<String, List<EpochRecord>> runs, String label,
      ToDoubleFunction<EpochRecord> metric, double lo, double hi, double reference, int x) {
    int left = x + 55;
    int right = x + 510;
    int top = 60;
    int bottom = 400;
    int epochs = runs.values().stream().mapToInt(List::size).max().orElse(1);
    g.setColor(Color.BLACK);
    g.drawString(label, x + 230, 50);
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);
    for (int t = 0; t <= 4; t++) {
      int py = bottom - (bottom - top) * t / 4;
      g.setColor(new Color(230, 230, 230));
      g.drawLine(left + 1, py, right, py);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%.2f", lo + (hi - lo) * t / 4), x, py + 4);
    }
    double dx = epochs <= 1 ? 0 : (double) (right - left - 20) / (epochs - 1);
    for (int e = 0; e < epochs; e++) {
      g.drawString(Integer.toString(e + 1), left + 10 + (int) (dx * e) - 4, bottom + 16);
    }
    g.drawString("epoch (all phases)", left, bottom + 34);
    if (Double.isFinite(reference)) {
      int py = bottom - (int) ((bottom - top) * (reference - lo) / (hi - lo));
      g.setColor(Color.GRAY);
      g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 4}, 0));
      g.drawLine(left, py, right, py);
      g.setStroke(new BasicStroke(1));
      g.drawString(String.format(Locale.ROOT, "%.0f%%", 100 * reference), right - 34, py - 4);
    }
    int i = 0;
    for (Map.Entry<String, List<EpochRecord>> run : runs.entrySet()) {
      Color c = COLORS[i % COLORS.length];
      g.setColor(c);
      g.setStroke(new BasicStroke(2));
      int px0 = -1;
      int py0 = -1;
      List<EpochRecord> h = run.getValue();
      for (int e = 0; e < h.size(); e++) {
        double v = metric.applyAsDouble(h.get(e));
        if (!Double.isFinite(v)) continue;
        int px = left + 10 + (int) (dx * e);
        int py = bottom - (int) ((bottom - top) * (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo));
        g.fillOval(px - 3, py - 3, 6, 6);
        if (px0 >= 0) g.drawLine(px0, py0, px, py);
        px0 = px;
        py0 = py;
      }
      g.setStroke(new BasicStroke(1));
      g.drawString(run.getKey(), left + 20 + 110 * i, bottom + 52);
      i++;
    }
  }
}
