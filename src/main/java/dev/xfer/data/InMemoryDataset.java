package dev.xfer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A {@link Dataset} held in memory, so that any examples can be gathered into one batch at once. */
public interface InMemoryDataset extends Dataset {
  /** Preprocessed images (N, 3, S, S) and labels (N) of the given examples, in that order. */
  LabeledBatch batch(int[] indices);

  @Override
  default Iterable<LabeledBatch> batches(int[] order, int batchSize) {
    List<int[]> chunks = new ArrayList<>();
    for (int start = 0; start < order.length; start += batchSize) {
      chunks.add(Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize)));
    }
    return () -> chunks.stream().map(this::batch).iterator();
  }
}
