package dev.xfer.train;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
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
 */
public final class KerasSgd extends ScheduledOptimizer {
  private final List<Tensor> velocities = new ArrayList<>();
  private final double momentum;
  private final boolean nesterov;

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
  }

  @Override
  protected void update(List<Tensor> grads, double lr) {
    List<Tensor> params = parameters();
    Scalar m = new Scalar(momentum);
    try (NoGradGuard g = new NoGradGuard()) {
      for (int i = 0; i < params.size(); i++) {
        Tensor p = params.get(i);
        Tensor grad = grads.get(i);
        if (!Optimizer.present(grad)) continue;
        Tensor v = velocities.get(i);
        Tensor scaledGrad = grad.mul(new Scalar(-lr * lrScale(i))); // -lr_t * g, rounded once as TF does
        v.mul_(m).add_(scaledGrad);
        if (nesterov) {
          p.add_(v.mul(m).add(scaledGrad));
        } else {
          p.add_(v);
        }
      }
    }
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
