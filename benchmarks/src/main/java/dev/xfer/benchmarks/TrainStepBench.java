package dev.xfer.benchmarks;

import dev.xfer.bench.TrainStepWorkload;
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
 * A full-network training step on the CPU, every layer trainable and BatchNorm in training mode, as
 * in xfer's phase 2: {@code part=fwd} forward and cross-entropy loss (autograd recording),
 * {@code fwdbwd} plus backward, {@code step} plus the Keras SGD update (momentum 0.9), i.e. one
 * whole training step. One benchmark operation is one batch; {@link BenchMain} prints images/s.
 *
 * <p>Networks ({@code net=NAME-SIZE-bBATCH}): {@code compact-96-b8} is the demo backbone
 * {@code XceptionConfig(0.25, 1, 5, KERAS)} at 96 px, batch 8; {@code full-224-b32} is Keras'
 * Xception at 224 px, batch 32 (the transfer recipe), 5 classes. The workload itself is
 * {@link TrainStepWorkload}, shared with {@code xfer bench}.
 */
// JavaCPP would otherwise read /proc/self/statm on every native allocation (see NativeMemorySettings)
@Fork(jvmArgsAppend = "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0")
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TrainStepBench {
  @Param({"compact-96-b8", "full-224-b32"})
  public String net;

  @Param({"fwd", "fwdbwd", "step"})
  public String part;

  /** fp32, or bf16: CPU autocast around the forward pass (xfer train --amp). */
  @Param({"fp32", "bf16"})
  public String precision;

  @Param({"1"})
  public int threads;

  private TrainStepWorkload workload;

  /** Batch size encoded in {@code net} (the number after "-b"). */
  static int batchOf(String net) {
    return TrainStepWorkload.Net.parse(net).batch();
  }

  @Setup(Level.Trial)
  public void setUp() {
    ComputeThreads.set(threads); // as xfer sets them: LibTorch's threads and its OpenBLAS pool alike
    torch.manual_seed(11);
    TrainStepWorkload.Part p = switch (part) {
      case "fwd" -> TrainStepWorkload.Part.FORWARD;
      case "fwdbwd" -> TrainStepWorkload.Part.FORWARD_BACKWARD;
      case "step" -> TrainStepWorkload.Part.STEP;
      default -> throw new IllegalArgumentException("part: expected fwd, fwdbwd or step, found " + part);
    };
    boolean bf16 = switch (precision) {
      case "fp32" -> false;
      case "bf16" -> true;
      default -> throw new IllegalArgumentException("precision: expected fp32 or bf16, found " + precision);
    };
    workload = new TrainStepWorkload(TrainStepWorkload.Net.parse(net), p, bf16);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    workload = null;
  }

  @Benchmark
  public void trainStep(Blackhole bh) {
    try (PointerScope scope = new PointerScope()) {
      bh.consume(workload.run());
    }
  }
}
