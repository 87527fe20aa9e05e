package dev.xfer.bench;

import dev.xfer.kernels.DepthwiseBackwardKernel;
import dev.xfer.kernels.HeadKernel;
import dev.xfer.kernels.KerasSgdKernel;
import dev.xfer.kernels.Normalization;
import dev.xfer.kernels.PreprocessKernel;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.InterpolateFuncOptions;
import org.bytedeco.pytorch.InterpolateMode;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.kBilinear;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The native CPU kernels against the LibTorch op chains they replace, from the same inputs, timed
 * in alternation ({@link Stopwatch#interleavedMedians}).
 *
 * <ul>
 *   <li>preprocess: 32 uint8 HWC images of 500x375 to (32, 3, 224, 224) with Keras scaling; the
 *       baseline stacks them and runs permute, float conversion, bilinear interpolate
 *       (align_corners=false, no antialias), divide and subtract;
 *   <li>preprocess into a kept output tensor, as training's loader runs it, against the same chain;
 *   <li>head: (32, 2048, 7, 7) features to softmax probabilities over K classes (5 unless asked
 *       otherwise); the baseline runs mean over H and W, linear and softmax;
 *   <li>Keras SGD: one update of all of the full Xception's parameters (156 tensors, 20.8 M values) in
 *       one native pass, against LibTorch's four operations per parameter;
 *   <li>output allocation: filling a kept (32, 3, 224, 224) float32 tensor against allocating and
 *       filling a new one per call, which is what allocating per batch costs with the current allocator
 *       settings (huge pages or not).
 * </ul>
 */
public final class KernelBench {
  private static final String PREPROCESS_CHAIN = "stack+permute+float+interpolate+div+sub";
  private final Stopwatch stopwatch;

  public KernelBench(Stopwatch stopwatch) {
    this.stopwatch = stopwatch;
  }

  /** Every row, with one head row per class count in {@code headClasses}. */
  public List<BenchResult> runAll(int... headClasses) {
    List<BenchResult> rows = new ArrayList<>();
    rows.add(preprocess(32, 375, 500, 224));
    rows.add(preprocessInto(32, 375, 500, 224));
    for (int k : headClasses) rows.add(head(32, 2048, 7, k));
    rows.add(kerasSgd());
    if (DepthwiseBackwardKernel.available()) {
      rows.add(depthwiseBackward(ScalarType.Float));
      rows.add(depthwiseBackward(ScalarType.BFloat16));
    }
    rows.add(outputAllocation(32, 224));
    return rows;
  }

  public BenchResult preprocess(int n, int h, int w, int size) {
    List<Tensor> images = randomImages(n, h, w);
    Normalization keras = Normalization.KERAS_XCEPTION;

    double[] ms = stopwatch.interleavedMedians(
        () -> PreprocessKernel.run(images, size, size, keras), () -> libTorchPreprocess(images, size));
    return new BenchResult("preprocess", n + " x " + h + "x" + w + " uint8 -> " + size + "x" + size,
        ms[0], ms[1], PREPROCESS_CHAIN);
  }

  public BenchResult preprocessInto(int n, int h, int w, int size) {
    List<Tensor> images = randomImages(n, h, w);
    Normalization keras = Normalization.KERAS_XCEPTION;
    Tensor out = torch.empty(n, 3, size, size);

    double[] ms = stopwatch.interleavedMedians(
        () -> PreprocessKernel.runInto(images, out, keras), () -> libTorchPreprocess(images, size));
    return new BenchResult("preprocess", n + " x " + h + "x" + w + " -> kept " + size + "x" + size,
        ms[0], ms[1], PREPROCESS_CHAIN);
  }

  public BenchResult outputAllocation(int n, int size) {
    Tensor kept = torch.empty(n, 3, size, size);
    Scalar one = new Scalar(1f);
    double[] ms = stopwatch.interleavedMedians(
        () -> kept.fill_(one), () -> torch.empty(n, 3, size, size).fill_(one));
    return new BenchResult("output alloc", "fill kept (" + n + ", 3, " + size + ", " + size + ") float32",
        ms[0], ms[1], "empty+fill per call");
  }

  public BenchResult kerasSgd() {
    List<Tensor> params = new ArrayList<>();
    List<Tensor> velocities = new ArrayList<>();
    List<Tensor> grads = new ArrayList<>();
    Random rng = new Random(11);
    long values = 0;
    try (NoGradGuard g = new NoGradGuard()) {
      TensorVector all = new Xception(XceptionConfig.full(5, Numerics.KERAS)).parameters();
      for (long i = 0; i < all.size(); i++) {
        Tensor p = all.get(i).detach();
        params.add(p);
        velocities.add(torch.zeros_like(p));
        grads.add(uniform(rng, -1e-3f, 1e-3f, p.sizes().vec().get()));
        values += p.numel();
      }
    }
    float[] negLrs = new float[params.size()];
    Arrays.fill(negLrs, -1e-4f);
    double[] ms = stopwatch.interleavedMedians(
        () -> KerasSgdKernel.update(params, velocities, grads, negLrs, 0.9f, false),
        () -> {
          for (int i = 0; i < params.size(); i++) KerasSgdKernel.reference(params.get(i), velocities.get(i), grads.get(i), -1e-4, 0.9, false);
        });
    return new BenchResult("keras sgd", params.size() + " tensors, " + String.format(Locale.ROOT, "%.1f", values / 1e6)
        + " M float32 values", ms[0], ms[1], "mul+mul_+add_+add_ per tensor");
  }

  /**
   * The backward pass of all 34 depthwise convolutions of a full Xception training step at 224 px, batch 8
   * (channels-last; each shape as often as the network has it): the native pass against LibTorch's
   * {@code convolution_backward}, both gradients each.
   */
  public BenchResult depthwiseBackward(ScalarType type) {
    long[][] layers = {{64, 109, 1}, {128, 109, 1}, {128, 55, 1}, {256, 55, 1}, {256, 28, 1}, {728, 28, 1},
        {728, 14, 26}, {1024, 7, 1}, {1536, 7, 1}};
    Random rng = new Random(13);
    List<Tensor[]> cases = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (long[] l : layers) {
      long[] shape = {8, l[0], l[1], l[1]};
      cases.add(new Tensor[] {uniform(rng, -1f, 1f, shape).to(type).contiguous(torch.MemoryFormat.ChannelsLast),
          uniform(rng, -1f, 1f, shape).to(type).contiguous(torch.MemoryFormat.ChannelsLast),
          uniform(rng, -0.5f, 0.5f, l[0], 1, 3, 3).to(type)});
      counts.add(l[2]);
    }
    double[] ms = stopwatch.interleavedMedians(
        () -> eachLayer(cases, counts, t -> DepthwiseBackwardKernel.kernel(t[0], t[1], t[2], true, true)),
        () -> eachLayer(cases, counts, t -> DepthwiseBackwardKernel.reference(t[0], t[1], t[2], true, true)));
    String name = type == ScalarType.Float ? "float32" : "bf16";
    return new BenchResult("depthwise bwd", "Xception 224 px, batch 8, 34 layers, " + name, ms[0], ms[1],
        "convolution_backward (oneDNN)");
  }

  private static void eachLayer(List<Tensor[]> cases, List<Long> counts, java.util.function.Consumer<Tensor[]> pass) {
    for (int i = 0; i < cases.size(); i++) {
      for (long k = 0; k < counts.get(i); k++) {
        try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
          pass.accept(cases.get(i));
        }
      }
    }
  }

  public BenchResult head(int n, int c, int s, int k) {
    Random rng = new Random(7);
    Tensor x = uniform(rng, 0f, 4f, n, c, s, s);
    Tensor weight = uniform(rng, -0.05f, 0.05f, k, c);
    Tensor bias = uniform(rng, -0.5f, 0.5f, k);
    TensorOptional biasOpt = new TensorOptional(bias);

    double[] ms = stopwatch.interleavedMedians(() -> HeadKernel.forward(x, weight, bias),
        () -> torch.softmax(torch.linear(x.mean(2, 3), weight, biasOpt), 1));
    return new BenchResult("head forward", "(" + n + ", " + c + ", " + s + ", " + s + ") -> K=" + k,
        ms[0], ms[1], "mean+linear+softmax");
  }

  private static Tensor libTorchPreprocess(List<Tensor> images, int size) {
    TensorVector batch = new TensorVector();
    for (Tensor img : images) batch.push_back(img);
    Tensor nchw = torch.stack(batch).permute(0, 3, 1, 2).to(ScalarType.Float);
    InterpolateFuncOptions options = new InterpolateFuncOptions();
    options.size().put(new LongVector(size, size));
    options.mode().put(new InterpolateMode(new kBilinear()));
    options.align_corners().put(false);
    options.antialias().put(false);
    return torch.interpolate(nchw, options).div(new Scalar(127.5f)).sub(new Scalar(1f));
  }

  /** {@code n} random uint8 HWC images, the same ones on every call (fixed seed). */
  private static List<Tensor> randomImages(int n, int h, int w) {
    Random rng = new Random(42);
    List<Tensor> images = new ArrayList<>();
    for (int i = 0; i < n; i++) images.add(randomImage(rng, h, w));
    return images;
  }

  private static Tensor randomImage(Random rng, int h, int w) {
    byte[] px = new byte[h * w * 3];
    rng.nextBytes(px);
    try (BytePointer p = new BytePointer(px)) {
      return torch.from_blob(p, new long[] {h, w, 3}, new TensorOptions(ScalarType.Byte)).clone();
    }
  }

  private static Tensor uniform(Random rng, float lo, float hi, long... shape) {
    long count = 1;
    for (long d : shape) count *= d;
    float[] v = new float[Math.toIntExact(count)];
    for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.nextFloat();
    return Tensors.ofFloats(v, shape);
  }
}
