package dev.xfer.train;

import java.util.Locale;

/**
 * A diverged phase, a non-finite loss or one far above the phase's start ({@link DivergenceGuard}):
 * the run stops, naming where, and the last complete checkpoint stays usable.
 */
public final class TrainingDivergedException extends RuntimeException {
  /** A loss that became NaN or infinite. */
  public TrainingDivergedException(String phase, int epoch, long step, double learningRate, double loss) {
    this(phase, epoch, step, learningRate, Double.isNaN(loss) ? "became NaN" : "became infinite");
  }

  private TrainingDivergedException(String phase, int epoch, long step, double learningRate, String what) {
    super(String.format(Locale.ROOT,
        "loss %s in phase %s, epoch %d, step %d, at learning rate %.6g; the last complete checkpoint is kept"
            + " (try a lower learning rate)", what, phase, epoch, step, learningRate));
  }

  /** A finite loss above {@code bound}, the limit set by the phase's starting loss {@code start}. */
  public static TrainingDivergedException above(String phase, int epoch, long step, double learningRate, double loss,
      double start, double bound) {
    return new TrainingDivergedException(phase, epoch, step, learningRate, String.format(Locale.ROOT,
        "rose to %.4g (the phase started at %.4g; above %.4g counts as diverged)", loss, start, bound));
  }
}
