package dev.xfer.data.stream;

import dev.xfer.data.Dataset;
import dev.xfer.data.GrayImageData;
import dev.xfer.data.GrayImages;
import dev.xfer.data.GraySubsets;
import dev.xfer.data.ImageShift;
import dev.xfer.kernels.Normalization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A generated stream: window w holds images [w * size, (w + 1) * size) of {@code images}, transformed
 * by {@code shift} at the window's strength, which is 0 before window {@code shiftStart}, grows
 * linearly to full strength at {@code shiftEnd} and stays there. The reference is a separate set of
 * unshifted images. The shift's noise for window w is seeded by {@code seed * 1000 + w}.
 */
public final class ShiftedStream implements WindowStream {
  /** The stream's shape and its shift's ramp. */
  public record Ramp(int windows, int windowSize, int shiftStart, int shiftEnd) {
    public Ramp {
      if (windows < 1 || windowSize < 2) throw new IllegalArgumentException("stream: expected >= 1 window of >= 2 images, found " + windows + " of " + windowSize);
      if (shiftStart < 0 || shiftEnd < shiftStart) {
        throw new IllegalArgumentException("shift windows: expected 0 <= start <= end, found " + shiftStart + ".." + shiftEnd);
      }
    }

    /** The shift's strength (0..1) in window {@code w}. */
    public double strength(int w) {
      if (w < shiftStart) return 0;
      return Math.min(1.0, (w - shiftStart + 1.0) / (shiftEnd - shiftStart + 1.0));
    }
  }

  private final GrayImages images;
  private final GrayImages reference;
  private final ImageShift shift;
  private final Ramp ramp;
  private final List<String> classNames;
  private final int imageSize;
  private final Normalization normalization;
  private final long seed;
  private final Map<Integer, GrayImages> shifted = new HashMap<>();

  public ShiftedStream(GrayImages images, GrayImages reference, ImageShift shift, Ramp ramp, List<String> classNames, int imageSize,
      Normalization normalization, long seed) {
    if (images.count() < ramp.windows() * ramp.windowSize()) {
      throw new IllegalArgumentException("stream: " + ramp.windows() + " windows of " + ramp.windowSize() + " need "
          + ramp.windows() * ramp.windowSize() + " images, found " + images.count());
    }
    this.images = images;
    this.reference = reference;
    this.shift = shift;
    this.ramp = ramp;
    this.classNames = List.copyOf(classNames);
    this.imageSize = imageSize;
    this.normalization = normalization;
    this.seed = seed;
  }

  @Override
  public int size() {
    return ramp.windows();
  }

  @Override
  public String name(int w) {
    return Integer.toString(w);
  }

  @Override
  public double strength(int w) {
    return ramp.strength(w);
  }

  @Override
  public int windowSize() {
    return ramp.windowSize();
  }

  @Override
  public boolean labelled() {
    return true;
  }

  @Override
  public Dataset reference() {
    return data(reference);
  }

  @Override
  public Dataset window(int w) {
    return data(shifted(w));
  }

  @Override
  public Dataset recent(int from, int to) {
    GrayImages first = shifted(from);
    int plane = first.rows() * first.cols();
    int n = (to - from) * ramp.windowSize();
    byte[] px = new byte[n * plane];
    int[] y = new int[n];
    int at = 0;
    for (int w = from; w < to; w++) {
      GrayImages g = shifted(w);
      System.arraycopy(g.pixels(), 0, px, at * plane, g.count() * plane);
      System.arraycopy(g.labels(), 0, y, at, g.count());
      at += g.count();
    }
    return data(new GrayImages(first.rows(), first.cols(), px, y));
  }

  private GrayImages shifted(int w) {
    shifted.keySet().removeIf(k -> k < w - 16); // keep memory bounded on long streams
    return shifted.computeIfAbsent(w, k -> shift.apply(GraySubsets.range(images, k * ramp.windowSize(), (k + 1) * ramp.windowSize()),
        ramp.strength(k), seed * 1_000 + k));
  }

  private GrayImageData data(GrayImages g) {
    return new GrayImageData(classNames, g, imageSize, normalization, seed);
  }

  /**
   * A stream per seed from {@code test}, shuffled by the seed: its first {@code ramp.windows() x ramp.windowSize()}
   * images make the windows, the next {@code referenceWindows} windows' worth the unshifted reference.
   */
  public static LongFunction<WindowStream> perSeed(GrayImages test, ImageShift shift, Ramp ramp, int referenceWindows,
      List<String> classNames, int imageSize, Normalization normalization) {
    int needed = (ramp.windows() + referenceWindows) * ramp.windowSize();
    if (needed > test.count()) {
      throw new IllegalArgumentException("--windows " + ramp.windows() + " x --window-size " + ramp.windowSize() + " plus a reference of " + referenceWindows
          + " windows need " + needed + " test images of " + classNames + "; the test file has " + test.count());
    }
    return seed -> {
      GrayImages order = GraySubsets.shuffled(test, seed);
      return new ShiftedStream(GraySubsets.range(order, 0, ramp.windows() * ramp.windowSize()), GraySubsets.range(order, ramp.windows() * ramp.windowSize(), needed),
          shift, ramp, classNames, imageSize, normalization, seed);
    };
  }
}
