package dev.xfer.selfcheck;

import dev.xfer.train.MixedPrecision;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * One convolution shape run forward and backward on a fast path and on the reference (NCHW
 * float32), from the same random (uniform in [-1, 1)) input, weight and upstream gradient (drawn from Java's generator,
 * so LibTorch's random state is left as it was).
 */
final class ConvParity {
  /** Images per check: more than one, so batch-strided kernels are exercised too. */
  static final int BATCH = 2;

  private ConvParity() {}

  /**
   * The largest relative error of the fast path against the reference over the output, the input
   * gradient and the weight gradient; {@code fault} scales the fast output (a test hook that stands
   * for a wrong kernel; 1 for none).
   */
  static Mismatch measure(ConvShape shape, FastPath path, double fault) {
    try (PointerScope scope = new PointerScope()) {
      Random random = new Random(shape.hashCode());
      Tensor x = uniform(random, BATCH, shape.in(), shape.height(), shape.width());
      Tensor w = uniform(random, shape.out(), shape.in() / shape.groups(), shape.kernel(), shape.kernel());
      Tensor upstream = uniform(random, BATCH, shape.out(), shape.outHeight(), shape.outWidth());
      Tensor[] reference = run(shape, x, w, upstream, false, false);
      Tensor[] fast = run(shape, x, w, upstream, path.channelsLast(), path.bf16());
      if (fault != 1) fast[0] = fast[0].mul(new Scalar(fault));
      String[] parts = {"output", "input gradient", "weight gradient"};
      Mismatch worst = new Mismatch(shape, "output", 0);
      for (int i = 0; i < parts.length; i++) {
        double error = relativeError(fast[i], reference[i]);
        if (!(error <= worst.error())) worst = new Mismatch(shape, parts[i], error); // NaN counts as worst
      }
      return worst;
    }
  }

  /** Output, input gradient and weight gradient, all float32, of the loss sum(upstream * conv(x, w)). */
  private static Tensor[] run(ConvShape s, Tensor x, Tensor w, Tensor upstream, boolean channelsLast, boolean bf16) {
    try (AutoGradMode grad = new AutoGradMode(true)) { // callers may run under a NoGradGuard (predict, embed)
      return runWithGrad(s, x, w, upstream, channelsLast, bf16);
    }
  }

  private static Tensor[] runWithGrad(ConvShape s, Tensor x, Tensor w, Tensor upstream, boolean channelsLast, boolean bf16) {
    Tensor input = (channelsLast ? x.contiguous(torch.MemoryFormat.ChannelsLast) : x.clone()).requires_grad_(true);
    Tensor weight = (channelsLast ? w.contiguous(torch.MemoryFormat.ChannelsLast) : w.clone()).requires_grad_(true);
    long[] stride = {s.stride(), s.stride()};
    long[] padding = {s.padding(), s.padding()};
    long[] dilation = {1, 1};
    Tensor out = MixedPrecision.run(bf16, () -> torch.conv2d(input, weight, new TensorOptional(), stride, padding, dilation, s.groups()));
    out.mul(upstream).sum().backward();
    return new Tensor[] {MixedPrecision.toFloat(out), MixedPrecision.toFloat(input.grad()), MixedPrecision.toFloat(weight.grad())};
  }

  /** max |a - b| / max |b|. */
  static double relativeError(Tensor a, Tensor b) {
    double scale = b.abs().max().item_double();
    double diff = a.sub(b).abs().max().item_double();
    return scale > 0 ? diff / scale : diff;
  }

  private static Tensor uniform(Random random, long... shape) {
    long n = 1;
    for (long d : shape) n *= d;
    float[] values = new float[Math.toIntExact(n)];
    for (int i = 0; i < values.length; i++) values[i] = 2 * random.nextFloat() - 1;
    return torch.from_blob(new FloatPointer(values), shape, new TensorOptions(torch.ScalarType.Float)).clone();
  }

  /** How far a fast path is off at one shape, and in which of the three results. */
  record Mismatch(ConvShape shape, String part, double error) {}
}
