package dev.xfer.transfer;

import dev.xfer.data.GrayImages;
import dev.xfer.kernels.Normalization;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.Xception;
import dev.xfer.train.GrayImageData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Performance drift: a model runs over a stream of windows whose input distribution shifts gradually.
 * The shift's strength is 0 before window {@code shiftStart}, grows linearly to full strength at
 * {@code shiftEnd} and stays there. Two copies of the model see every window: the frozen one, and the
 * adapted one which, once the {@link DriftDetector} (monitoring the frozen model's pooled features) has
 * declared drift, re-estimates its BatchNorm statistics (AdaBN) before each later window on the images
 * of the {@code adaptWindows} windows before it (unlabelled, already seen). Labels are used only to
 * score.
 */
public final class DriftExperiment {
  private DriftExperiment() {}

  /** Stream and rule settings. */
  public record Settings(int windows, int windowSize, int shiftStart, int shiftEnd, int adaptWindows, DriftDetector.Rule rule,
      int batchSize) {
    public Settings {
      if (windows < 1 || windowSize < 2) throw new IllegalArgumentException("stream: expected >= 1 window of >= 2 images, found " + windows + " of " + windowSize);
      if (shiftStart < 0 || shiftEnd < shiftStart) {
        throw new IllegalArgumentException("shift windows: expected 0 <= start <= end, found " + shiftStart + ".." + shiftEnd);
      }
      if (adaptWindows < 1) throw new IllegalArgumentException("--adapt-windows: expected >= 1, found " + adaptWindows);
    }

    /** The shift's strength (0..1) in window {@code w}. */
    public double strength(int w) {
      if (w < shiftStart) return 0;
      return Math.min(1.0, (w - shiftStart + 1.0) / (shiftEnd - shiftStart + 1.0));
    }
  }

  /** One window's figures. */
  public record Window(int index, double strength, double statistic, boolean driftDeclared, boolean adapted,
      double frozenAccuracy, double adaptedAccuracy, double frozenConfidence, double adaptedConfidence) {}

  /** All windows, the window at which drift was declared (-1: never) and the detector's threshold. */
  public record Result(List<Window> windows, int firedAt, double threshold) {
    /** Mean accuracy of the frozen (or adapted) model over the last {@code n} windows. */
    public double lastAccuracy(int n, boolean adaptedModel) {
      List<Window> tail = windows.subList(Math.max(0, windows.size() - n), windows.size());
      return tail.stream().mapToDouble(w -> adaptedModel ? w.adaptedAccuracy() : w.frozenAccuracy()).average().orElse(Double.NaN);
    }
  }

  /**
   * Runs the stream: window w holds images [w * size, (w + 1) * size) of {@code stream}, shifted at the
   * window's strength; {@code reference} (unshifted, disjoint from the stream) calibrates the detector.
   */
  public static Result run(LoadedModel weights, List<String> classNames, GrayImages stream, GrayImages reference,
      ImageShift shift, Settings s, long seed) {
    if (stream.count() < s.windows() * s.windowSize()) {
      throw new IllegalArgumentException("stream: " + s.windows() + " windows of " + s.windowSize() + " need "
          + s.windows() * s.windowSize() + " images, found " + stream.count());
    }
    int size = weights.preprocessing().imageSize();
    Normalization norm = weights.preprocessing().normalization();
    Xception frozen = weights.build("source model");
    Xception adapted = weights.build("source model");
    Predictions ref = Predictions.of(frozen, new GrayImageData(classNames, reference, size, norm, seed), s.batchSize());
    DriftDetector detector = new DriftDetector(ref.pooled(), s.windowSize(), s.rule(), seed);
    Deque<GrayImages> recent = new ArrayDeque<>();
    List<Window> out = new ArrayList<>();
    for (int w = 0; w < s.windows(); w++) {
      GrayImages images = shift.apply(GraySubsets.range(stream, w * s.windowSize(), (w + 1) * s.windowSize()), s.strength(w),
          seed * 1_000 + w);
      GrayImageData window = new GrayImageData(classNames, images, size, norm, seed);
      boolean adaptNow = detector.firedAt() >= 0;
      if (adaptNow) BatchNormAdaptation.reestimate(adapted, recentData(recent, classNames, size, norm, seed).inOrder(s.batchSize()));
      Predictions f = Predictions.of(frozen, window, s.batchSize());
      Predictions a = adaptNow ? Predictions.of(adapted, window, s.batchSize()) : f;
      double statistic = detector.statistic(f.pooled());
      boolean declared = detector.observe(statistic);
      out.add(new Window(w, s.strength(w), statistic, declared, adaptNow, f.accuracy(), a.accuracy(), f.meanConfidence(),
          a.meanConfidence()));
      recent.addLast(images);
      if (recent.size() > s.adaptWindows()) recent.removeFirst();
    }
    return new Result(out, detector.firedAt(), detector.threshold());
  }

  private static GrayImageData recentData(Deque<GrayImages> recent, List<String> names, int size, Normalization norm, long seed) {
    GrayImages first = recent.peekFirst();
    int plane = first.rows() * first.cols();
    int n = recent.stream().mapToInt(GrayImages::count).sum();
    byte[] px = new byte[n * plane];
    int[] y = new int[n];
    int at = 0;
    for (GrayImages g : recent) {
      System.arraycopy(g.pixels(), 0, px, at * plane, g.count() * plane);
      System.arraycopy(g.labels(), 0, y, at, g.count());
      at += g.count();
    }
    return new GrayImageData(names, new GrayImages(first.rows(), first.cols(), px, y), size, norm, seed);
  }
}
