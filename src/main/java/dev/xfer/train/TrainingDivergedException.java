package dev.xfer.train;

/** A non-finite loss: the run stops, naming where, and the last complete checkpoint stays usable. */
public final class TrainingDivergedException extends RuntimeException {
  public TrainingDivergedException(String phase, int epoch, long step, double learningRate, double loss) {
    super(String.format(java.util.Locale.ROOT,
        "loss became %s in phase %s, epoch %d, step %d, at learning rate %.6g; the last complete checkpoint is kept"
            + " (try a lower learning rate)", Double.isNaN(loss) ? "NaN" : "infinite", phase, epoch, step, learningRate));
  }
}
