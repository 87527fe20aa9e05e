package dev.xfer.train;

/** The learning rate for each optimizer step of a phase (steps counted from 0 within the phase). */
public interface LearningRateSchedule {
  double at(long step);

  /**
   * Keras' legacy SGD {@code decay}: {@code lr / (1 + decay * iterations)}, where iterations counts
   * the batches already applied in this phase (Keras' legacy SGD: lr / (1 + decay * iterations)).
   */
  static LearningRateSchedule kerasDecay(double lr, double decay) {
    if (!(lr > 0)) throw new IllegalArgumentException("learning rate: expected > 0, found " + lr);
    if (!(decay >= 0)) throw new IllegalArgumentException("decay: expected >= 0, found " + decay);
    return step -> lr / (1.0 + decay * step);
  }

  /** Cosine annealing from {@code lr} to 0 over {@code totalSteps}. */
  static LearningRateSchedule cosine(double lr, long totalSteps) {
    if (!(lr > 0)) throw new IllegalArgumentException("learning rate: expected > 0, found " + lr);
    if (totalSteps < 1) throw new IllegalArgumentException("cosine schedule: expected at least 1 step, found " + totalSteps);
    return step -> 0.5 * lr * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps));
  }
}
