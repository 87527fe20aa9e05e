package dev.xfer.kernels;

import static dev.xfer.kernels.TensorChecks.requireContiguous;
import static dev.xfer.kernels.TensorChecks.requireDim;
import static dev.xfer.kernels.TensorChecks.requireDtype;
import static dev.xfer.kernels.TensorChecks.requireNonEmpty;
import static dev.xfer.kernels.TensorChecks.requireSameDevice;
import static dev.xfer.kernels.TensorChecks.requireSize;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The fused classifier-head kernels over a backbone's feature map.
 *
 * <ul>
 *   <li>{@link #forward}: (N, C, H, W) features to (N, K) softmax probabilities through global
 *       average pooling and a dense layer, without materialising the pooled (N, C) tensor;
 *   <li>{@link #pool}: pooled (N, C) features only (what a feature cache stores);
 *   <li>{@link #trainStep}: the dense layer's sparse cross-entropy loss and gradients on pooled
 *       features, used when the backbone is frozen.
 * </ul>
 *
 * All tensors are float32 (labels int64), contiguous and on one device; CUDA tensors run on
 * LibTorch's current stream. Weight is (K, C) as in LibTorch's Linear, bias (K).
 */
public final class HeadKernel {
  private HeadKernel() {}

  /** Softmax probabilities (N, K) of {@code bias + weight · mean_HW(features)}. */
  public static Tensor forward(Tensor features, Tensor weight, Tensor bias) {
    checkFeatures(features);
    long c = features.size(1);
    checkDense(weight, bias, c, features);
    long n = features.size(0);
    long hw = features.size(2) * features.size(3);
    long k = weight.size(0);
    Tensor probs = Tensors.emptyFloat(features, n, k);
    long x = features.data_ptr().address();
    long w = weight.data_ptr().address();
    long b = bias.data_ptr().address();
    long out = probs.data_ptr().address();
    int status =
        features.is_cuda()
            ? NativeKernels.xfer_head_forward_cuda(x, w, b, n, c, hw, k, out, stream(features))
            : NativeKernels.xfer_head_forward_cpu(x, w, b, n, c, hw, k, out);
    KernelStatus.check("head forward (" + TensorChecks.deviceName(features) + ")", status);
    return probs;
  }

  /** Global-average-pooled features (N, C). */
  public static Tensor pool(Tensor features) {
    checkFeatures(features);
    long n = features.size(0);
    long c = features.size(1);
    long hw = features.size(2) * features.size(3);
    Tensor pooled = Tensors.emptyFloat(features, n, c);
    long x = features.data_ptr().address();
    long out = pooled.data_ptr().address();
    int status =
        features.is_cuda()
            ? NativeKernels.xfer_head_pool_cuda(x, n, c, hw, out, stream(features))
            : NativeKernels.xfer_head_pool_cpu(x, n, c, hw, out);
    KernelStatus.check("head pool (" + TensorChecks.deviceName(features) + ")", status);
    return pooled;
  }

  /**
   * Loss and gradients of the mean sparse cross-entropy of {@code softmax(pooled · weightᵀ + bias)}
   * against {@code labels} (N) int64 class indices in [0, K).
   */
  public static HeadGradients trainStep(Tensor pooled, Tensor weight, Tensor bias, Tensor labels) {
    requireDtype("pooled", pooled, ScalarType.Float);
    requireDim("pooled", pooled, 2, "(N, C)");
    requireNonEmpty("pooled", pooled);
    requireContiguous("pooled", pooled);
    long n = pooled.size(0);
    long c = pooled.size(1);
    checkDense(weight, bias, c, pooled);
    long k = weight.size(0);
    requireDtype("labels", labels, ScalarType.Long);
    requireDim("labels", labels, 1, "(N)");
    requireSize("labels", labels, 0, n, "N, one per pooled row");
    requireContiguous("labels", labels);
    requireSameDevice("labels", labels, pooled, "pooled");
    checkLabelRange(labels, k);

    Tensor loss = Tensors.emptyFloat(pooled, 1);
    Tensor sampleLoss = Tensors.emptyFloat(pooled, n);
    Tensor gradLogits = Tensors.emptyFloat(pooled, n, k);
    Tensor gradWeight = Tensors.emptyFloat(pooled, k, c);
    Tensor gradBias = Tensors.emptyFloat(pooled, k);
    long p = pooled.data_ptr().address();
    long w = weight.data_ptr().address();
    long b = bias.data_ptr().address();
    long y = labels.data_ptr().address();
    long lossPtr = loss.data_ptr().address();
    long samplePtr = sampleLoss.data_ptr().address();
    long glPtr = gradLogits.data_ptr().address();
    long gwPtr = gradWeight.data_ptr().address();
    long gbPtr = gradBias.data_ptr().address();
    int status =
        pooled.is_cuda()
            ? NativeKernels.xfer_head_train_step_cuda(
                p, w, b, y, n, c, k, lossPtr, samplePtr, glPtr, gwPtr, gbPtr, stream(pooled))
            : NativeKernels.xfer_head_train_step_cpu(
                p, w, b, y, n, c, k, lossPtr, samplePtr, glPtr, gwPtr, gbPtr);
    KernelStatus.check("head train step (" + TensorChecks.deviceName(pooled) + ")", status);
    return new HeadGradients(loss, sampleLoss, gradLogits, gradWeight, gradBias);
  }

  private static void checkFeatures(Tensor features) {
    requireDtype("features", features, ScalarType.Float);
    requireDim("features", features, 4, "(N, C, H, W)");
    requireNonEmpty("features", features);
    requireContiguous("features", features);
  }

  private static void checkDense(Tensor weight, Tensor bias, long c, Tensor reference) {
    requireDtype("weight", weight, ScalarType.Float);
    requireDim("weight", weight, 2, "(K, C)");
    requireSize("weight", weight, 1, c, "C, the feature channels");
    requireNonEmpty("weight", weight);
    requireContiguous("weight", weight);
    requireSameDevice("weight", weight, reference, "the features");
    requireDtype("bias", bias, ScalarType.Float);
    requireDim("bias", bias, 1, "(K)");
    requireSize("bias", bias, 0, weight.size(0), "K, the rows of weight");
    requireContiguous("bias", bias);
    requireSameDevice("bias", bias, reference, "the features");
  }

  private static void checkLabelRange(Tensor labels, long k) {
    long min = labels.min().item_long();
    long max = labels.max().item_long();
    if (min < 0 || max >= k) {
      throw new IllegalArgumentException(
          "labels: expected class indices in [0, " + k + "), found values in [" + min + ", " + max + "]");
    }
  }

  private static long stream(Tensor t) {
    return CudaStreams.current(t.device().index());
  }
}
