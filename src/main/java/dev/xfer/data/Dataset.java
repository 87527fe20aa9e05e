package dev.xfer.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One split of labelled examples as training and evaluation see it: a fixed number of examples,
 * addressed by index (0..size-1), with a deterministic per-epoch order, read a batch at a time.
 * A dataset may hold native memory or loader threads; {@link #close()} releases them.
 */
public interface Dataset extends AutoCloseable {
  /** Class names; label i is classNames().get(i). */
  List<String> classNames();

  /** Number of examples. */
  int size();

  /** The example order of {@code epoch} (a permutation of 0..size-1; the same for the same seed and epoch). */
  int[] order(int epoch);

  /**
   * The examples in {@code order}, {@code batchSize} at a time (the last batch may be smaller), as they
   * are evaluated: no augmentation. Preprocessed images (N, 3, S, S) and labels (N) per batch.
   */
  Iterable<LabeledBatch> batches(int[] order, int batchSize);

  /**
   * True when training batches are augmented (each epoch sees different pixels), which rules out
   * caching backbone features.
   */
  default boolean augmented() {
    return false;
  }

  /** The batches of {@code epoch} in {@link #order(int)} (a loader may prefetch them). */
  default Iterable<LabeledBatch> epochBatches(int epoch, int batchSize) {
    return batches(order(epoch), batchSize);
  }

  /**
   * The batches of {@code epoch} over {@code examples} (a subset of {@link #order(int)} in that order, as a
   * data-parallel rank's shard); augmentation, if any, follows {@code epoch}.
   */
  default Iterable<LabeledBatch> epochBatches(int epoch, int[] examples, int batchSize) {
    return batches(examples, batchSize);
  }

  /** All examples in natural order (evaluation, feature caching). */
  default Iterable<LabeledBatch> inOrder(int batchSize) {
    return batches(naturalOrder(), batchSize);
  }

  /** 0, 1, ..., size-1. */
  default int[] naturalOrder() {
    int[] order = new int[size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    return order;
  }

  /** Releases what the dataset holds (nothing, unless an implementation says otherwise). */
  @Override
  default void close() {}

  /** A Fisher-Yates shuffle of 0..n-1 drawn from {@code rng} (the per-epoch order of in-memory data). */
  static int[] permutation(int n, SplittableRandom rng) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
