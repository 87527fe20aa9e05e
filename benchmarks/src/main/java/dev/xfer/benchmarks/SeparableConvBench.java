package dev.xfer.benchmarks;

import dev.xfer.bench.SeparableConvWorkload;
import dev.xfer.bench.SeparableShape;
import dev.xfer.model.SeparableConv2d;
import dev.xfer.util.ComputeThreads;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
// JavaCPP would otherwise read /proc/self/statm on every native allocation (see NativeMemorySettings)
@Fork(jvmArgsAppend = "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0")
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

  private SeparableConvWorkload workload;

  @Setup(Level.Trial)
  public void setUp() {
    ComputeThreads.set(threads); // as xfer sets them: LibTorch's threads and its OpenBLAS pool alike
    torch.manual_seed(7);
    boolean backward = switch (mode) {
      case "fwd" -> false;
      case "fwdbwd" -> true;
      default -> throw new IllegalArgumentException("mode: expected fwd or fwdbwd, found " + mode);
    };
    boolean bf16 = switch (precision) {
      case "fp32" -> false;
      case "bf16" -> true;
      default -> throw new IllegalArgumentException("precision: expected fp32 or bf16, found " + precision);
    };
    boolean channelsLast = switch (format) {
      case "nchw" -> false;
      case "cl" -> true;
      default -> throw new IllegalArgumentException("format: expected nchw or cl, found " + format);
    };
    SeparableConvWorkload.Op part = switch (op) {
      case "sep" -> SeparableConvWorkload.Op.SEPARABLE;
      case "dw" -> SeparableConvWorkload.Op.DEPTHWISE;
      case "pw" -> SeparableConvWorkload.Op.POINTWISE;
      default -> throw new IllegalArgumentException("op: expected sep, dw or pw, found " + op);
    };
    workload = new SeparableConvWorkload(SeparableShape.parse(shape), batch, part, backward, channelsLast, bf16);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    workload = null;
  }

  @Benchmark
  public void separableConv(Blackhole bh) {
    try (PointerScope scope = new PointerScope()) {
      bh.consume(workload.run());
    }
  }
}
