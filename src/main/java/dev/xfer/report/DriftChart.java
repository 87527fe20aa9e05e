package dev.xfer.report;

import dev.xfer.transfer.drift.DriftExperiment;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

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
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(1100, 460, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(Color.BLACK);
    g.drawString(title, 20, 24);
    List<DriftExperiment.Window> w = r.windows();
    Panel acc = new Panel(20, 0, 1, w.size());
    acc.frame(g, "accuracy per window", shiftStart, r.firedAt());
    acc.series(g, w, DriftExperiment.Window::frozenAccuracy, FROZEN);
    acc.series(g, w, DriftExperiment.Window::adaptedAccuracy, ADAPTED);
    g.setColor(FROZEN);
    g.drawString("frozen", 100, 440);
    g.setColor(ADAPTED);
    g.drawString("adapted (AdaBN after detection)", 170, 440);
    double hi = Math.max(r.threshold(), w.stream().mapToDouble(DriftExperiment.Window::statistic).max().orElse(1)) * 1.05;
    double lo = Math.min(0, w.stream().mapToDouble(DriftExperiment.Window::statistic).min().orElse(0));
    Panel stat = new Panel(570, lo, hi, w.size());
    stat.frame(g, "MMD² of pooled features vs reference", shiftStart, r.firedAt());
    stat.series(g, w, DriftExperiment.Window::statistic, STAT);
    g.setColor(Color.GRAY);
    int ty = stat.y(r.threshold());
    g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 4}, 0));
    g.drawLine(stat.left, ty, stat.right, ty);
    g.setStroke(new BasicStroke(1));
    g.drawString("threshold", stat.right - 70, ty - 4);
    g.dispose();
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException(png + ": no PNG writer available");
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING);
  }

  /** One plot area with its value range. */
  private static final class Panel {
    final int left;
    final int right;
    final int top = 60;
    final int bottom = 400;
    final double lo;
    final double hi;
    final int n;

    Panel(int x, double lo, double hi, int n) {
      this.left = x + 60;
      this.right = x + 510;
      this.lo = lo;
      this.hi = hi > lo ? hi : lo + 1;
      this.n = n;
    }

    int x(double i) {
      return left + 10 + (int) ((right - left - 20) * (n <= 1 ? 0 : i / (n - 1)));
    }

    int y(double v) {
      return bottom - (int) ((bottom - top) * (v - lo) / (hi - lo));
    }

    void frame(Graphics2D g, String label, int shiftStart, int firedAt) {
      g.setColor(Color.BLACK);
      g.drawString(label, left + 120, 50);
      g.drawLine(left, bottom, right, bottom);
      g.drawLine(left, top, left, bottom);
      for (int t = 0; t <= 4; t++) {
        double v = lo + (hi - lo) * t / 4;
        g.setColor(new Color(230, 230, 230));
        g.drawLine(left + 1, y(v), right, y(v));
        g.setColor(Color.BLACK);
        g.drawString(String.format(Locale.ROOT, "%.3f", v), left - 55, y(v) + 4);
      }
      g.drawString("window", right - 50, bottom + 20);
      for (int i = 0; i < n; i += Math.max(1, n / 10)) g.drawString(Integer.toString(i), x(i) - 4, bottom + 16);
      if (shiftStart >= 0) marker(g, shiftStart, "shift starts");
      if (firedAt >= 0) marker(g, firedAt, "drift declared");
    }

    private void marker(Graphics2D g, int window, String text) {
      g.setColor(Color.GRAY);
      g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
      g.drawLine(x(window), top, x(window), bottom);
      g.setStroke(new BasicStroke(1));
      g.drawString(text, x(window) + 3, text.startsWith("shift") ? top + 12 : top + 28);
    }

    void series(Graphics2D g, List<DriftExperiment.Window> w, ToDoubleFunction<DriftExperiment.Window> f, Color c) {
      g.setColor(c);
      g.setStroke(new BasicStroke(2));
      for (int i = 0; i < w.size(); i++) {
        double v = f.applyAsDouble(w.get(i));
        if (Double.isNaN(v)) continue; // unlabelled window: no accuracy
        int px = x(i);
        int py = y(v);
        g.fillOval(px - 3, py - 3, 6, 6);
        if (i > 0 && !Double.isNaN(f.applyAsDouble(w.get(i - 1)))) g.drawLine(x(i - 1), y(f.applyAsDouble(w.get(i - 1))), px, py);
      }
      g.setStroke(new BasicStroke(1));
    }
  }
}
