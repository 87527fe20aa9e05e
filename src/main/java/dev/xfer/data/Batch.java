package dev.xfer.data;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;

/**
 * One batch from a {@link Loader}. The consumer owns it: {@link #close()} releases both tensors at
 * once (use try-with-resources); a batch that is never closed is freed only when the garbage
 * collector finds it. The tensors are not attached to any {@code PointerScope}, so a consumer's scope
 * does not free them early. On close the loader may keep the image tensor's memory for a later batch,
 * but only when nothing else still references it (see {@link BatchBuffers}).
 */
public final class Batch implements AutoCloseable {
  private final Tensor images;
  private final Tensor labels;
  private final List<Path> files;
  private final Consumer<Tensor> releaseImages;

  /** A batch whose tensors are freed on close. */
  public Batch(Tensor images, Tensor labels, List<Path> files) {
    this(images, labels, files, Tensor::close);
  }

  Batch(Tensor images, Tensor labels, List<Path> files, Consumer<Tensor> releaseImages) {
    this.images = images;
    this.labels = labels;
    this.files = List.copyOf(files);
    this.releaseImages = releaseImages;
  }

  /** float32 (N, 3, S, S) CPU tensor, preprocessed exactly as the model sees it. */
  public Tensor images() {
    return images;
  }

  /** int64 (N) CPU tensor of class indices. */
  public Tensor labels() {
    return labels;
  }

  /** The image files, in batch order. */
  public List<Path> files() {
    return files;
  }

  /** Number of images N. */
  public int size() {
    return files.size();
  }

  /** Releases both tensors; they must not be used afterwards. */
  @Override
  public void close() {
    releaseImages.accept(images);
    labels.close();
  }
}
