package dev.xfer.train;

import dev.xfer.model.Xception;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Moves batches to the device of a model's parameters. Loaders produce CPU tensors; a model moved
 * to CUDA ({@code --device cuda}, with a CUDA build of LibTorch) gets its inputs copied there, and a
 * model converted to float64 (exactness checks) gets float64 images. Labels keep their integer type.
 */
public final class ModelDevice {
  private ModelDevice() {}

  /** True when the model's parameters are on a CUDA device. */
  public static boolean isCuda(Xception model) {
    TensorVector params = model.parameters();
    return params.size() > 0 && params.get(0).is_cuda();
  }

  /** {@code t} on the model's device, floating-point data in the model's type (itself when already so). */
  public static Tensor to(Tensor t, Xception model) {
    TensorVector params = model.parameters();
    if (params.size() == 0) return t;
    Tensor p = params.get(0);
    // JNI returns fresh enum objects: compare scalar types with intern() (or .value), never with ==
    ScalarType weights = p.scalar_type().intern();
    boolean retype = weights == ScalarType.Double && t.scalar_type().intern() == ScalarType.Float;
    if (p.is_cuda() == t.is_cuda() && !retype) return t;
    return t.to(p.device(), retype ? p.scalar_type() : t.scalar_type());
  }
}
