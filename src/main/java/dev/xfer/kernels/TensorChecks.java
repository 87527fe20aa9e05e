package dev.xfer.kernels;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Argument checks for the kernel wrappers. Each failure is an {@link IllegalArgumentException}
 * naming the argument and the expected versus found value, raised before any native call.
 */
final class TensorChecks {
  private TensorChecks() {}

  static void requireDtype(String name, Tensor t, ScalarType expected) {
    requirePresent(name, t);
    // JavaCPP may hand back a fresh enum instance for a native value: compare interned constants.
    ScalarType found = t.scalar_type().intern();
    if (found != expected) {
      throw new IllegalArgumentException(
          name + ": expected dtype " + dtypeName(expected) + ", found " + dtypeName(found));
    }
  }

  static void requirePresent(String name, Tensor t) {
    if (!Tensors.present(t)) {
      throw new IllegalArgumentException(name + ": expected a defined tensor, found none");
    }
  }

  static void requireDim(String name, Tensor t, int dims, String layout) {
    if (t.dim() != dims) {
      throw new IllegalArgumentException(
          name + ": expected " + dims + " dimensions " + layout + ", found shape " + shape(t));
    }
  }

  static void requireSize(String name, Tensor t, int dim, long expected, String what) {
    if (t.size(dim) != expected) {
      throw new IllegalArgumentException(
          name + ": expected size " + expected + " in dimension " + dim + " (" + what + "), found shape "
              + shape(t));
    }
  }

  static void requireNonEmpty(String name, Tensor t) {
    if (t.numel() == 0) {
      throw new IllegalArgumentException(name + ": expected a non-empty tensor, found shape " + shape(t));
    }
  }

  static void requireContiguous(String name, Tensor t) {
    if (!t.is_contiguous()) {
      throw new IllegalArgumentException(
          name + ": expected a contiguous tensor (call contiguous() first), found strided shape " + shape(t));
    }
  }

  static void requireSameDevice(String name, Tensor t, Tensor reference, String referenceName) {
    if (t.is_cuda() != reference.is_cuda()
        || (t.is_cuda() && t.device().index() != reference.device().index())) {
      throw new IllegalArgumentException(
          name + ": expected device " + deviceName(reference) + " (that of " + referenceName
              + "), found " + deviceName(t));
    }
  }

  static String shape(Tensor t) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < t.dim(); i++) {
      if (i > 0) sb.append(", ");
      sb.append(t.size(i));
    }
    return sb.append(t.dim() == 1 ? ",)" : ")").toString();
  }

  static String deviceName(Tensor t) {
    return t.is_cuda() ? "cuda:" + t.device().index() : "cpu";
  }

  static String dtypeName(ScalarType type) {
    return switch (type.intern()) {
      case Byte -> "uint8";
      case Float -> "float32";
      case Long -> "int64";
      case Int -> "int32";
      case Double -> "float64";
      case Half -> "float16";
      case BFloat16 -> "bfloat16";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
