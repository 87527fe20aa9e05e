package dev.xfer.train;

import dev.xfer.kernels.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * An optimizer over a fixed list of parameters whose learning rate follows a per-phase schedule
 * (step counter starting at 0 each phase, as Keras' {@code iterations}). Each parameter may carry a
 * learning-rate scale (the backbone multiplier); the scheduled rate is the head's.
 */
public interface Optimizer {
  /** The (unscaled) learning rate the next step will use. */
  double currentLearningRate();

  /** Steps taken so far in this phase. */
  long iterations();

  /** Restores the step counter from a checkpoint. */
  void setIterations(long value);

  /** Applies one update from the parameters' {@code grad()}; parameters without a gradient are left alone. */
  default void step() {
    List<Tensor> grads = new java.util.ArrayList<>();
    for (Tensor p : parameters()) grads.add(p.grad());
    stepWith(grads);
  }

  /** Applies one update with explicit gradients, one per parameter in order (null or undefined skips it). */
  void stepWith(List<Tensor> grads);

  /** The parameters, in the order of {@link #stepWith}. */
  List<Tensor> parameters();

  /**
   * Clears the parameters' gradients: each becomes undefined (PyTorch's {@code set_to_none}), so the next backward
   * pass hands over its gradient tensors instead of adding them to zero-filled ones (two passes over every
   * parameter saved per step). A parameter the next pass does not reach then has no gradient and is skipped by
   * {@link #stepWith}, as Keras' {@code apply_gradients} skips a variable whose gradient is None.
   */
  default void zeroGrad() {
    for (Tensor p : parameters()) {
      Tensor grad = p.grad();
      if (Tensors.present(grad)) p.mutable_grad().reset();
    }
  }

  /** Optimizer state tensors in a fixed order (for checkpoints; updated in place on restore). */
  List<Tensor> state();

  /** A short name stored in checkpoints ("sgd", "adamw"), so a resume cannot mix optimizers. */
  String kind();

  /** Checks a gradient list against the parameters. */
  static void requireOnePerParameter(List<Tensor> grads, int params) {
    if (grads.size() != params) {
      throw new IllegalArgumentException("gradients: expected " + params + " (one per parameter), found " + grads.size());
    }
  }

  /** One learning-rate scale per parameter, all 1 (or {@code scales} checked against the count). */
  static double[] scales(double[] scales, int params) {
    if (scales == null) {
      double[] ones = new double[params];
      java.util.Arrays.fill(ones, 1.0);
      return ones;
    }
    if (scales.length != params) {
      throw new IllegalArgumentException("learning-rate scales: expected " + params + " (one per parameter), found " + scales.length);
    }
    for (double s : scales) {
      if (!(s >= 0)) throw new IllegalArgumentException("learning-rate scale: expected >= 0, found " + s);
    }
    return scales.clone();
  }
}
