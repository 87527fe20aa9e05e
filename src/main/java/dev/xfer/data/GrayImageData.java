package dev.xfer.data;

import dev.xfer.kernels.Normalization;
import dev.xfer.kernels.PreprocessKernel;
import dev.xfer.kernels.Tensors;
import dev.xfer.util.OwnScope;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * In-memory grayscale images (e.g. Fashion-MNIST) as {@link Dataset}: each batch goes through the
 * normal preprocessing path, the gray plane repeated into RGB (as a decoder does for a grayscale PNG),
 * then resized and normalised by the {@link PreprocessKernel}. Every epoch is a full seeded shuffle.
 * Batches handed out by {@link #batches} are freed when the next one is requested.
 */
public final class GrayImageData implements InMemoryDataset {
  private final List<String> classNames;
  private final GrayImages images;
  private final int imageSize;
  private final Normalization normalization;
  private final long seed;

  public GrayImageData(List<String> classNames, GrayImages images, int imageSize, Normalization normalization, long seed) {
    for (int label : images.labels()) {
      if (label < 0 || label >= classNames.size()) {
        throw new IllegalArgumentException("label " + label + ": expected 0.." + (classNames.size() - 1) + " (" + classNames + ")");
      }
    }
    this.classNames = List.copyOf(classNames);
    this.images = images;
    this.imageSize = imageSize;
    this.normalization = normalization;
    this.seed = seed;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public int size() {
    return images.count();
  }

  @Override
  public int[] order(int epoch) {
    return Dataset.permutation(size(), new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch));
  }

  @Override
  public LabeledBatch batch(int[] indices) {
    int h = images.rows();
    int w = images.cols();
    long[] labels = new long[indices.length];
    Tensor inputs;
    Tensor y;
    try (PointerScope scope = new PointerScope()) {
      List<Tensor> rgb = new ArrayList<>(indices.length);
      byte[] hwc = new byte[h * w * 3];
      for (int i = 0; i < indices.length; i++) {
        int k = indices[i];
        labels[i] = images.labels()[k];
        byte[] gray = images.image(k);
        for (int p = 0; p < gray.length; p++) {
          hwc[3 * p] = gray[p];
          hwc[3 * p + 1] = gray[p];
          hwc[3 * p + 2] = gray[p];
        }
        Tensor t = torch.empty(new long[] {h, w, 3}, new TensorOptions(ScalarType.Byte), new MemoryFormatOptional());
        try (BytePointer src = new BytePointer(hwc); BytePointer dst = new BytePointer(t.data_ptr())) {
          Pointer.memcpy(dst, src, hwc.length);
        }
        rgb.add(t);
      }
      inputs = PreprocessKernel.run(rgb, imageSize, imageSize, normalization);
      y = Tensors.ofLongs(labels);
      inputs.retainReference(); // survive the per-image temporaries' scope
      y.retainReference();
    }
    OwnScope.handOver(inputs, y);
    return new LabeledBatch(inputs, y);
  }

}
