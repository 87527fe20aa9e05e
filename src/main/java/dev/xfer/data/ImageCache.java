package dev.xfer.data;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.pytorch.Tensor;

/**
 * Images kept across epochs (preprocessed float inputs, or decoded uint8 images when augmenting),
 * keyed by sample index, within a byte budget. Admission is
 * first come: an image is kept when it still fits the budget, so a data set whose decoded size fits
 * is cached completely after the first epoch, and a larger one keeps what fits and decodes the rest
 * every epoch. Cached tensors are read-only and shared; {@link #close()} frees them. Thread-safe.
 */
final class ImageCache implements AutoCloseable {
  private final long budget;
  private final Map<Integer, Tensor> images = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();

  ImageCache(long budgetBytes) {
    this.budget = budgetBytes;
  }

  /** The cached image of sample {@code index}, or null. */
  Tensor get(int index) {
    return images.get(index);
  }

  /** Keeps {@code image} (taking a reference of its own) when it fits the budget; true when kept. */
  boolean offer(int index, Tensor image) {
    long size = image.numel() * image.element_size();
    long now;
    do {
      now = bytes.get();
      if (now + size > budget) return false;
    } while (!bytes.compareAndSet(now, now + size));
    if (images.putIfAbsent(index, image) != null) {
      bytes.addAndGet(-size);
      return false;
    }
    image.retainReference();
    return true;
  }

  int size() {
    return images.size();
  }

  long bytes() {
    return bytes.get();
  }

  @Override
  public void close() {
    for (Tensor t : images.values()) t.releaseReference();
    images.clear();
    bytes.set(0);
  }
}
