package dev.xfer.train;

/**
 * Watches a phase's batch losses: a non-finite loss, or one above {@value #FACTOR} times the phase's
 * first (or above {@value #FACTOR} when the first was below 1), means the phase diverged. A
 * cross-entropy that grows a thousandfold is not noise; a learning rate far too high ends here
 * instead of in a finite but useless model.
 */
final class DivergenceGuard {
  /** How far above its start a phase's loss may rise. */
  static final double FACTOR = 1000;

  private final String phase;
  private double start = Double.NaN;

  DivergenceGuard(String phase) {
    this.phase = phase;
  }

  /** Records the loss of a step (1-based epoch and step); throws {@link TrainingDivergedException} when it diverged. */
  void check(int epoch, long step, double learningRate, double loss) {
    if (!Double.isFinite(loss)) throw new TrainingDivergedException(phase, epoch, step, learningRate, loss);
    if (Double.isNaN(start)) {
      start = loss;
      return;
    }
    double bound = FACTOR * Math.max(start, 1);
    if (loss > bound) throw TrainingDivergedException.above(phase, epoch, step, learningRate, loss, start, bound);
  }
}
