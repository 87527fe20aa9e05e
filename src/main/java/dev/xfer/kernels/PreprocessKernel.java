package dev.xfer.kernels;

import static dev.xfer.kernels.TensorChecks.requireContiguous;
import static dev.xfer.kernels.TensorChecks.requireDim;
import static dev.xfer.kernels.TensorChecks.requireDtype;
import static dev.xfer.kernels.TensorChecks.requireNonEmpty;
import static dev.xfer.kernels.TensorChecks.requireSameDevice;
import static dev.xfer.kernels.TensorChecks.requireSize;
import static dev.xfer.kernels.TensorChecks.shape;

import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The fused preprocess kernel: uint8 HWC RGB images of any sizes to one float32 NCHW batch,
 * resized like {@code tf.image.resize(bilinear, antialias=False)} and normalised in the same pass.
 *
 * <p>Images are (H, W, 3) uint8 tensors, all on one device; the output (N, 3, OH, OW) float32 is on
 * that device too. CUDA tensors run on LibTorch's current stream.
 */
public final class PreprocessKernel {
  private PreprocessKernel() {}

  /** Preprocesses {@code images} into a new (N, 3, outH, outW) float32 tensor. */
  public static Tensor run(List<Tensor> images, int outH, int outW, Normalization norm) {
    if (outH <= 0 || outW <= 0) {
      throw new IllegalArgumentException(
          "output size: expected height and width > 0, found " + outH + "x" + outW);
    }
    checkImages(images);
    Tensor out = Tensors.emptyFloat(images.get(0), images.size(), 3, outH, outW);
    runInto(images, out, norm);
    return out;
  }

  /** Preprocesses {@code images} into {@code out}, a contiguous (N, 3, OH, OW) float32 tensor. */
  public static void runInto(List<Tensor> images, Tensor out, Normalization norm) {
    checkImages(images);
    if (norm == null) throw new IllegalArgumentException("normalisation: expected a value, found null");
    requireDtype("out", out, ScalarType.Float);
    requireDim("out", out, 4, "(N, 3, OH, OW)");
    requireSize("out", out, 0, images.size(), "N, one per image");
    requireSize("out", out, 1, 3, "RGB channels");
    requireNonEmpty("out", out);
    requireContiguous("out", out);
    requireSameDevice("out", out, images.get(0), "images[0]");
    if (out.size(2) > Integer.MAX_VALUE || out.size(3) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("out: output size too large, found shape " + shape(out));
    }
    if (out.is_cuda()) {
      runCuda(images, out, norm);
    } else {
      runCpu(images, out, norm);
    }
  }

  private static void checkImages(List<Tensor> images) {
    if (images == null || images.isEmpty()) {
      throw new IllegalArgumentException("images: expected at least one image, found none");
    }
    Tensor first = images.get(0);
    for (int i = 0; i < images.size(); i++) {
      String name = "images[" + i + "]";
      Tensor img = images.get(i);
      requireDtype(name, img, ScalarType.Byte);
      requireDim(name, img, 3, "(H, W, 3) HWC RGB");
      requireSize(name, img, 2, 3, "RGB channels, HWC layout");
      requireNonEmpty(name, img);
      requireContiguous(name, img);
      requireSameDevice(name, img, first, "images[0]");
      if (img.size(0) > Integer.MAX_VALUE || img.size(1) > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + ": image too large, found shape " + shape(img));
      }
    }
  }

  private static void runCpu(List<Tensor> images, Tensor out, Normalization norm) {
    int outH = (int) out.size(2);
    int outW = (int) out.size(3);
    long imageBytes = 3L * outH * outW * Float.BYTES;
    float[] m = norm.mean();
    float[] s = norm.std();
    try (PointerScope scope = new PointerScope();
        LongPointer offset = new LongPointer(1);
        IntPointer height = new IntPointer(1);
        IntPointer width = new IntPointer(1)) {
      offset.put(0L);
      long outBase = out.data_ptr().address();
      for (int i = 0; i < images.size(); i++) {
        Tensor img = images.get(i);
        height.put((int) img.size(0));
        width.put((int) img.size(1));
        int status =
            NativeKernels.xfer_preprocess_cpu(
                img.data_ptr().address(), offset.address(), height.address(), width.address(),
                /* n= */ 1, outH, outW, norm.scaleDiv(), m[0], m[1], m[2], s[0], s[1], s[2],
                outBase + i * imageBytes);
        KernelStatus.check("preprocess (cpu), image " + i, status);
      }
    }
  }

  private static void runCuda(List<Tensor> images, Tensor out, Normalization norm) {
    int n = images.size();
    long[] offsets = new long[n];
    int[] heights = new int[n];
    int[] widths = new int[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      offsets[i] = total;
      heights[i] = (int) images.get(i).size(0);
      widths[i] = (int) images.get(i).size(1);
      total += images.get(i).numel();
    }
    float[] m = norm.mean();
    float[] s = norm.std();
    try (PointerScope scope = new PointerScope()) {
      TensorVector flat = new TensorVector();
      for (Tensor img : images) flat.push_back(img.reshape(-1));
      Tensor packed = torch.cat(flat);
      Tensor dOffsets = Tensors.toDevice(Tensors.ofLongs(offsets), out);
      Tensor dHeights = Tensors.toDevice(Tensors.ofInts(heights), out);
      Tensor dWidths = Tensors.toDevice(Tensors.ofInts(widths), out);
      int status =
          NativeKernels.xfer_preprocess_cuda(
              packed.data_ptr().address(), dOffsets.data_ptr().address(),
              dHeights.data_ptr().address(), dWidths.data_ptr().address(),
              n, (int) out.size(2), (int) out.size(3), norm.scaleDiv(),
              m[0], m[1], m[2], s[0], s[1], s[2],
              out.data_ptr().address(), CudaStreams.current(out.device().index()));
      KernelStatus.check("preprocess (cuda)", status);
    }
  }
}
