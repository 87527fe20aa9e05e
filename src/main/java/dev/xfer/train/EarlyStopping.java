package dev.xfer.train;

/**
 * Early stopping on a validation metric, Keras' rule: an epoch improves when its validation loss is
 * below the best so far minus {@code minDelta} (or its validation accuracy above the best plus
 * {@code minDelta}); after {@code patience} epochs in a row without improvement the phase stops.
 * Each phase starts afresh. With {@code restoreBest}, the phase ends with the weights of its best
 * epoch (whether it stopped early or ran all its epochs).
 *
 * @param patience epochs without improvement before stopping (>= 1)
 * @param minDelta smallest change that counts as an improvement (>= 0)
 * @param restoreBest end each phase with the weights of its best epoch
 * @param monitor the metric that decides (Keras' default, val_loss, unless said otherwise)
 */
public record EarlyStopping(int patience, double minDelta, boolean restoreBest, Monitor monitor) {
  /** The validation metric early stopping watches. */
  public enum Monitor {
    VAL_LOSS("val_loss"),
    VAL_ACCURACY("val_accuracy");

    private final String key;

    Monitor(String key) {
      this.key = key;
    }

    /** Its name in history.json and in messages. */
    public String key() {
      return key;
    }

    /** The monitored value as a score where lower is better (accuracy is negated). */
    double score(double valLoss, double valAccuracy) {
      return this == VAL_LOSS ? valLoss : -valAccuracy;
    }

    /** A score back in the metric's own sign, for messages. */
    public double value(double score) {
      return this == VAL_LOSS ? score : -score;
    }
  }

  public EarlyStopping {
    if (patience < 1) throw new IllegalArgumentException("early-stopping patience: expected >= 1, found " + patience);
    if (!(minDelta >= 0)) throw new IllegalArgumentException("early-stopping min delta: expected >= 0, found " + minDelta);
    if (monitor == null) throw new IllegalArgumentException("early-stopping monitor: expected val_loss or val_accuracy, found none");
  }

  /** On validation loss. */
  public EarlyStopping(int patience, double minDelta, boolean restoreBest) {
    this(patience, minDelta, restoreBest, Monitor.VAL_LOSS);
  }

  /**
   * Where the rule stands within a phase.
   *
   * @param best best score so far, lower is better (validation loss, or minus validation accuracy;
   *     +infinity before the first epoch)
   * @param bestEpoch the 1-based epoch that reached it (0: none yet)
   * @param epochsWithoutImprovement epochs since then without improvement
   * @param stopped true once the rule has stopped the phase
   */
  public record State(double best, int bestEpoch, int epochsWithoutImprovement, boolean stopped) {
    public static final State START = new State(Double.POSITIVE_INFINITY, 0, 0, false);
  }

  /** The state after epoch {@code epoch} (1-based) ended with these validation figures; NaN never improves. */
  public State observe(State s, int epoch, double valLoss, double valAccuracy) {
    double score = monitor.score(valLoss, valAccuracy);
    if (score < s.best() - minDelta) return new State(score, epoch, 0, false);
    int wait = s.epochsWithoutImprovement() + 1;
    return new State(s.best(), s.bestEpoch(), wait, wait >= patience);
  }

  /** True when {@code s} after {@code epoch} made that epoch the best one. */
  public static boolean improvedAt(State s, int epoch) {
    return s.bestEpoch() == epoch;
  }
}
