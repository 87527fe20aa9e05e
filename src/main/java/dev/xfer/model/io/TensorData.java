package dev.xfer.model.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor read from or written to a weight file: float32 values in C (row-major) order.
 *
 * <p>Whatever the file stored (float16, bfloat16, float64, int64, ...), the values are float32;
 * {@code sourceDtype} says what the file had. Integers are converted with {@code (float) x}, exact
 * up to 2^24 in magnitude, which covers counters such as timm's {@code num_batches_tracked}.
 *
 * <p>The arrays are shared, not copied (weight tensors are large): callers must not modify them
 * after construction. {@link #equals} compares contents, so two tensors are equal when shape, values
 * (bit for bit, as {@link Arrays#equals(float[], float[])}) and source type agree.
 *
 * @param shape dimensions, each {@code >= 0}; empty for a scalar
 * @param values {@code product(shape)} elements in C order
 * @param sourceDtype the element type in the file
 */
public record TensorData(long[] shape, float[] values, DType sourceDtype) {

  /** Validates that the shape's product equals the number of values. */
  public TensorData {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(sourceDtype, "sourceDtype");
    long n = numel(shape);
    if (n != values.length) {
      throw new IllegalArgumentException("shape " + shapeString(shape) + " has " + n + " elements but "
          + values.length + " values were given");
    }
  }

  /** A float32 tensor. */
  public TensorData(long[] shape, float[] values) {
    this(shape, values, DType.F32);
  }

  /** Number of elements. */
  public long numel() {
    return values.length;
  }

  /** The shape in Python's tuple notation, e.g. "(3, 3, 64, 1)", "(5,)" or "()". */
  public String shapeString() {
    return shapeString(shape);
  }

  /** {@code shape} in Python's tuple notation, e.g. "(3, 3, 64, 1)", "(5,)" or "()". */
  public static String shapeString(long[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) sb.append(", ");
      sb.append(shape[i]);
    }
    if (shape.length == 1) sb.append(',');
    return sb.append(')').toString();
  }

  /**
   * Product of non-negative dimensions, or Long.MAX_VALUE when it overflows: for readers that
   * compare a hostile header's size against the file before allocating anything.
   */
  public static long saturatingNumel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d != 0 && n > Long.MAX_VALUE / d) return Long.MAX_VALUE;
      n *= d;
    }
    return n;
  }

  /**
   * Product of {@code shape}.
   *
   * @throws IllegalArgumentException for a negative dimension or a product past {@code Long.MAX_VALUE}
   */
  public static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) throw new IllegalArgumentException("shape " + shapeString(shape) + " has a negative dimension");
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("shape " + shapeString(shape) + " has more than 2^63 elements");
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorData t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values)
        && sourceDtype == t.sourceDtype;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(values)) + sourceDtype.hashCode();
  }

  /** Shape and type only, e.g. "TensorData[(3, 3), F32]"; the values could be millions. */
  @Override
  public String toString() {
    return "TensorData[" + shapeString() + ", " + sourceDtype + "]";
  }
}
