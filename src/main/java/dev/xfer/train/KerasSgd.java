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
public final class KerasSgd implements Optimizer {
  private final List<Tensor> params;
  private final double[] lrScales;
  private final List<Tensor> velocities = new ArrayList<>();
  private final double momentum;
  private final boolean nesterov;
  private final LearningRateSchedule schedule;
  private long iterations;

  public KerasSgd(List<Tensor> params, double momentum, boolean nesterov, LearningRateSchedule schedule) {
    this(params, null, momentum, nesterov, schedule);
  }

  /** {@code lrScales}: one learning-rate factor per parameter (null: all 1). */
  public KerasSgd(List<Tensor> params, double[] lrScales, double momentum, boolean nesterov, LearningRateSchedule schedule) {
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum: expected in [0, 1), found " + momentum);
    this.params = List.copyOf(params);
    this.lrScales = Optimizer.scales(lrScales, this.params.size());
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.schedule = schedule;
    for (Tensor p : this.params) velocities.add(torch.zeros_like(p).detach());
  }

  @Override
  public double currentLearningRate() {
    return schedule.at(iterations);
  }

  @Override
  public long iterations() {
    return iterations;
  }

  @Override
  public List<Tensor> parameters() {
    return params;
  }

  @Override
  public void stepWith(List<Tensor> grads) {
    Optimizer.requireOnePerParameter(grads, params.size());
    double lr = schedule.at(iterations);
    Scalar m = new Scalar(momentum);
    try (NoGradGuard g = new NoGradGuard()) {
      for (int i = 0; i < params.size(); i++) {
        Tensor p = params.get(i);
        Tensor grad = grads.get(i);
        if (!Optimizer.present(grad)) continue;
        Tensor v = velocities.get(i);
        Tensor scaledGrad = grad.mul(new Scalar(-lr * lrScales[i])); // -lr_t * g, rounded once as TF does
        v.mul_(m).add_(scaledGrad);
        if (nesterov) {
          p.add_(v.mul(m).add(scaledGrad));
        } else {
          p.add_(v);
        }
      }
    }
    iterations++;
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

  @Override
  public void setIterations(long value) {
    if (value < 0) throw new IllegalArgumentException("iterations: expected >= 0, found " + value);
    iterations = value;
  }
}
