package dev.xfer.model;

import dev.xfer.model.io.DType;
import dev.xfer.model.io.KerasLayer;
import dev.xfer.model.io.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random weights for the full Keras Xception, laid out exactly as Keras' own file: layers in
 * topological order (xception-spec §1.3), Keras names (unnamed shortcut layers get tf.keras' auto
 * names), Keras shapes. Scales keep activations in a sane range through all 36 conv layers.
 */
final class RandomKerasXception {
  private final Random rng;
  private final List<KerasLayer> layers = new ArrayList<>();
  private int unnamed;

  private RandomKerasXception(long seed) {
    rng = new Random(seed);
  }

  static List<KerasLayer> layers(long seed, int topClasses) {
    RandomKerasXception r = new RandomKerasXception(seed);
    r.build(topClasses);
    return r.layers;
  }

  private void build(int topClasses) {
    layers.add(new KerasLayer("input_1", List.of(), List.of()));
    conv("block1_conv1", 3, 3, 3, 32);
    bn("block1_conv1_bn", 32);
    conv("block1_conv2", 3, 3, 32, 64);
    bn("block1_conv2_bn", 64);
    int[][] entry = {{64, 128}, {128, 256}, {256, 728}};
    for (int i = 0; i < 3; i++) {
      int b = i + 2;
      int in = entry[i][0];
      int out = entry[i][1];
      separable("block" + b + "_sepconv1", in, out);
      bn("block" + b + "_sepconv1_bn", out);
      separable("block" + b + "_sepconv2", out, out);
      bn("block" + b + "_sepconv2_bn", out);
      shortcut(in, out);
    }
    for (int b = 5; b <= 12; b++) {
      for (int k = 1; k <= 3; k++) {
        separable("block" + b + "_sepconv" + k, 728, 728);
        bn("block" + b + "_sepconv" + k + "_bn", 728);
      }
    }
    separable("block13_sepconv1", 728, 728);
    bn("block13_sepconv1_bn", 728);
    separable("block13_sepconv2", 728, 1024);
    bn("block13_sepconv2_bn", 1024);
    shortcut(728, 1024);
    separable("block14_sepconv1", 1024, 1536);
    bn("block14_sepconv1_bn", 1536);
    separable("block14_sepconv2", 1536, 2048);
    bn("block14_sepconv2_bn", 2048);
    if (topClasses > 0) {
      layers.add(new KerasLayer("predictions", List.of("predictions/kernel:0", "predictions/bias:0"),
          List.of(uniform(0.03f, 2048, topClasses), uniform(0.1f, topClasses))));
    }
  }

  /** The unnamed 1x1/2 shortcut conv then its BN, named as tf.keras names them in a fresh process. */
  private void shortcut(int in, int out) {
    String suffix = unnamed == 0 ? "" : "_" + unnamed;
    conv("conv2d" + suffix, 1, 1, in, out);
    bn("batch_normalization" + suffix, out);
    unnamed++;
  }

  private void conv(String name, int kh, int kw, int in, int out) {
    float a = (float) Math.sqrt(3.0 / (kh * kw * in));
    layers.add(new KerasLayer(name, List.of(name + "/kernel:0"), List.of(uniform(a, kh, kw, in, out))));
  }

  private void separable(String name, int in, int out) {
    layers.add(new KerasLayer(name, List.of(name + "/depthwise_kernel:0", name + "/pointwise_kernel:0"),
        List.of(uniform((float) Math.sqrt(3.0 / 9), 3, 3, in, 1),
            uniform((float) Math.sqrt(3.0 / in), 1, 1, in, out))));
  }

  private void bn(String name, int c) {
    layers.add(new KerasLayer(name,
        List.of(name + "/gamma:0", name + "/beta:0", name + "/moving_mean:0", name + "/moving_variance:0"),
        List.of(range(0.5f, 1.5f, c), range(-0.1f, 0.1f, c), range(-0.1f, 0.1f, c), range(0.5f, 1.5f, c))));
  }

  private TensorData uniform(float a, long... shape) {
    return rangeShaped(-a, a, shape);
  }

  private TensorData range(float lo, float hi, int c) {
    return rangeShaped(lo, hi, c);
  }

  private TensorData rangeShaped(float lo, float hi, long... shape) {
    long n = 1;
    for (long s : shape) n *= s;
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.nextFloat();
    return new TensorData(shape, v, DType.F32);
  }
}
