package dev.xfer.model;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * An independent Xception forward pass for tests, written from Keras' applications/xception.py as plain functional
 * LibTorch calls over the raw Keras tensors (Keras layer names, Keras HWIO layouts converted here).
 * It shares no code with {@link Xception}: no modules, no name mapping, its own padding arithmetic.
 */
final class ReferenceXception {
  private final Map<String, List<Tensor>> layers;
  private final List<String> shortcutConvs;
  private final List<String> shortcutNorms;
  private final double eps;
  private final boolean tfSamePools;
  private boolean training;

  /**
   * @param layers Keras layer name to its weights in file order, Keras layouts
   * @param shortcutConvs the four unnamed 1x1 shortcut conv layers in topological order
   * @param shortcutNorms the four unnamed shortcut BN layers in topological order
   */
  ReferenceXception(Map<String, List<Tensor>> layers, List<String> shortcutConvs, List<String> shortcutNorms,
      double eps, boolean tfSamePools) {
    this.layers = layers;
    this.shortcutConvs = shortcutConvs;
    this.shortcutNorms = shortcutNorms;
    this.eps = eps;
    this.tfSamePools = tfSamePools;
  }

  /**
   * Batch statistics in every BatchNormalization (Keras' {@code training=True}) instead of the moving ones; the
   * moving statistics are left as they are (momentum 0).
   */
  ReferenceXception training(boolean batchStatistics) {
    training = batchStatistics;
    return this;
  }

  /** Global-average-pooled features of NCHW input. */
  Tensor pooledFeatures(Tensor x) {
    x = torch.relu(bn(conv(x, "block1_conv1", 2), "block1_conv1_bn"));
    x = torch.relu(bn(conv(x, "block1_conv2", 1), "block1_conv2_bn"));
    // block 2: no ReLU before the first separable conv
    Tensor residual = bn(conv(x, shortcutConvs.get(0), 2), shortcutNorms.get(0));
    x = bn(separable(x, "block2_sepconv1"), "block2_sepconv1_bn");
    x = bn(separable(torch.relu(x), "block2_sepconv2"), "block2_sepconv2_bn");
    x = maxPool(x).add(residual);
    for (int b = 3; b <= 4; b++) {
      residual = bn(conv(x, shortcutConvs.get(b - 2), 2), shortcutNorms.get(b - 2));
      x = twoSeparables(x, b);
      x = maxPool(x).add(residual);
    }
    for (int b = 5; b <= 12; b++) {
      residual = x;
      for (int k = 1; k <= 3; k++) {
        String name = "block" + b + "_sepconv" + k;
        x = bn(separable(torch.relu(x), name), name + "_bn");
      }
      x = x.add(residual);
    }
    residual = bn(conv(x, shortcutConvs.get(3), 2), shortcutNorms.get(3));
    x = maxPool(twoSeparables(x, 13)).add(residual);
    x = torch.relu(bn(separable(x, "block14_sepconv1"), "block14_sepconv1_bn"));
    x = torch.relu(bn(separable(x, "block14_sepconv2"), "block14_sepconv2_bn"));
    return x.mean(2, 3);
  }

  private Tensor twoSeparables(Tensor x, int b) {
    x = bn(separable(torch.relu(x), "block" + b + "_sepconv1"), "block" + b + "_sepconv1_bn");
    return bn(separable(torch.relu(x), "block" + b + "_sepconv2"), "block" + b + "_sepconv2_bn");
  }

  /** Keras Conv2D, 'valid' padding (1x1 'same' at stride 2 needs none either). */
  private Tensor conv(Tensor x, String layer, long stride) {
    Tensor kernel = layers.get(layer).get(0).permute(3, 2, 0, 1).contiguous();
    return torch.conv2d(x, kernel, new TensorOptional(), new long[] {stride, stride}, new long[] {0, 0},
        new long[] {1, 1}, 1);
  }

  /** Keras SeparableConv2D, 3x3 'same' at stride 1 = padding 1 on each side. */
  private Tensor separable(Tensor x, String layer) {
    Tensor depthwise = layers.get(layer).get(0).permute(2, 3, 0, 1).contiguous();
    Tensor pointwise = layers.get(layer).get(1).permute(3, 2, 0, 1).contiguous();
    long channels = x.size(1);
    Tensor y = torch.conv2d(x, depthwise, new TensorOptional(), new long[] {1, 1}, new long[] {1, 1},
        new long[] {1, 1}, channels);
    return torch.conv2d(y, pointwise, new TensorOptional(), new long[] {1, 1}, new long[] {0, 0},
        new long[] {1, 1}, 1);
  }

  /** BatchNormalization with gamma, beta, moving mean, moving variance (batch statistics when training). */
  private Tensor bn(Tensor x, String layer) {
    List<Tensor> w = layers.get(layer);
    return torch.batch_norm(x, new TensorOptional(w.get(0)), new TensorOptional(w.get(1)),
        new TensorOptional(w.get(2)), new TensorOptional(w.get(3)), training, 0.0, eps, false);
  }

  /** MaxPooling2D(3, strides=2, padding='same'), or PyTorch's symmetric padding 1. */
  private Tensor maxPool(Tensor x) {
    long[] k = {3, 3};
    long[] s = {2, 2};
    long[] d = {1, 1};
    if (!tfSamePools) return torch.max_pool2d(x, k, s, new long[] {1, 1}, d, false);
    long[] pads = new long[4];
    for (int axis = 0; axis < 2; axis++) {
      long in = x.size(3 - axis); // width first, as constant_pad_nd wants
      long out = -Math.floorDiv(-in, 2);
      long total = Math.max((out - 1) * 2 + 3 - in, 0);
      pads[2 * axis] = total / 2;
      pads[2 * axis + 1] = total - total / 2;
    }
    Tensor padded = torch.constant_pad_nd(x, pads, new Scalar(Float.NEGATIVE_INFINITY));
    return torch.max_pool2d(padded, k, s, new long[] {0, 0}, d, false);
  }
}
