package dev.xfer.bench;

import java.util.List;
import java.util.Locale;

/**
 * One separable convolution of Xception (depthwise 3x3 over {@code in} channels, then pointwise 1x1
 * to {@code out}) at a square feature map of side {@code size}, named {@code IN[-OUT]@SIZE}
 * (e.g. {@code 728@14}, {@code 1024-1536@7}). Shared by {@code xfer bench} and the JMH project.
 *
 * <p>Counts per image, with C = in, C' = out, P = size * size pixels, B = batch, e = bytes per element:
 * <pre>
 * FLOPs  forward           2*9*C*P + 2*C*C'*P            (multiply and add counted apart)
 *        forward+backward  3 x forward                   (input gradient and weight gradient each
 *                                                         cost one forward)
 * bytes  forward           e * ((3C + C')*P + W/B)       read x, write and re-read the depthwise
 *                                                         output, write the output; W = 9C + C*C'
 *                                                         weights read once per batch
 *        forward+backward  e * ((8C + 2C')*P + 3W/B)     plus backward: read dOut and the depthwise
 *                                                         output, write and re-read dDepthwise, read
 *                                                         x, write dx; weights read and their
 *                                                         gradients written once per batch
 * </pre>
 * The byte count is the compulsory traffic (each tensor a pass needs read once, each it produces
 * written once): a lower bound, so GB/s figures are conservative.
 */
public record SeparableShape(int in, int out, int size) {

  /** Xception's separable convolutions at 224 input (entry, middle, exit) plus the middle flow at 299. */
  public static final List<SeparableShape> XCEPTION = List.of(parse("128@109"), parse("256@55"), parse("728@28"),
      parse("728@14"), parse("728@19"), parse("1024-1536@7"), parse("1536-2048@7"));

  /** Parses {@code IN@SIZE} (out = in) or {@code IN-OUT@SIZE}. */
  public static SeparableShape parse(String name) {
    try {
      String[] at = name.split("@");
      String[] io = at[0].split("-");
      int in = Integer.parseInt(io[0]);
      int out = io.length > 1 ? Integer.parseInt(io[1]) : in;
      if (at.length != 2 || io.length > 2 || in < 1 || out < 1) throw new NumberFormatException(name);
      return new SeparableShape(in, out, Integer.parseInt(at[1]));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("shape: expected IN@SIZE or IN-OUT@SIZE (e.g. 728@14, 1024-1536@7), found '"
          + name + "'", e);
    }
  }

  /** Forward FLOPs per image: depthwise 2*9*C*H*W plus pointwise 2*Cin*Cout*H*W (multiply and add counted apart). */
  public double forwardFlopsPerImage() {
    return depthwiseFlopsPerImage() + pointwiseFlopsPerImage();
  }

  /** Forward FLOPs per image of the depthwise 3x3 half: 2*9*C*H*W. */
  public double depthwiseFlopsPerImage() {
    return 2.0 * 9 * in * pixels();
  }

  /** Forward FLOPs per image of the pointwise 1x1 half: 2*Cin*Cout*H*W. */
  public double pointwiseFlopsPerImage() {
    return 2.0 * in * out * pixels();
  }

  /**
   * FLOPs per image of forward plus backward: the backward pass computes the input gradient and the
   * weight gradient, each as many FLOPs as the forward pass, so 3x forward.
   */
  public double forwardBackwardFlopsPerImage() {
    return 3 * forwardFlopsPerImage();
  }

  /** Weight elements of both halves: 9*C (depthwise) + C*C' (pointwise). */
  public long weightCount() {
    return 9L * in + (long) in * out;
  }

  /** Compulsory bytes per image of the forward pass at {@code batch} (see the class comment). */
  public double forwardBytesPerImage(int batch, int elementBytes) {
    return elementBytes * ((3.0 * in + out) * pixels() + (double) weightCount() / batch);
  }

  /** Compulsory bytes per image of forward plus backward at {@code batch} (see the class comment). */
  public double forwardBackwardBytesPerImage(int batch, int elementBytes) {
    return elementBytes * ((8.0 * in + 2.0 * out) * pixels() + 3.0 * weightCount() / batch);
  }

  private double pixels() {
    return (double) size * size;
  }

  @Override
  public String toString() {
    return in == out ? String.format(Locale.ROOT, "%d@%d", in, size) : String.format(Locale.ROOT, "%d-%d@%d", in, out, size);
  }
}
