package dev.xfer.train;

import dev.xfer.kernels.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), in PyTorch's form: for step t (from 1)
 * and learning rate lr (the schedule's, times the parameter's scale):
 * {@code p *= 1 - lr * wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)}.
 * The decay does not pass through the moment estimates, unlike Adam with L2 regularisation.
 */
public final class AdamW extends ScheduledOptimizer {
  /** PyTorch's defaults. */
  public static final double BETA1 = 0.9;
  public static final double BETA2 = 0.999;
  public static final double EPSILON = 1e-8;

  private final List<Tensor> firstMoments = new ArrayList<>();
  private final List<Tensor> secondMoments = new ArrayList<>();
  private final double weightDecay;

  /** {@code lrScales}: one learning-rate factor per parameter (null: all 1). */
  public AdamW(List<Tensor> params, double[] lrScales, double weightDecay, LearningRateSchedule schedule) {
    super(params, lrScales, schedule);
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay: expected >= 0, found " + weightDecay);
    this.weightDecay = weightDecay;
    for (Tensor p : parameters()) {
      firstMoments.add(torch.zeros_like(p).detach());
      secondMoments.add(torch.zeros_like(p).detach());
    }
  }

  @Override
  protected void update(List<Tensor> grads, double baseLr) {
    List<Tensor> params = parameters();
    double t = iterations() + 1;
    double biasCorrection1 = 1 - Math.pow(BETA1, t);
    double biasCorrection2 = 1 - Math.pow(BETA2, t);
    try (NoGradGuard g = new NoGradGuard()) {
      for (int i = 0; i < params.size(); i++) {
        Tensor grad = grads.get(i);
        if (!Tensors.present(grad)) continue;
        double lr = baseLr * lrScale(i);
        Tensor p = params.get(i);
        Tensor m = firstMoments.get(i);
        Tensor v = secondMoments.get(i);
        p.mul_(new Scalar(1 - lr * weightDecay));
        m.mul_(new Scalar(BETA1)).add_(grad, new Scalar(1 - BETA1));
        v.mul_(new Scalar(BETA2)).addcmul_(grad, grad, new Scalar(1 - BETA2));
        Tensor denom = v.sqrt().div(new Scalar(Math.sqrt(biasCorrection2))).add(new Scalar(EPSILON));
        p.addcdiv_(m, denom, new Scalar(-lr / biasCorrection1));
      }
    }
  }

  /** First moments then second moments, in parameter order. */
  @Override
  public List<Tensor> state() {
    List<Tensor> all = new ArrayList<>(firstMoments);
    all.addAll(secondMoments);
    return all;
  }

  @Override
  public String kind() {
    return "adamw";
  }
}
