package dev.xfer.data;

/** A {@link Dataset} held in memory, so that any examples can be gathered into one batch at once. */
public interface InMemoryDataset extends Dataset {
  /**
   * Preprocessed images (N, 3, S, S) and labels (N) of the given examples, in that order: new tensors, owned by
   * the scope open around the call (or by no scope).
   */
  LabeledBatch batch(int[] indices);

  /** The batches in {@code order}, each freed when the next one is asked for (clone what outlives a step). */
  @Override
  default Iterable<LabeledBatch> batches(int[] order, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size: expected >= 1, found " + batchSize);
    return () -> new ReleasingBatches(this, order, batchSize);
  }
}
