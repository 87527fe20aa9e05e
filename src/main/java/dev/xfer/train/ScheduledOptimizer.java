package dev.xfer.train;

import dev.xfer.kernels.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * The bookkeeping every xfer optimizer shares: its parameters with one learning-rate scale each, the
 * schedule, and the step counter that drives it (restored from checkpoints). A subclass supplies the
 * update rule, {@link #update}, which runs at the schedule's rate for the current step.
 */
public abstract class ScheduledOptimizer implements Optimizer {
  private final List<Tensor> params;
  private final double[] lrScales;
  private final LearningRateSchedule schedule;
  private long iterations;

  /** {@code lrScales}: one learning-rate factor per parameter (null: all 1). */
  protected ScheduledOptimizer(List<Tensor> params, double[] lrScales, LearningRateSchedule schedule) {
    this.params = List.copyOf(params);
    this.lrScales = Optimizer.scales(lrScales, this.params.size());
    this.schedule = schedule;
  }

  /**
   * One update of every parameter with a gradient ({@link Tensors#present}), at rate {@code lr} times
   * the parameter's {@link #lrScale}; {@link #iterations()} is the number of steps before this one.
   */
  protected abstract void update(List<Tensor> grads, double lr);

  @Override
  public final void stepWith(List<Tensor> grads) {
    Optimizer.requireOnePerParameter(grads, params.size());
    update(grads, schedule.at(iterations));
    iterations++;
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
  public void setIterations(long value) {
    if (value < 0) throw new IllegalArgumentException("iterations: expected >= 0, found " + value);
    iterations = value;
  }

  @Override
  public List<Tensor> parameters() {
    return params;
  }

  /** The learning-rate scale of parameter {@code i}. */
  protected double lrScale(int i) {
    return lrScales[i];
  }
}
