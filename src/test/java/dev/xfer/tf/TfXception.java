package dev.xfer.tf;

import dev.xfer.model.io.KerasLayer;
import dev.xfer.model.io.TensorData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;

/**
 * Keras' Xception forward written with TensorFlow's own ops, NHWC, straight from the layers of a
 * Keras weight file (Keras names and kernel layouts, no conversion): {@code Conv2D},
 * {@code DepthwiseConv2dNative} + 1x1 {@code Conv2D} for SeparableConv2D, {@code MaxPool} 3x3/2
 * 'SAME', {@code FusedBatchNormV3} (inference, eps 1e-3), {@code Relu}, {@code Mean} over H and W,
 * {@code MatMul} and {@code Softmax}. The layer sequence follows keras/applications/xception.py; the
 * number of middle blocks is read from the layer names.
 */
public final class TfXception {
  private static final Pattern SEPCONV = Pattern.compile("block(\\d+)_sepconv\\d+");
  private static final float BN_EPSILON = 1e-3f;

  private final TfOracle oracle;
  private final Ops tf;
  private final Map<String, KerasLayer> byName = new LinkedHashMap<>();
  private final List<KerasLayer> shortcutConvs = new ArrayList<>();
  private final List<KerasLayer> shortcutNorms = new ArrayList<>();
  private final int lastMiddleBlock;

  public TfXception(TfOracle oracle, List<KerasLayer> layers) {
    this.oracle = oracle;
    this.tf = oracle.tf;
    int lastBlock = 0;
    for (KerasLayer l : layers) {
      byName.put(l.name(), l);
      if (l.name().startsWith("conv2d")) shortcutConvs.add(l);
      if (l.name().startsWith("batch_normalization")) shortcutNorms.add(l);
      Matcher m = SEPCONV.matcher(l.name());
      if (m.lookingAt()) lastBlock = Math.max(lastBlock, Integer.parseInt(m.group(1)));
    }
    lastMiddleBlock = lastBlock - 2;
  }

  /** Pooled features (N, C) of NHWC inputs already scaled to [-1, 1]. */
  public Operand<TFloat32> features(Operand<TFloat32> x) {
    x = tf.nn.relu(bn(layer("block1_conv1_bn"), conv(x, layer("block1_conv1"), 2, "VALID")));
    x = tf.nn.relu(bn(layer("block1_conv2_bn"), conv(x, layer("block1_conv2"), 1, "VALID")));
    for (int b = 2; b <= 4; b++) x = downsamplingBlock(x, b, b - 2, b == 2);
    for (int b = 5; b <= lastMiddleBlock; b++) {
      Operand<TFloat32> y = x;
      for (int k = 1; k <= 3; k++) y = bn(layer(name(b, k) + "_bn"), separable(tf.nn.relu(y), layer(name(b, k))));
      x = tf.math.add(y, x);
    }
    x = downsamplingBlock(x, lastMiddleBlock + 1, 3, false);
    int post = lastMiddleBlock + 2;
    x = tf.nn.relu(bn(layer(name(post, 1) + "_bn"), separable(x, layer(name(post, 1)))));
    x = tf.nn.relu(bn(layer(name(post, 2) + "_bn"), separable(x, layer(name(post, 2)))));
    return tf.math.mean(x, tf.constant(new int[] {1, 2}));
  }

  /** The top: {@code softmax(features @ kernel + bias)} with the "predictions" layer. */
  public Operand<TFloat32> probabilities(Operand<TFloat32> features) {
    return tf.nn.softmax(logits(features));
  }

  /** {@code features @ kernel + bias} with the "predictions" layer. */
  public Operand<TFloat32> logits(Operand<TFloat32> features) {
    KerasLayer top = layer("predictions");
    return tf.math.add(tf.linalg.matMul(features, constant(top.weights().get(0))), constant(top.weights().get(1)));
  }

  /** Entry/exit block: two separable convs, a 3x3/2 'SAME' max-pool, plus a 1x1/2 conv + BN shortcut. */
  private Operand<TFloat32> downsamplingBlock(Operand<TFloat32> x, int b, int shortcut, boolean reluDone) {
    Operand<TFloat32> residual = bn(shortcutNorms.get(shortcut), conv(x, shortcutConvs.get(shortcut), 2, "SAME"));
    Operand<TFloat32> y = reluDone ? x : tf.nn.relu(x);
    y = bn(layer(name(b, 1) + "_bn"), separable(y, layer(name(b, 1))));
    y = bn(layer(name(b, 2) + "_bn"), separable(tf.nn.relu(y), layer(name(b, 2))));
    y = tf.nn.maxPool(y, tf.constant(new int[] {1, 3, 3, 1}), tf.constant(new int[] {1, 2, 2, 1}), "SAME");
    return tf.math.add(y, residual);
  }

  private static String name(int block, int k) {
    return "block" + block + "_sepconv" + k;
  }

  private Operand<TFloat32> conv(Operand<TFloat32> x, KerasLayer l, long stride, String padding) {
    return tf.nn.conv2d(x, constant(l.weights().get(0)), List.of(1L, stride, stride, 1L), padding);
  }

  private Operand<TFloat32> separable(Operand<TFloat32> x, KerasLayer l) {
    Operand<TFloat32> depthwise = tf.nn.depthwiseConv2dNative(x, constant(l.weights().get(0)), List.of(1L, 1L, 1L, 1L), "SAME");
    return tf.nn.conv2d(depthwise, constant(l.weights().get(1)), List.of(1L, 1L, 1L, 1L), "VALID");
  }

  /** gamma, beta, moving mean, moving variance in Keras' weight order. */
  private Operand<TFloat32> bn(KerasLayer l, Operand<TFloat32> x) {
    List<TensorData> w = l.weights();
    return tf.nn.fusedBatchNorm(x, constant(w.get(0)), constant(w.get(1)), constant(w.get(2)), constant(w.get(3)),
        FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(false)).y();
  }

  private Operand<TFloat32> constant(TensorData t) {
    return oracle.constant(t.values(), t.shape());
  }

  private KerasLayer layer(String name) {
    KerasLayer l = byName.get(name);
    if (l == null) throw new IllegalArgumentException("no Keras layer " + name);
    return l;
  }
}
