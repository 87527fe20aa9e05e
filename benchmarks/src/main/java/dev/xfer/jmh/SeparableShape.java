package dev.xfer.jmh;

import java.util.Locale;

/**
 * One separable convolution of Xception (depthwise 3x3 over {@code in} channels, then pointwise 1x1
 * to {@code out}) at a square feature map of side {@code size}, named {@code IN[-OUT]@SIZE}
 * (e.g. {@code 728@14}, {@code 1024-1536@7}).
 */
public record SeparableShape(int in, int out, int size) {

  /** Parses {@code IN@SIZE} (out = in) or {@code IN-OUT@SIZE}. */
  public static SeparableShape parse(String name) {
    try {
      String[] at = name.split("@");
      String[] io = at[0].split("-");
      int in = Integer.parseInt(io[0]);
      int out = io.length > 1 ? Integer.parseInt(io[1]) : in;
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
    return 2.0 * 9 * in * size * size;
  }

  /** Forward FLOPs per image of the pointwise 1x1 half: 2*Cin*Cout*H*W. */
  public double pointwiseFlopsPerImage() {
    return 2.0 * in * out * size * size;
  }

  /**
   * FLOPs per image of forward plus backward: the backward pass computes the input gradient and the
   * weight gradient, each as many FLOPs as the forward pass, so 3x forward.
   */
  public double forwardBackwardFlopsPerImage() {
    return 3 * forwardFlopsPerImage();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, in == out ? "%d@%d" : "%d-%d@%d", in == out ? new Object[] {in, size}
        : new Object[] {in, out, size});
  }
}
