package dev.xfer.data;

import dev.xfer.kernels.Tensors;
import java.util.List;
import java.util.Random;

/**
 * A generated, learnable image split held in memory, already preprocessed to [-1, 1]: class c is
 * noise plus a bright square at one of four class-specific places. For benchmarks and tests that need
 * training data without a dataset on disk; epoch orders are seeded shuffles.
 */
public final class GeneratedImages implements InMemoryDataset {
  private final int size;
  private final int classes;
  private final float[][] images;
  private final long[] labels;
  private final long seed;

  /** {@code n} images of {@code size x size} in {@code classes} classes (2..4). */
  public GeneratedImages(int n, int size, int classes, long seed) {
    if (n < 1 || size < 8 || classes < 2 || classes > 4) {
      throw new IllegalArgumentException("generated images: expected n >= 1, size >= 8, 2..4 classes; found " + n + ", "
          + size + ", " + classes);
    }
    this.size = size;
    this.classes = classes;
    this.seed = seed;
    Random rng = new Random(seed);
    images = new float[n][];
    labels = new long[n];
    int plane = size * size;
    int side = size * 2 / 5;
    for (int i = 0; i < n; i++) {
      int c = i % classes;
      labels[i] = c;
      float[] img = new float[3 * plane];
      for (int j = 0; j < img.length; j++) img[j] = rng.nextFloat() * 0.6f - 0.8f;
      int oy = (c / 2) * (size / 2);
      int ox = (c % 2) * (size / 2);
      for (int ch = 0; ch < 3; ch++) {
        for (int y = oy; y < oy + side; y++) {
          for (int x = ox; x < ox + side; x++) img[ch * plane + y * size + x] = 0.9f;
        }
      }
      images[i] = img;
    }
  }

  @Override
  public List<String> classNames() {
    return List.of("a", "b", "c", "d").subList(0, classes);
  }

  @Override
  public int size() {
    return images.length;
  }

  @Override
  public int[] order(int epoch) {
    int[] order = naturalOrder();
    Random rng = new Random(seed * 7919 + epoch);
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  @Override
  public LabeledBatch batch(int[] indices) {
    int plane = 3 * size * size;
    float[] data = new float[indices.length * plane];
    long[] y = new long[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(images[indices[i]], 0, data, i * plane, plane);
      y[i] = labels[indices[i]];
    }
    return new LabeledBatch(Tensors.ofFloats(data, indices.length, 3, size, size), Tensors.ofLongs(y));
  }
}
