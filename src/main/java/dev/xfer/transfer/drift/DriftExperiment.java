package dev.xfer.transfer.drift;

import dev.xfer.data.Dataset;
import dev.xfer.data.stream.RecentLabels;
import dev.xfer.data.stream.WindowStream;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.Xception;
import dev.xfer.transfer.Predictions;
import dev.xfer.transfer.SupervisedTraining;
import dev.xfer.transfer.adaptation.BatchNormAdaptation;
import java.util.ArrayList;
import java.util.List;

/**
 * Performance drift: a model runs over a {@link WindowStream} whose input distribution may shift
 * (a generated {@link ShiftedStream}, or a {@link FolderStream} of image folders). Two copies of the
 * model see every window: the frozen one, and the adapted one which, once the {@link DriftDetector}
 * (monitoring the frozen model's pooled features) has declared drift, re-estimates its BatchNorm
 * statistics (AdaBN) before each later window on the images of the {@code adaptWindows} windows before
 * it (unlabelled, already seen). Optionally it then fine-tunes on the newest labelled images of those
 * windows ({@link FineTune}), as a deployment that receives a few labels back would. Labels of a window
 * are never used before that window has been scored.
 */
public final class DriftExperiment {
  private DriftExperiment() {}

  /** Adaptation and rule settings; {@code fineTune} null: AdaBN only. */
  public record Settings(int adaptWindows, DriftDetector.Rule rule, int batchSize, FineTune fineTune) {
    public Settings {
      if (adaptWindows < 1) throw new IllegalArgumentException("--adapt-windows: expected >= 1, found " + adaptWindows);
      if (batchSize < 1) throw new IllegalArgumentException("batch size: expected >= 1, found " + batchSize);
    }

    /** AdaBN only. */
    public Settings(int adaptWindows, DriftDetector.Rule rule, int batchSize) {
      this(adaptWindows, rule, batchSize, null);
    }
  }

  /**
   * Fine-tuning after AdaBN, before each window once drift is declared: every layer, on the
   * {@code labels} newest labelled images of the recent windows.
   */
  public record FineTune(int labels, SupervisedTraining training) {
    public FineTune {
      if (labels < 1) throw new IllegalArgumentException("--finetune-labels: expected >= 1, found " + labels);
    }
  }

  /**
   * One window's figures; {@code strength} is NaN when the stream does not know it, accuracies are NaN
   * for unlabelled windows.
   */
  public record Window(int index, String name, double strength, double statistic, boolean driftDeclared, boolean adapted,
      double frozenAccuracy, double adaptedAccuracy, double frozenConfidence, double adaptedConfidence) {}

  /** All windows, the window at which drift was declared (-1: never) and the detector's threshold. */
  public record Result(List<Window> windows, int firedAt, double threshold) {
    /** Mean accuracy of the frozen (or adapted) model over the last {@code n} windows (NaN without labels). */
    public double lastAccuracy(int n, boolean adaptedModel) {
      List<Window> tail = windows.subList(Math.max(0, windows.size() - n), windows.size());
      return tail.stream().mapToDouble(w -> adaptedModel ? w.adaptedAccuracy() : w.frozenAccuracy()).average().orElse(Double.NaN);
    }
  }

  /** Runs the stream; {@code seed} picks the detector's calibration splits. */
  public static Result run(LoadedModel weights, WindowStream stream, Settings s, long seed) {
    if (s.fineTune() != null && !stream.labelled()) {
      throw new IllegalArgumentException("--finetune-labels: the stream has no labels to fine-tune on");
    }
    Xception frozen = weights.build("source model");
    Xception adapted = weights.build("source model");
    Predictions ref;
    try (Dataset referenceData = stream.reference()) {
      ref = Predictions.of(frozen, referenceData, s.batchSize());
    }
    DriftDetector detector = new DriftDetector(ref.pooled(), stream.windowSize(), s.rule(), seed);
    List<Window> out = new ArrayList<>();
    for (int w = 0; w < stream.size(); w++) {
      boolean adaptNow = detector.firedAt() >= 0;
      if (adaptNow) {
        try (Dataset recent = stream.recent(Math.max(0, w - s.adaptWindows()), w)) {
          BatchNormAdaptation.reestimate(adapted, recent.inOrder(s.batchSize()));
          if (s.fineTune() != null) {
            try (RecentLabels buffer = new RecentLabels(recent, s.fineTune().labels(), s.batchSize(), seed * 7919 + w)) {
              s.fineTune().training().run(adapted, buffer);
            }
          }
        }
      }
      Predictions f;
      Predictions a;
      try (Dataset window = stream.window(w)) {
        f = Predictions.of(frozen, window, s.batchSize());
        a = adaptNow ? Predictions.of(adapted, window, s.batchSize()) : f;
      }
      double statistic = detector.statistic(f.pooled());
      boolean declared = detector.observe(statistic);
      out.add(new Window(w, stream.name(w), stream.strength(w), statistic, declared, adaptNow, f.accuracy(), a.accuracy(),
          f.meanConfidence(), a.meanConfidence()));
    }
    return new Result(out, detector.firedAt(), detector.threshold());
  }
}
