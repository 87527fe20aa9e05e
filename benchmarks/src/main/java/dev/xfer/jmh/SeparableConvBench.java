package dev.xfer.jmh;

import dev.xfer.model.SeparableConv2d;
import dev.xfer.train.MixedPrecision;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Xception's separable convolutions (xfer's {@link SeparableConv2d}: depthwise 3x3 then pointwise
 * 1x1, no bias) on the CPU, at the network's real shapes. One benchmark operation is one batch;
 * {@link BenchMain} turns the score into images/s and GFLOP/s (see {@link SeparableShape} for the
 * FLOP count).
 *
 * <p>Shapes: entry flow 128@109, 256@55, 728@28 (224 input), middle flow 728@14 (224) and 728@19
 * (299), exit flow 1024-1536@7 and 1536-2048@7. {@code mode=fwdbwd} runs forward and backward with
 * gradients for the input and both weights, as in training, where a separable convolution's input
 * always needs a gradient; gradients are dropped (set to none) before each pass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SeparableConvBench {
  @Param({"128@109", "256@55", "728@28", "728@14", "728@19", "1024-1536@7", "1536-2048@7"})
  public String shape;

  @Param({"1", "8", "32"})
  public int batch;

  /** fwd: forward only (autograd off); fwdbwd: forward and backward. */
  @Param({"fwd", "fwdbwd"})
  public String mode;

  /** nchw: contiguous; cl: channels_last (NHWC strides) for input and weights. */
  @Param({"nchw", "cl"})
  public String format;

  /** fp32, or bf16: CPU autocast to bfloat16 around the forward pass (as xfer train --amp). */
  @Param({"fp32", "bf16"})
  public String precision;

  /**
   * sep: the whole separable convolution (xfer's SeparableConv2d); dw / pw: its depthwise or pointwise
   * half alone (plain LibTorch Conv2d with the same options), to see where the time goes; the summary
   * counts the FLOPs of the half measured.
   */
  @Param({"sep"})
  public String op;

  /** LibTorch intra-op threads. */
  @Param({"1"})
  public int threads;

  private Module conv;
  private UnaryOperator<Tensor> forward;
  private Tensor input;
  private Tensor outputGrad;
  private Tensor outputGradBf16;
  private boolean backward;
  private boolean bf16;

  @Setup(Level.Trial)
  public void setUp() {
    torch.set_num_threads(threads);
    torch.manual_seed(7);
    SeparableShape s = SeparableShape.parse(shape);
    backward = switch (mode) {
      case "fwd" -> false;
      case "fwdbwd" -> true;
      default -> throw new IllegalArgumentException("mode: expected fwd or fwdbwd, found " + mode);
    };
    bf16 = switch (precision) {
      case "fp32" -> false;
      case "bf16" -> true;
      default -> throw new IllegalArgumentException("precision: expected fp32 or bf16, found " + precision);
    };
    MemoryFormat memoryFormat = switch (format) {
      case "nchw" -> MemoryFormat.Contiguous;
      case "cl" -> MemoryFormat.ChannelsLast;
      default -> throw new IllegalArgumentException("format: expected nchw or cl, found " + format);
    };
    switch (op) {
      case "sep" -> {
        SeparableConv2d sep = new SeparableConv2d(s.in(), s.out());
        conv = sep;
        forward = sep::forward;
      }
      case "dw" -> {
        Conv2dOptions o = new Conv2dOptions(s.in(), s.in(), new LongPointer(3L, 3L));
        o.padding().put(new LongPointer(1L, 1L));
        o.groups().put(s.in());
        o.bias().put(false);
        Conv2dImpl dw = new Conv2dImpl(o);
        conv = dw;
        forward = dw::forward;
      }
      case "pw" -> {
        Conv2dOptions o = new Conv2dOptions(s.in(), s.out(), new LongPointer(1L, 1L));
        o.bias().put(false);
        Conv2dImpl pw = new Conv2dImpl(o);
        conv = pw;
        forward = pw::forward;
      }
      default -> throw new IllegalArgumentException("op: expected sep, dw or pw, found " + op);
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor p : conv.parameters().get()) p.set_data(p.contiguous(memoryFormat));
    }
    input = torch.randn(batch, s.in(), s.size(), s.size()).contiguous(memoryFormat);
    input.requires_grad_(backward);
    if (backward) {
      Tensor probe = forward.apply(input);
      outputGrad = torch.ones_like(probe).contiguous(memoryFormat); // a fixed incoming gradient
      outputGradBf16 = outputGrad.to(ScalarType.BFloat16); // autocast outputs are bf16
      conv.zero_grad(true);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    conv = null;
    forward = null;
    input = null;
    outputGrad = null;
    outputGradBf16 = null;
  }

  @Benchmark
  public void separableConv(Blackhole bh) {
    try (PointerScope scope = new PointerScope()) {
      if (!backward) {
        try (NoGradGuard g = new NoGradGuard()) {
          Tensor out = MixedPrecision.run(bf16, () -> forward.apply(input));
          bh.consume(out);
        }
        return;
      }
      conv.zero_grad(true);
      input.mutable_grad().reset(); // the input's gradient slot, set to none like the weights'
      Tensor out = MixedPrecision.run(bf16, () -> forward.apply(input));
      out.backward(bf16 ? outputGradBf16 : outputGrad, new BoolOptional(), false, new TensorArrayRefOptional());
      bh.consume(input.grad());
    }
  }
}
