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
 */
public final class KerasSgd {
  private final List<Tensor> params;
  private final List<Tensor> velocities = new ArrayList<>();
  private final double momentum;
  private final boolean nesterov;
  private final LearningRateSchedule schedule;
  private long iterations;

  public KerasSgd(List<Tensor> params, double momentum, boolean nesterov, LearningRateSchedule schedule) {
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum: expected in [0, 1), found " + momentum);
    this.params = List.copyOf(params);
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.schedule = schedule;
    for (Tensor p : this.params) velocities.add(torch.zeros_like(p).detach());
  }

  /** The learning rate the next {@link #step()} will use. */
  public double currentLearningRate() {
    return schedule.at(iterations);
  }

  /** Optimizer steps taken so far in this phase (Keras' {@code iterations}). */
  public long iterations() {
    return iterations;
  }

  /** Applies one update from the parameters' {@code grad()}; parameters without a gradient are left alone. */
  public void step() {
    List<Tensor> grads = new ArrayList<>();
    for (Tensor p : params) grads.add(p.grad());
    stepWith(grads);
  }

  /**
   * Applies one update with explicitly computed gradients, one per parameter in order (a null or
   * undefined entry skips that parameter); used when a native kernel computes the gradients.
   */
  public void stepWith(List<Tensor> grads) {
    if (grads.size() != params.size()) {
      throw new IllegalArgumentException("gradients: expected " + params.size() + " (one per parameter), found " + grads.size());
    }
    double lr = schedule.at(iterations);
    Scalar m = new Scalar(momentum);
    Scalar negLr = new Scalar(-lr);
    try (NoGradGuard g = new NoGradGuard()) {
      for (int i = 0; i < params.size(); i++) {
        Tensor p = params.get(i);
        Tensor grad = grads.get(i);
        if (grad == null || grad.isNull() || !grad.defined()) continue;
        Tensor v = velocities.get(i);
        Tensor scaledGrad = grad.mul(negLr); // -lr_t * g, rounded once as TF does
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

  /** Clears the parameters' gradients (sets them to zero). */
  public void zeroGrad() {
    for (Tensor p : params) {
      Tensor grad = p.grad();
      if (grad != null && !grad.isNull() && grad.defined()) grad.zero_();
    }
  }

  /** Velocity tensors, in parameter order (for checkpoints). */
  public List<Tensor> velocities() {
    return velocities;
  }

  /** Restores the step counter from a checkpoint. */
  public void setIterations(long value) {
    if (value < 0) throw new IllegalArgumentException("iterations: expected >= 0, found " + value);
    iterations = value;
  }
}
