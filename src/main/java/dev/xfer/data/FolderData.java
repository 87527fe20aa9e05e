package dev.xfer.data;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A split of an image folder as {@link Dataset}: a shuffling, prefetching {@link Loader} for
 * training epochs (augmenting, when the config says so) and a non-shuffling, non-augmenting one for
 * evaluation and feature caching. Each batch is released
 * when the next one is requested (or when iteration ends).
 */
public final class FolderData implements Dataset {
  private final List<String> classNames;
  private final Loader shuffled;
  private final Loader ordered;

  public FolderData(List<String> classNames, List<Sample> samples, LoaderConfig config, DataReport report) {
    this.classNames = List.copyOf(classNames);
    this.shuffled = new Loader(samples, config, report);
    this.ordered = new Loader(samples, config.withShuffleBuffer(0).withAugmentation(Augmentation.NONE), report);
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public int size() {
    return shuffled.size();
  }

  @Override
  public int[] order(int epoch) {
    return shuffled.order(epoch);
  }

  /** True when the training loader augments images (evaluation order never does). */
  @Override
  public boolean augmented() {
    return shuffled.config().augmentation().enabled();
  }

  @Override
  public Iterable<LabeledBatch> epochBatches(int epoch, int batchSize) {
    requireBatchSize(batchSize);
    return () -> adapt(shuffled.epoch(epoch));
  }

  @Override
  public Iterable<LabeledBatch> epochBatches(int epoch, int[] examples, int batchSize) {
    requireBatchSize(batchSize);
    return () -> adapt(shuffled.epoch(epoch, examples));
  }

  /** The given examples in the given order, without shuffling or augmentation (evaluation shards). */
  @Override
  public Iterable<LabeledBatch> batches(int[] order, int batchSize) {
    requireBatchSize(batchSize);
    return () -> adapt(ordered.epoch(0, order));
  }

  @Override
  public Iterable<LabeledBatch> inOrder(int batchSize) {
    requireBatchSize(batchSize);
    return () -> adapt(ordered.epoch(0));
  }

  @Override
  public void close() {
    shuffled.close();
    ordered.close();
  }

  private void requireBatchSize(int batchSize) {
    if (batchSize != shuffled.config().batchSize()) {
      throw new IllegalArgumentException("batch size " + batchSize + " differs from the loader's " + shuffled.config().batchSize());
    }
  }

  private static Iterator<LabeledBatch> adapt(Epoch epoch) {
    Iterator<Batch> it = epoch.iterator();
    return new Iterator<>() {
      private Batch current;

      @Override
      public boolean hasNext() {
        release();
        boolean more = it.hasNext();
        if (!more) epoch.close();
        return more;
      }

      @Override
      public LabeledBatch next() {
        release();
        if (!it.hasNext()) throw new NoSuchElementException();
        current = it.next();
        return new LabeledBatch(current.images(), current.labels());
      }

      private void release() {
        if (current != null) {
          current.close();
          current = null;
        }
      }
    };
  }
}
