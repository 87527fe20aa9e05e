package dev.xfer.train;

import dev.xfer.model.Xception;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * Moves batches to the device of a model's parameters. Loaders produce CPU tensors; a model moved
 * to CUDA ({@code --device cuda}, with a CUDA build of LibTorch) gets its inputs copied there.
 */
public final class ModelDevice {
  private ModelDevice() {}

  /** True when the model's parameters are on a CUDA device. */
  public static boolean isCuda(Xception model) {
    TensorVector params = model.parameters();
    return params.size() > 0 && params.get(0).is_cuda();
  }

  /** {@code t} on the model's device (itself when already there). */
  public static Tensor to(Tensor t, Xception model) {
    TensorVector params = model.parameters();
    if (params.size() == 0) return t;
    Tensor p = params.get(0);
    return p.is_cuda() == t.is_cuda() ? t : t.to(p.device(), t.scalar_type());
  }
}
