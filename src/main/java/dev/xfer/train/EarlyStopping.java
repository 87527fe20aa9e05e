package dev.xfer.train;

/**
 * Early stopping on validation loss, Keras' rule: an epoch improves when its validation loss is
 * below the best so far minus {@code minDelta}; after {@code patience} epochs in a row without
 * improvement the phase stops. Each phase starts afresh. With {@code restoreBest}, the phase ends
 * with the weights of its best epoch (whether it stopped early or ran all its epochs).
 *
 * @param patience epochs without improvement before stopping (>= 1)
 * @param minDelta smallest decrease that counts as an improvement (>= 0)
 * @param restoreBest end each phase with the weights of its best epoch
 */
public record EarlyStopping(int patience, double minDelta, boolean restoreBest) {
  public EarlyStopping {
    if (patience < 1) throw new IllegalArgumentException("early-stopping patience: expected >= 1, found " + patience);
    if (!(minDelta >= 0)) throw new IllegalArgumentException("early-stopping min delta: expected >= 0, found " + minDelta);
  }

  /**
   * Where the rule stands within a phase.
   *
   * @param best lowest validation loss so far (+infinity before the first epoch)
   * @param bestEpoch the 1-based epoch that reached it (0: none yet)
   * @param epochsWithoutImprovement epochs since then without improvement
   * @param stopped true once the rule has stopped the phase
   */
  public record State(double best, int bestEpoch, int epochsWithoutImprovement, boolean stopped) {
    public static final State START = new State(Double.POSITIVE_INFINITY, 0, 0, false);
  }

  /** The state after epoch {@code epoch} (1-based) ended with {@code valLoss}; NaN never improves. */
  public State observe(State s, int epoch, double valLoss) {
    if (valLoss < s.best() - minDelta) return new State(valLoss, epoch, 0, false);
    int wait = s.epochsWithoutImprovement() + 1;
    return new State(s.best(), s.bestEpoch(), wait, wait >= patience);
  }

  /** True when {@code s} after {@code epoch} made that epoch the best one. */
  public static boolean improvedAt(State s, int epoch) {
    return s.bestEpoch() == epoch;
  }
}
