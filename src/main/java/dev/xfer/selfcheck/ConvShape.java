package dev.xfer.selfcheck;

/**
 * One distinct convolution of a network at one input size: what a library picks its kernel by.
 *
 * @param in input channels (C)
 * @param out output channels
 * @param kernel square kernel size
 * @param stride square stride
 * @param padding symmetric padding
 * @param groups 1 for a dense convolution, {@code in} for a depthwise one
 * @param height input map height (H)
 * @param width input map width (W)
 */
public record ConvShape(int in, int out, int kernel, int stride, int padding, int groups, int height, int width) {

  public ConvShape {
    if (in < 1 || out < 1 || kernel < 1 || stride < 1 || padding < 0 || groups < 1 || in % groups != 0
        || out % groups != 0 || height + 2 * padding < kernel || width + 2 * padding < kernel) {
      throw new IllegalArgumentException("convolution: inconsistent shape " + this);
    }
  }

  /** Output map height. */
  public int outHeight() {
    return (height + 2 * padding - kernel) / stride + 1;
  }

  /** Output map width. */
  public int outWidth() {
    return (width + 2 * padding - kernel) / stride + 1;
  }

  /** Multiply-adds of one image's forward pass. */
  public long macsPerImage() {
    return (long) outHeight() * outWidth() * out * (in / groups) * kernel * kernel;
  }

  /** "conv 728->1024 1x1/2 at 14x14", "depthwise 728 3x3/1 at 19x19". */
  public String describe() {
    String op = groups == 1 ? "conv " + in + "->" + out : groups == in && in == out ? "depthwise " + in : "grouped(" + groups + ") " + in + "->" + out;
    return op + " " + kernel + "x" + kernel + "/" + stride + (padding > 0 ? " pad " + padding : "") + " at " + height + "x" + width;
  }
}
