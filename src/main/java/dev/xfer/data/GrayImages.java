package dev.xfer.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Labelled grayscale images of one size held in memory: {@code count} images of {@code rows x cols}
 * uint8 pixels, row-major, one after another, and a label per image.
 */
public record GrayImages(int rows, int cols, byte[] pixels, int[] labels) {
  public GrayImages {
    if (rows < 1 || cols < 1) throw new IllegalArgumentException("image size: expected >= 1x1, found " + rows + "x" + cols);
    if ((long) labels.length * rows * cols != pixels.length) {
      throw new IllegalArgumentException("gray images: " + labels.length + " labels need " + (long) labels.length * rows * cols
          + " pixels of " + rows + "x" + cols + ", found " + pixels.length);
    }
  }

  public int count() {
    return labels.length;
  }

  /** The pixels of image {@code i} (a copy). */
  public byte[] image(int i) {
    int plane = rows * cols;
    byte[] out = new byte[plane];
    System.arraycopy(pixels, i * plane, out, 0, plane);
    return out;
  }

  /** Indices of the images whose label is {@code label}, in file order. */
  public List<Integer> indicesOf(int label) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) if (labels[i] == label) out.add(i);
    return out;
  }

  /**
   * The images whose label is in {@code keep}, in file order, relabelled to their position in
   * {@code keep} (so keep = [5, 7] maps label 5 to 0 and 7 to 1).
   */
  public GrayImages select(int[] keep) {
    int[] newLabel = new int[256];
    java.util.Arrays.fill(newLabel, -1);
    for (int k = 0; k < keep.length; k++) newLabel[keep[k]] = k;
    int plane = rows * cols;
    int n = 0;
    for (int l : labels) if (l >= 0 && l < 256 && newLabel[l] >= 0) n++;
    byte[] px = new byte[n * plane];
    int[] lb = new int[n];
    int j = 0;
    for (int i = 0; i < labels.length; i++) {
      int l = labels[i];
      if (l < 0 || l >= 256 || newLabel[l] < 0) continue;
      System.arraycopy(pixels, i * plane, px, j * plane, plane);
      lb[j++] = newLabel[l];
    }
    return new GrayImages(rows, cols, px, lb);
  }
}
