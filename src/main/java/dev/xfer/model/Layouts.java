package dev.xfer.model;

import dev.xfer.model.io.DType;
import dev.xfer.model.io.TensorData;

/** Keras (channels-last, HWIO) kernel layouts to LibTorch's (OIHW) and back, on plain arrays. */
final class Layouts {
  private Layouts() {}

  /** Conv2D kernel (kh, kw, in, out) to (out, in, kh, kw). */
  static TensorData convToTorch(TensorData k) {
    return permute(k, 3, 2, 0, 1);
  }

  /** (out, in, kh, kw) back to Keras' (kh, kw, in, out). */
  static TensorData convToKeras(TensorData w) {
    return permute(w, 2, 3, 1, 0);
  }

  /** Depthwise kernel (kh, kw, in, 1) to (in, 1, kh, kw). */
  static TensorData depthwiseToTorch(TensorData k) {
    return permute(k, 2, 3, 0, 1);
  }

  /** (in, 1, kh, kw) back to (kh, kw, in, 1). */
  static TensorData depthwiseToKeras(TensorData w) {
    return permute(w, 2, 3, 0, 1);
  }

  /** Dense kernel (in, out) to Linear weight (out, in), and back (its own inverse). */
  static TensorData transpose2d(TensorData k) {
    return permute(k, 1, 0);
  }

  /** out[i_perm...] = in[...]: dimension d of the result is dimension {@code order[d]} of the input. */
  static TensorData permute(TensorData in, int... order) {
    long[] shape = in.shape();
    if (shape.length != order.length) {
      throw new IllegalArgumentException("tensor of shape " + in.shapeString() + ": expected " + order.length + " dimensions");
    }
    int rank = shape.length;
    long[] outShape = new long[rank];
    for (int d = 0; d < rank; d++) outShape[d] = shape[order[d]];
    long[] inStrides = strides(shape);
    float[] src = in.values();
    float[] dst = new float[src.length];
    long[] index = new long[rank];
    for (int flat = 0; flat < dst.length; flat++) {
      long offset = 0;
      for (int d = 0; d < rank; d++) offset += index[d] * inStrides[order[d]];
      dst[flat] = src[(int) offset];
      for (int d = rank - 1; d >= 0; d--) {
        if (++index[d] < outShape[d]) break;
        index[d] = 0;
      }
    }
    return new TensorData(outShape, dst, DType.F32);
  }

  private static long[] strides(long[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      s[d] = acc;
      acc *= shape[d];
    }
    return s;
  }
}
