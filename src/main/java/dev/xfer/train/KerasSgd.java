package dev.xfer.train;

import dev.xfer.kernels.KerasSgdKernel;
import dev.xfer.kernels.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * SGD with momentum in Keras' form (TF's ResourceApplyKerasMomentum):
 * {@code v = m * v - lr_t * g; p += v} (Nesterov: {@code p += m * v - lr_t * g}).
 *
 * <p>LibTorch's SGD keeps {@code buf = m * buf + g; p -= lr * buf}, which applies the current
 * learning rate to the whole history; with Keras' per-step decay the two drift apart, so xfer
 * implements Keras' update itself. Velocities start at zero; the step counter drives the schedule.
 * A parameter with learning-rate scale s uses {@code s * lr_t}.
 *
 * <p>On the CPU the update runs in one native pass over all parameters ({@link KerasSgdKernel}),
 * bit-identical to LibTorch's op-by-op form, which GPU tensors (and a host where the kernel's parity
 * check fails) keep.
 */
public final class KerasSgd extends ScheduledOptimizer {
  private final List<Tensor> velocities = new ArrayList<>();
  private final double momentum;
  private final boolean nesterov;
  /** Whether CPU steps may take the fused kernel (the default; see {@link #UNFUSED_PROPERTY}). */
  private final boolean fusionAllowed;

  /** System property that keeps the update on LibTorch's operations ({@code -Dxfer.unfusedOptimizer=true}): for comparisons. */
  public static final String UNFUSED_PROPERTY = "xfer.unfusedOptimizer";

  public KerasSgd(List<Tensor> params, double momentum, boolean nesterov, LearningRateSchedule schedule) {
    this(params, null, momentum, nesterov, schedule);
  }

  /** {@code lrScales}: one learning-rate factor per parameter (null: all 1). */
  public KerasSgd(List<Tensor> params, double[] lrScales, double momentum, boolean nesterov, LearningRateSchedule schedule) {
    super(params, lrScales, schedule);
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum: expected in [0, 1), found " + momentum);
    this.momentum = momentum;
    this.nesterov = nesterov;
    for (Tensor p : parameters()) velocities.add(torch.zeros_like(p).detach());
    fusionAllowed = !Boolean.getBoolean(UNFUSED_PROPERTY);
  }

  @Override
  protected void update(List<Tensor> grads, double lr) {
    List<Tensor> params = parameters();
    if (fused() && gradientsFit(grads)) {
      float[] negLrs = new float[params.size()];
      for (int i = 0; i < negLrs.length; i++) negLrs[i] = (float) (-lr * lrScale(i)); // as LibTorch rounds a scalar factor
      KerasSgdKernel.update(params, velocities, grads, negLrs, (float) momentum, nesterov);
      return;
    }
    for (int i = 0; i < params.size(); i++) {
      Tensor grad = grads.get(i);
      if (!Tensors.present(grad)) continue;
      KerasSgdKernel.reference(params.get(i), velocities.get(i), grad, -lr * lrScale(i), momentum, nesterov);
    }
  }

  /**
   * Whether the next update of these parameters runs as one native pass ({@link KerasSgdKernel}) rather than
   * LibTorch's operations: every parameter a float32 CPU tensor of its own memory with a velocity of its layout.
   * Checked each step, as a model can move to another device after this optimizer was built.
   */
  public boolean fused() {
    if (!fusionAllowed || KerasSgdKernel.verdict() != null) return false;
    List<Tensor> params = parameters();
    for (int i = 0; i < params.size(); i++) {
      if (!KerasSgdKernel.accepts(params.get(i), velocities.get(i))) return false;
    }
    return KerasSgdKernel.disjoint(params);
  }

  /** Whether each gradient is absent or of its parameter's layout, as the kernel reads it. */
  private boolean gradientsFit(List<Tensor> grads) {
    List<Tensor> params = parameters();
    for (int i = 0; i < params.size(); i++) {
      if (!KerasSgdKernel.acceptsGradient(params.get(i), grads.get(i))) return false;
    }
    return true;
  }

  /** Velocity tensors, in parameter order (for checkpoints). */
  public List<Tensor> velocities() {
    return velocities;
  }

  @Override
  public List<Tensor> state() {
    return velocities;
  }

  @Override
  public String kind() {
    return "sgd";
  }
}
