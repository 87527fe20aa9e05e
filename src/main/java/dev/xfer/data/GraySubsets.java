package dev.xfer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Seeded subsets of in-memory grayscale images, for experiments that subsample Fashion-MNIST. */
public final class GraySubsets {
  private GraySubsets() {}

  /**
   * A seeded random choice of {@code perClass} images of each label 0..classes-1, kept in file order;
   * all images when {@code perClass <= 0}.
   */
  public static GrayImages perClass(GrayImages all, int classes, int perClass, long seed) {
    List<String> labels = new ArrayList<>();
    for (int label = 0; label < classes; label++) labels.add(Integer.toString(label));
    return perClass(all, labels, perClass, seed);
  }

  /** As {@link #perClass(GrayImages, int, int, long)}, for labels 0..n-1 named {@code classNames} (in errors). */
  public static GrayImages perClass(GrayImages all, List<String> classNames, int perClass, long seed) {
    if (perClass <= 0) return all;
    List<Integer> keep = new ArrayList<>();
    for (int label = 0; label < classNames.size(); label++) {
      List<Integer> idx = new ArrayList<>(all.indicesOf(label));
      if (idx.size() < perClass) {
        throw new IllegalArgumentException(perClass + " images per class requested, but class " + classNames.get(label)
            + " has " + idx.size());
      }
      Collections.shuffle(idx, new Random(seed * 31 + label));
      keep.addAll(idx.subList(0, perClass));
    }
    Collections.sort(keep);
    return pick(all, keep);
  }

  /** All images in a seeded random order. */
  public static GrayImages shuffled(GrayImages all, long seed) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < all.count(); i++) idx.add(i);
    Collections.shuffle(idx, new Random(seed));
    return pick(all, idx);
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive). */
  public static GrayImages range(GrayImages all, int from, int to) {
    if (from < 0 || to > all.count() || from > to) {
      throw new IllegalArgumentException("images " + from + ".." + to + ": only " + all.count() + " available");
    }
    List<Integer> idx = new ArrayList<>();
    for (int i = from; i < to; i++) idx.add(i);
    return pick(all, idx);
  }

  /** The images at {@code indices}, in that order. */
  public static GrayImages pick(GrayImages all, List<Integer> indices) {
    int plane = all.rows() * all.cols();
    byte[] px = new byte[indices.size() * plane];
    int[] y = new int[indices.size()];
    for (int i = 0; i < indices.size(); i++) {
      System.arraycopy(all.pixels(), indices.get(i) * plane, px, i * plane, plane);
      y[i] = all.labels()[indices.get(i)];
    }
    return new GrayImages(all.rows(), all.cols(), px, y);
  }
}
