package dev.xfer.model.io;

import java.lang.reflect.Array;

/**
 * Converts between {@link TensorData} and the Java objects jhdf reads and writes: jhdf 0.13 writes a
 * dataset's shape from the nesting of a primitive array ({@code float[][][][]} for a 4-D kernel) and
 * a scalar from a boxed {@link Float}.
 */
final class HdfArrays {
  private HdfArrays() {}

  /**
   * A {@link Float} for a scalar, otherwise a nested {@code float} array with the tensor's shape.
   *
   * @throws IllegalArgumentException for a tensor with a zero dimension (jhdf cannot write those)
   *     or a dimension past {@code Integer.MAX_VALUE}
   */
  static Object nested(TensorData t) {
    long[] shape = t.shape();
    if (shape.length == 0) return t.values()[0];
    int[] dims = new int[shape.length];
    for (int i = 0; i < dims.length; i++) {
      if (shape[i] == 0) throw new IllegalArgumentException("shape " + t.shapeString() + ": jhdf cannot write empty datasets");
      dims[i] = Math.toIntExact(shape[i]);
    }
    Object array = Array.newInstance(float.class, dims);
    fill(array, t.values(), 0, dims, 0);
    return array;
  }

  /** Copies flat values into the rows of {@code array}; returns the next unread offset. */
  private static int fill(Object array, float[] flat, int offset, int[] dims, int depth) {
    if (depth == dims.length - 1) {
      System.arraycopy(flat, offset, array, 0, dims[depth]);
      return offset + dims[depth];
    }
    for (Object row : (Object[]) array) offset = fill(row, flat, offset, dims, depth + 1);
    return offset;
  }

  /** float32 values of what jhdf's {@code getDataFlat()} returned for a float or double dataset. */
  static float[] toFloats(Object flat) {
    if (flat instanceof float[] f) return f;
    if (flat instanceof double[] d) {
      float[] out = new float[d.length];
      for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
      return out;
    }
    throw new IllegalArgumentException("expected float[] or double[], found " + (flat == null ? "null" : flat.getClass().getSimpleName()));
  }
}
