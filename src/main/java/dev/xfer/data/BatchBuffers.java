package dev.xfer.data;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Image tensors of closed batches, kept for the next ones. A batch at 224 px is 19 MB; freshly
 * allocated, every page of it faults in when the decode threads first write it, which costs more
 * than copying cached inputs into it. A tensor comes back only when nothing else references it or
 * its memory (no view, no autograd graph, no second handle), so reuse can never overwrite data a
 * consumer still sees. Thread-safe.
 */
final class BatchBuffers implements AutoCloseable {
  private final int capacity;
  private final Deque<Tensor> free = new ArrayDeque<>();
  private boolean closed;

  /** @param capacity most tensors kept (the batches that can be in flight at once) */
  BatchBuffers(int capacity) {
    this.capacity = capacity;
  }

  /** A contiguous float32 tensor of {@code shape}: a kept one when one matches, else a new one. */
  synchronized Tensor take(long... shape) {
    for (Iterator<Tensor> it = free.iterator(); it.hasNext(); ) {
      Tensor t = it.next();
      if (hasShape(t, shape)) {
        it.remove();
        return t;
      }
    }
    try (PointerScope scope = new PointerScope()) { // detached from any caller's scope: the batch owns it
      Tensor t = torch.empty(shape, new TensorOptions(ScalarType.Float), new MemoryFormatOptional());
      t.retainReference();
      return t;
    }
  }

  private static boolean hasShape(Tensor t, long[] shape) {
    if (t.dim() != shape.length) return false;
    for (int d = 0; d < shape.length; d++) {
      if (t.size(d) != shape[d]) return false;
    }
    return true;
  }

  /** Takes back a batch's image tensor: kept if unshared and there is room, freed otherwise. */
  synchronized void giveBack(Tensor images) {
    if (!closed && free.size() < capacity && soleOwner(images)) {
      free.push(images);
    } else {
      images.close();
    }
  }

  /** Tensors kept for reuse. */
  synchronized int kept() {
    return free.size();
  }

  /** Frees the kept tensors; later give-backs free theirs at once. */
  @Override
  public synchronized void close() {
    closed = true;
    for (Tensor t : free) t.close();
    free.clear();
  }

  /** True when this handle is the only reference to the tensor and the tensor the only user of its memory. */
  static boolean soleOwner(Tensor t) {
    return !t.isNull() && t.use_count() == 1 && t.storage().use_count() == 1;
  }
}
