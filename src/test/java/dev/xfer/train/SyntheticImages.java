package dev.xfer.train;

import dev.xfer.kernels.Tensors;
import java.util.List;
import java.util.Random;

/**
 * A learnable toy split: class c's images are noise plus a bright square at a class-specific
 * corner, already preprocessed to [-1, 1]; the order of each epoch is a seeded shuffle.
 */
final class SyntheticImages implements TrainingData {
  static final int SIZE = 71;
  private final float[][] images;
  private final long[] labels;
  private final long seed;

  SyntheticImages(int n, int classes, long seed) {
    this.seed = seed;
    Random rng = new Random(seed);
    images = new float[n][];
    labels = new long[n];
    int plane = SIZE * SIZE;
    for (int i = 0; i < n; i++) {
      int c = i % classes;
      labels[i] = c;
      float[] img = new float[3 * plane];
      for (int j = 0; j < img.length; j++) img[j] = rng.nextFloat() * 0.6f - 0.8f;
      int oy = (c / 2) * 35;
      int ox = (c % 2) * 35;
      for (int ch = 0; ch < 3; ch++)
        for (int y = oy; y < oy + 30; y++)
          for (int x = ox; x < ox + 30; x++) img[ch * plane + y * SIZE + x] = 0.9f;
      images[i] = img;
    }
  }

  @Override
  public List<String> classNames() {
    return List.of("a", "b", "c");
  }

  @Override
  public int size() {
    return images.length;
  }

  @Override
  public long[] order(int epoch) {
    long[] order = naturalOrder();
    Random rng = new Random(seed * 7919 + epoch);
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      long t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  @Override
  public LabeledBatch batch(long[] indices) {
    int plane = 3 * SIZE * SIZE;
    float[] data = new float[indices.length * plane];
    long[] y = new long[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(images[(int) indices[i]], 0, data, i * plane, plane);
      y[i] = labels[(int) indices[i]];
    }
    return new LabeledBatch(Tensors.ofFloats(data, indices.length, 3, SIZE, SIZE), Tensors.ofLongs(y));
  }
}
