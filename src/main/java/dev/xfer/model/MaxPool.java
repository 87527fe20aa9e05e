package dev.xfer.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Xception's 3x3 stride-2 max-pool in either padding convention. */
final class MaxPool {
  private static final long[] KERNEL = {3, 3};
  private static final long[] STRIDE = {2, 2};
  private static final long[] NO_PAD = {0, 0};
  private static final long[] PAD_ONE = {1, 1};
  private static final long[] DILATION = {1, 1};

  private MaxPool() {}

  /**
   * TF 'same' when {@code same}: output ceil(in / 2), total padding max((out-1)*2 + 3 - in, 0) split
   * with the extra row/column after, padded with -inf. Otherwise PyTorch's symmetric padding 1.
   */
  static Tensor apply3x3s2(Tensor x, boolean same) {
    if (!same) return torch.max_pool2d(x, KERNEL, STRIDE, PAD_ONE, DILATION, false);
    long h = x.size(2);
    long w = x.size(3);
    long padH = samePadding(h);
    long padW = samePadding(w);
    long[] pad = {padW / 2, padW - padW / 2, padH / 2, padH - padH / 2};
    Tensor padded = torch.constant_pad_nd(x, pad, new Scalar(Float.NEGATIVE_INFINITY));
    return torch.max_pool2d(padded, KERNEL, STRIDE, NO_PAD, DILATION, false);
  }

  /** Total TF 'same' padding of one axis for kernel 3, stride 2. */
  static long samePadding(long in) {
    long out = (in + 1) / 2;
    return Math.max((out - 1) * 2 + 3 - in, 0);
  }
}
