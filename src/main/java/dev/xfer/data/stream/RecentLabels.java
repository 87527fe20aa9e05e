package dev.xfer.data.stream;

import dev.xfer.data.Dataset;
import dev.xfer.data.InMemoryDataset;
import dev.xfer.data.LabeledBatch;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A small labelled buffer: the newest {@code n} examples of some data (its last {@code n} in natural
 * order: for the windows of a stream, the most recent images), read once and held in memory, served
 * as training data with a seeded shuffle per epoch. What drift adaptation fine-tunes on. Works for
 * any data, including folders read through a loader; {@link #close()} frees the buffer.
 */
public final class RecentLabels implements InMemoryDataset {
  private final List<String> classNames;
  private final Tensor inputs;
  private final Tensor labels;
  private final long seed;

  /** Reads {@code base} in order, {@code readBatch} at a time, and keeps its last {@code min(n, base.size())} examples. */
  public RecentLabels(Dataset base, int n, int readBatch, long seed) {
    if (n < 1) throw new IllegalArgumentException("labelled buffer: expected at least 1 example, found " + n);
    this.classNames = base.classNames();
    this.seed = seed;
    try (PointerScope scope = new PointerScope()) {
      Deque<LabeledBatch> tail = new ArrayDeque<>();
      long held = 0;
      for (LabeledBatch b : base.inOrder(readBatch)) {
        tail.addLast(new LabeledBatch(b.inputs().clone(), b.labels().clone())); // the loader may reuse its batch
        held += b.labels().size(0);
        while (held - tail.peekFirst().labels().size(0) >= n) held -= tail.removeFirst().labels().size(0);
      }
      if (tail.isEmpty()) throw new IllegalArgumentException("labelled buffer: the recent windows hold no images");
      Tensor x = torch.cat(new TensorVector(tail.stream().map(LabeledBatch::inputs).toArray(Tensor[]::new)));
      Tensor y = torch.cat(new TensorVector(tail.stream().map(LabeledBatch::labels).toArray(Tensor[]::new)));
      long keep = Math.min(n, x.size(0));
      this.inputs = x.narrow(0, x.size(0) - keep, keep).clone();
      this.labels = y.narrow(0, y.size(0) - keep, keep).clone();
      inputs.retainReference();
      labels.retainReference();
    }
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public int size() {
    return (int) labels.size(0);
  }

  @Override
  public int[] order(int epoch) {
    return Dataset.permutation(size(), new SplittableRandom(seed * 1_000_003L + epoch));
  }

  @Override
  public LabeledBatch batch(int[] indices) {
    Tensor index = dev.xfer.kernels.Tensors.ofIndices(indices);
    return new LabeledBatch(inputs.index_select(0, index), labels.index_select(0, index));
  }

  /** Frees the buffer. */
  @Override
  public void close() {
    inputs.close();
    labels.close();
  }
}
