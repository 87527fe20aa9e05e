package dev.xfer.data;

import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * One batch from a {@link Loader}. The consumer owns it: {@link #close()} frees both tensors at once
 * (use try-with-resources); a batch that is never closed is freed only when the garbage collector
 * finds it. The tensors are not attached to any {@code PointerScope}, so a consumer's scope does not
 * free them early.
 *
 * @param images float32 (N, 3, S, S) CPU tensor, preprocessed exactly as the model sees it
 * @param labels int64 (N) CPU tensor of class indices
 * @param files the image files, in batch order
 */
public record Batch(Tensor images, Tensor labels, List<Path> files) implements AutoCloseable {
  public Batch {
    files = List.copyOf(files);
  }

  /** Number of images N. */
  public int size() {
    return files.size();
  }

  /** Frees the native memory of both tensors; the tensors must not be used afterwards. */
  @Override
  public void close() {
    images.close();
    labels.close();
  }
}
