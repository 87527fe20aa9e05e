package dev.xfer.data;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A change of input distribution applied to grayscale images at a chosen strength: {@code rotate}
 * (degrees, clockwise on screen, bilinear, about the image centre, zero fill), {@code brightness} (added fraction of full
 * scale, clamped), {@code invert} (blend towards 255 - p: 1 is the photographic negative),
 * {@code noise} (Gaussian, sigma as a fraction of full scale, seeded per image), {@code blur}
 * (Gaussian, sigma in pixels) or {@code none}. Written {@code KIND:MAX}, e.g. {@code rotate:60}.
 */
public record ImageShift(Kind kind, double max) {
  /** The transformations. */
  public enum Kind { NONE, ROTATE, BRIGHTNESS, INVERT, NOISE, BLUR }

  public ImageShift {
    if (!Double.isFinite(max)) throw new IllegalArgumentException("shift " + kind + ": strength must be finite, found " + max);
  }

  /** Parses {@code KIND:MAX} or {@code none}. */
  public static ImageShift parse(String spec) {
    String s = spec.strip().toLowerCase(Locale.ROOT);
    if (s.equals("none")) return new ImageShift(Kind.NONE, 0);
    int colon = s.indexOf(':');
    try {
      if (colon < 0) throw new IllegalArgumentException();
      return new ImageShift(Kind.valueOf(s.substring(0, colon).toUpperCase(Locale.ROOT)), Double.parseDouble(s.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("shift " + spec + ": expected none or KIND:MAX with KIND one of rotate, brightness, invert,"
          + " noise, blur (e.g. rotate:60, invert:1)");
    }
  }

  @Override
  public String toString() {
    return kind == Kind.NONE ? "none" : kind.name().toLowerCase(Locale.ROOT) + ":" + max;
  }

  /** Every image transformed at {@code fraction} (0..1) of the maximum strength; labels kept. */
  public GrayImages apply(GrayImages images, double fraction, long seed) {
    double strength = max * Math.max(0, Math.min(1, fraction));
    int plane = images.rows() * images.cols();
    byte[] out = new byte[images.pixels().length];
    double[] src = new double[plane];
    for (int n = 0; n < images.count(); n++) {
      for (int p = 0; p < plane; p++) src[p] = images.pixels()[n * plane + p] & 0xff;
      double[] dst = transform(src, images.rows(), images.cols(), strength, new SplittableRandom(seed * 1_000_003L + n));
      for (int p = 0; p < plane; p++) out[n * plane + p] = (byte) Math.round(Math.max(0, Math.min(255, dst[p])));
    }
    return new GrayImages(images.rows(), images.cols(), out, images.labels().clone());
  }

  private double[] transform(double[] px, int rows, int cols, double s, SplittableRandom rng) {
    return switch (kind) {
      case NONE -> px.clone();
      case ROTATE -> rotate(px, rows, cols, Math.toRadians(s));
      case BRIGHTNESS -> map(px, v -> v + 255 * s);
      case INVERT -> map(px, v -> (1 - s) * v + s * (255 - v));
      case NOISE -> map(px, v -> v + 255 * s * rng.nextGaussian());
      case BLUR -> blur(px, rows, cols, s);
    };
  }

  private static double[] map(double[] px, java.util.function.DoubleUnaryOperator f) {
    double[] out = new double[px.length];
    for (int i = 0; i < px.length; i++) out[i] = f.applyAsDouble(px[i]);
    return out;
  }

  /** Output pixel (r, c) samples the input at the point rotated by -angle about the centre. */
  static double[] rotate(double[] px, int rows, int cols, double angle) {
    double cy = (rows - 1) / 2.0;
    double cx = (cols - 1) / 2.0;
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    double[] out = new double[px.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double y = r - cy;
        double x = c - cx;
        double sy = cos * y - sin * x + cy;
        double sx = sin * y + cos * x + cx;
        out[r * cols + c] = bilinear(px, rows, cols, sy, sx);
      }
    }
    return out;
  }

  private static double bilinear(double[] px, int rows, int cols, double y, double x) {
    int y0 = (int) Math.floor(y);
    int x0 = (int) Math.floor(x);
    double fy = y - y0;
    double fx = x - x0;
    return (1 - fy) * ((1 - fx) * at(px, rows, cols, y0, x0) + fx * at(px, rows, cols, y0, x0 + 1))
        + fy * ((1 - fx) * at(px, rows, cols, y0 + 1, x0) + fx * at(px, rows, cols, y0 + 1, x0 + 1));
  }

  private static double at(double[] px, int rows, int cols, int r, int c) {
    return r < 0 || c < 0 || r >= rows || c >= cols ? 0 : px[r * cols + c];
  }

  /** Separable Gaussian blur with edge clamping; sigma <= 0 returns a copy. */
  static double[] blur(double[] px, int rows, int cols, double sigma) {
    if (sigma <= 0) return px.clone();
    int radius = (int) Math.ceil(3 * sigma);
    double[] w = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) sum += w[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
    for (int i = 0; i < w.length; i++) w[i] /= sum;
    double[] tmp = new double[px.length];
    double[] out = new double[px.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double v = 0;
        for (int i = -radius; i <= radius; i++) v += w[i + radius] * px[r * cols + Math.max(0, Math.min(cols - 1, c + i))];
        tmp[r * cols + c] = v;
      }
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double v = 0;
        for (int i = -radius; i <= radius; i++) v += w[i + radius] * tmp[Math.max(0, Math.min(rows - 1, r + i)) * cols + c];
        out[r * cols + c] = v;
      }
    }
    return out;
  }
}
