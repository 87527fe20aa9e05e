package dev.xfer.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Xception's 3x3 stride-2 max-pool in either padding convention. */
final class MaxPool {
  private static final long[] KERNEL = {3, 3};
  private static final long[] STRIDE = {2, 2};
  private static final long[] PAD_ONE = {1, 1};
  private static final long[] DILATION = {1, 1};

  private MaxPool() {}

  /**
   * TF 'same' when {@code same}: output ceil(in / 2), total padding max((out-1)*2 + 3 - in, 0) split
   * with the extra row/column after, padded with -inf. Otherwise PyTorch's symmetric padding 1.
   *
   * <p>'same' needs no padded copy: max-pooling pads with -inf by itself, so the part before goes in as
   * symmetric padding and ceil mode adds the one window that reaches past the end when the total is odd.
   */
  static Tensor apply3x3s2(Tensor x, boolean same) {
    if (!same) return torch.max_pool2d(x, KERNEL, STRIDE, PAD_ONE, DILATION, false);
    long[] before = {samePadding(x.size(2)) / 2, samePadding(x.size(3)) / 2};
    return torch.max_pool2d(x, KERNEL, STRIDE, before, DILATION, true);
  }

  /** Total TF 'same' padding of one axis for kernel 3, stride 2. */
  static long samePadding(long in) {
    long out = (in + 1) / 2;
    return Math.max((out - 1) * 2 + 3 - in, 0);
  }
}
