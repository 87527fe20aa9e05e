package dev.xfer.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.bytedeco.javacpp.PointerScope;

/**
 * The batches of an {@link InMemoryDataset} in a given order, each freed when the next one is asked for
 * or the iteration ends, as a loader's are: a long epoch's native memory stays flat instead of waiting
 * for the Java collector. A consumer that keeps part of a batch beyond its step clones it.
 */
final class ReleasingBatches implements Iterator<LabeledBatch> {
  private final InMemoryDataset data;
  private final int[] order;
  private final int batchSize;
  private int start;
  private LabeledBatch current;

  ReleasingBatches(InMemoryDataset data, int[] order, int batchSize) {
    this.data = data;
    this.order = order.clone();
    this.batchSize = batchSize;
  }

  @Override
  public boolean hasNext() {
    boolean more = start < order.length;
    if (!more) release();
    return more;
  }

  @Override
  public LabeledBatch next() {
    if (start >= order.length) throw new NoSuchElementException();
    release();
    int[] indices = Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize));
    start += batchSize;
    try (PointerScope scope = new PointerScope()) { // the batch's temporaries go now; the batch itself stays ours
      LabeledBatch b = data.batch(indices);
      b.inputs().retainReference();
      b.labels().retainReference();
      current = b;
    }
    return current;
  }

  private void release() {
    if (current != null) {
      current.inputs().releaseReference();
      current.labels().releaseReference();
      current = null;
    }
  }
}
