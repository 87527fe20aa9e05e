package dev.xfer.model.io;

import java.util.Objects;

/**
 * An array read from a .npy file. Exactly one of {@code floats} and {@code bytes} is set: uint8 data
 * ({@code descr} "|u1") stays bytes, every supported numeric type is converted to float32.
 *
 * @param descr the NumPy type string from the file, e.g. "&lt;f4" or "|u1"
 * @param shape dimensions, C order
 * @param floats the values of a floating-point or integer array, otherwise null
 * @param bytes the values of a uint8 array, otherwise null
 */
public record NpyArray(String descr, long[] shape, float[] floats, byte[] bytes) {

  /** Checks that exactly one of the arrays is set and that its length matches the shape. */
  public NpyArray {
    Objects.requireNonNull(descr, "descr");
    Objects.requireNonNull(shape, "shape");
    if ((floats == null) == (bytes == null)) throw new IllegalArgumentException("exactly one of floats and bytes must be set");
    long n = TensorData.numel(shape);
    long length = floats != null ? floats.length : bytes.length;
    if (n != length) {
      throw new IllegalArgumentException("shape " + TensorData.shapeString(shape) + " has " + n + " elements, found " + length);
    }
  }

  /** Number of elements. */
  public long numel() {
    return floats != null ? floats.length : bytes.length;
  }
}
