package dev.xfer.demo;

import dev.xfer.train.EpochRecord;
import java.util.List;

/**
 * What one arm of the demo measured.
 *
 * @param name "transfer" or "scratch"
 * @param history every epoch, all phases in order
 * @param testAccuracy accuracy on the test part with the tested weights
 * @param testLoss mean cross-entropy on the test part
 * @param testedEpoch the 1-based epoch (across phases) whose weights were tested
 * @param seconds wall time of the whole arm: building the model, training, validation, testing
 */
public record RunResult(String name, List<EpochRecord> history, double testAccuracy, double testLoss, int testedEpoch,
    double seconds) {
  public RunResult {
    history = List.copyOf(history);
  }

  /** The highest validation accuracy of any epoch (NaN without epochs). */
  public double bestValidAccuracy() {
    return history.stream().mapToDouble(EpochRecord::valAccuracy).max().orElse(Double.NaN);
  }

  /** The 1-based epoch (counted across phases) with the best validation accuracy, the first one on ties; 0 without epochs. */
  public int bestEpoch() {
    double best = bestValidAccuracy();
    for (int i = 0; i < history.size(); i++) if (history.get(i).valAccuracy() == best) return i + 1;
    return 0;
  }

  /** The first 1-based epoch (across phases) whose validation accuracy is at least {@code threshold}; 0 if none. */
  public int epochsToReach(double threshold) {
    for (int i = 0; i < history.size(); i++) if (history.get(i).valAccuracy() >= threshold) return i + 1;
    return 0;
  }
}
