package dev.xfer.report;

import dev.xfer.train.EpochRecord;
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
 * PNG charts of a run, drawn with Java2D (headless): training curves (loss and accuracy, training
 * and validation, a dashed line where a new phase starts) and the test confusion matrix.
 */
public final class Charts {
  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color VALID = new Color(255, 127, 14);
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

  private Charts() {}

  /** Two panels, loss and accuracy per epoch across all phases. */
  public static void curves(List<EpochRecord> history, String title, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(1100, 460, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    g.drawString(title, 20, 24);
    panel(g, history, "loss", EpochRecord::loss, EpochRecord::valLoss, 20, 40, 520, 400);
    panel(g, history, "accuracy", EpochRecord::accuracy, EpochRecord::valAccuracy, 570, 40, 520, 400);
    g.dispose();
    write(img, png);
  }

  /** A heat map of counts, rows = true class, columns = predicted class. */
  public static void confusion(long[][] counts, List<String> classNames, String title, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int k = counts.length;
    int cell = Math.max(28, Math.min(90, 600 / Math.max(1, k)));
    int left = 150;
    int top = 70;
    BufferedImage img = new BufferedImage(left + k * cell + 40, top + k * cell + 90, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    g.drawString(title, 20, 24);
    g.drawString("predicted →", left, top - 30);
    g.drawString("true ↓", 10, top - 10);
    long max = 1;
    for (long[] row : counts) for (long v : row) max = Math.max(max, v);
    for (int i = 0; i < k; i++) {
      g.setColor(Color.BLACK);
      g.drawString(shorten(name(classNames, i), 18), 10, top + i * cell + cell / 2 + 5);
      drawRotated(g, shorten(name(classNames, i), 14), left + i * cell + cell / 2, top + k * cell + 12);
      for (int j = 0; j < k; j++) {
        float t = (float) counts[i][j] / max;
        g.setColor(new Color(1 - 0.85f * t, 1 - 0.6f * t, 1 - 0.25f * t));
        g.fillRect(left + j * cell, top + i * cell, cell, cell);
        g.setColor(t > 0.6f ? Color.WHITE : Color.BLACK);
        String text = Long.toString(counts[i][j]);
        g.drawString(text, left + j * cell + cell / 2 - g.getFontMetrics().stringWidth(text) / 2, top + i * cell + cell / 2 + 5);
      }
    }
    g.setColor(Color.GRAY);
    g.drawRect(left, top, k * cell, k * cell);
    g.dispose();
    write(img, png);
  }

  private static void panel(Graphics2D g, List<EpochRecord> h, String label, ToDoubleFunction<EpochRecord> train,
      ToDoubleFunction<EpochRecord> valid, int x, int y, int w, int hgt) {
    int left = x + 55;
    int bottom = y + hgt - 40;
    int right = x + w - 10;
    int topY = y + 20;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (EpochRecord r : h) {
      for (double v : new double[] {train.applyAsDouble(r), valid.applyAsDouble(r)}) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!Double.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-9) hi = lo + 1;
    g.setColor(Color.BLACK);
    g.drawString(label, x + w / 2 - 20, y + 12);
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, topY, left, bottom);
    for (int t = 0; t <= 4; t++) {
      double v = lo + (hi - lo) * t / 4;
      int py = bottom - (int) ((bottom - topY) * t / 4.0);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(left + 1, py, right, py);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%.3f", v), x, py + 4);
    }
    int n = h.size();
    double dx = n <= 1 ? 0 : (double) (right - left - 20) / (n - 1);
    for (int i = 1; i < n; i++) {
      if (!h.get(i).phase().equals(h.get(i - 1).phase())) {
        int px = left + 10 + (int) (dx * (i - 0.5));
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
        g.drawLine(px, topY, px, bottom);
        g.setStroke(new BasicStroke(1));
        g.drawString(h.get(i).phase(), px + 4, topY + 12);
      }
    }
    if (n > 0) g.drawString(h.get(0).phase(), left + 14, topY + 12);
    series(g, h, train, TRAIN, left, bottom, topY, dx, lo, hi);
    series(g, h, valid, VALID, left, bottom, topY, dx, lo, hi);
    g.setColor(TRAIN);
    g.drawString("training", right - 150, bottom + 30);
    g.setColor(VALID);
    g.drawString("validation", right - 80, bottom + 30);
    g.setColor(Color.BLACK);
    g.drawString("epoch", left, bottom + 30);
  }

  private static void series(Graphics2D g, List<EpochRecord> h, ToDoubleFunction<EpochRecord> f, Color c, int left,
      int bottom, int topY, double dx, double lo, double hi) {
    g.setColor(c);
    g.setStroke(new BasicStroke(2));
    int prevX = -1;
    int prevY = -1;
    for (int i = 0; i < h.size(); i++) {
      double v = f.applyAsDouble(h.get(i));
      if (!Double.isFinite(v)) continue;
      int px = left + 10 + (int) (dx * i);
      int py = bottom - (int) ((bottom - topY) * (v - lo) / (hi - lo));
      g.fillOval(px - 3, py - 3, 6, 6);
      if (prevX >= 0) g.drawLine(prevX, prevY, px, py);
      prevX = px;
      prevY = py;
    }
    g.setStroke(new BasicStroke(1));
  }

  private static Graphics2D canvas(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(FONT);
    return g;
  }

  private static void drawRotated(Graphics2D g, String text, int x, int y) {
    Graphics2D r = (Graphics2D) g.create();
    r.translate(x, y);
    r.rotate(Math.PI / 4);
    r.setColor(Color.BLACK);
    r.drawString(text, 0, 0);
    r.dispose();
  }

  private static String name(List<String> names, int i) {
    return i < names.size() ? names.get(i) : "class " + i;
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static void write(BufferedImage img, Path png) throws IOException {
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException(png + ": no PNG writer available");
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
