package dev.xfer.train;

import java.util.ArrayList;
import java.util.List;

/**
 * One split of labelled examples as the training engine sees it: a fixed number of examples,
 * addressed by index, with a deterministic per-epoch order.
 */
public interface TrainingData {
  /** Class names; label i is classNames().get(i). */
  List<String> classNames();

  /** Number of examples. */
  int size();

  /** The example order of {@code epoch} (a permutation of 0..size-1; the same for the same seed and epoch). */
  long[] order(int epoch);

  /** Preprocessed images (N, 3, S, S) and labels (N) of the given examples, in that order. */
  LabeledBatch batch(long[] indices);

  /**
   * True when training batches are augmented (each epoch sees different pixels), which rules out
   * caching backbone features.
   */
  default boolean augmented() {
    return false;
  }

  /** The examples in {@code order}, {@code batchSize} at a time (the last batch may be smaller). */
  default Iterable<LabeledBatch> batches(long[] order, int batchSize) {
    List<long[]> chunks = new ArrayList<>();
    for (int start = 0; start < order.length; start += batchSize) {
      chunks.add(java.util.Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize)));
    }
    return () -> chunks.stream().map(this::batch).iterator();
  }

  /** The batches of {@code epoch} in {@link #order(int)} (a loader may prefetch them). */
  default Iterable<LabeledBatch> epochBatches(int epoch, int batchSize) {
    return batches(order(epoch), batchSize);
  }

  /**
   * The batches of {@code epoch} over {@code examples} (a subset of {@link #order(int)} in that order, as a
   * data-parallel rank's shard); augmentation, if any, follows {@code epoch}.
   */
  default Iterable<LabeledBatch> epochBatches(int epoch, long[] examples, int batchSize) {
    return batches(examples, batchSize);
  }

  /** All examples in natural order (evaluation, feature caching). */
  default Iterable<LabeledBatch> inOrder(int batchSize) {
    return batches(naturalOrder(), batchSize);
  }

  /** A Fisher-Yates shuffle of 0..n-1 drawn from {@code rng} (the per-epoch order of in-memory data). */
  static long[] permutation(int n, java.util.SplittableRandom rng) {
    long[] order = new long[n];
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      long t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** 0, 1, ..., size-1. */
  default long[] naturalOrder() {
    long[] order = new long[size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    return order;
  }
}
