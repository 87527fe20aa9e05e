package dev.xfer.model;

import dev.xfer.model.io.DType;
import dev.xfer.model.io.KerasLayer;
import dev.xfer.model.io.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random weights for the Keras Xception, laid out exactly as Keras' own file: layers in
 * topological order (xception-spec §1.3), Keras names (unnamed shortcut layers get tf.keras' auto
 * names), Keras shapes. Scales keep activations in a sane range through all 36 conv layers. The
 * full network by default; a narrower one (channels as {@link XceptionConfig#channels}) with fewer
 * middle blocks (the exit flow keeps the two numbers after them) for quick tests.
 */
public final class RandomKerasXception {
  private final Random rng;
  private final XceptionConfig shape;
  private final List<KerasLayer> layers = new ArrayList<>();
  private int unnamed;

  private RandomKerasXception(long seed, XceptionConfig shape) {
    rng = new Random(seed);
    this.shape = shape;
  }

  /** The full-size network (width 1, 8 middle blocks), with a {@code topClasses}-way top or none (0). */
  public static List<KerasLayer> layers(long seed, int topClasses) {
    return layers(seed, topClasses, 1.0, 8);
  }

  /** A network of {@code width} times the channels and {@code middleBlocks} middle blocks. */
  public static List<KerasLayer> layers(long seed, int topClasses, double width, int middleBlocks) {
    RandomKerasXception r = new RandomKerasXception(seed, new XceptionConfig(width, middleBlocks, 0, Numerics.KERAS));
    r.build(topClasses);
    return r.layers;
  }

  private int ch(int fullWidth) {
    return fullWidth == 3 ? 3 : shape.channels(fullWidth);
  }

  private void build(int topClasses) {
    int last = 4 + shape.middleBlocks(); // the last middle block's Keras number (block12 at full size)
    layers.add(new KerasLayer("input_1", List.of(), List.of()));
    conv("block1_conv1", 3, 3, 3, ch(32));
    bn("block1_conv1_bn", ch(32));
    conv("block1_conv2", 3, 3, ch(32), ch(64));
    bn("block1_conv2_bn", ch(64));
    int[][] entry = {{64, 128}, {128, 256}, {256, 728}};
    for (int i = 0; i < 3; i++) {
      int b = i + 2;
      int in = ch(entry[i][0]);
      int out = ch(entry[i][1]);
      separable("block" + b + "_sepconv1", in, out);
      bn("block" + b + "_sepconv1_bn", out);
      separable("block" + b + "_sepconv2", out, out);
      bn("block" + b + "_sepconv2_bn", out);
      shortcut(in, out);
    }
    for (int b = 5; b <= last; b++) {
      for (int k = 1; k <= 3; k++) {
        separable("block" + b + "_sepconv" + k, ch(728), ch(728));
        bn("block" + b + "_sepconv" + k + "_bn", ch(728));
      }
    }
    String exit = "block" + (last + 1);
    String post = "block" + (last + 2);
    separable(exit + "_sepconv1", ch(728), ch(728));
    bn(exit + "_sepconv1_bn", ch(728));
    separable(exit + "_sepconv2", ch(728), ch(1024));
    bn(exit + "_sepconv2_bn", ch(1024));
    shortcut(ch(728), ch(1024));
    separable(post + "_sepconv1", ch(1024), ch(1536));
    bn(post + "_sepconv1_bn", ch(1536));
    separable(post + "_sepconv2", ch(1536), ch(2048));
    bn(post + "_sepconv2_bn", ch(2048));
    if (topClasses > 0) {
      layers.add(new KerasLayer("predictions", List.of("predictions/kernel:0", "predictions/bias:0"),
          List.of(uniform((float) Math.sqrt(3.0 / ch(2048)), ch(2048), topClasses), uniform(0.1f, topClasses))));
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
