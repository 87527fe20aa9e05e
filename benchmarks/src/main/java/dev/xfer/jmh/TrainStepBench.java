package dev.xfer.jmh;

import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.train.KerasSgd;
import dev.xfer.train.LearningRateSchedule;
import dev.xfer.train.Losses;
import dev.xfer.train.MixedPrecision;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
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
 * A full-network training step on the CPU, every layer trainable and BatchNorm in training mode, as
 * in xfer's phase 2: {@code part=fwd} forward and cross-entropy loss (autograd recording),
 * {@code fwdbwd} plus backward, {@code step} plus the Keras SGD update (momentum 0.9), i.e. one
 * whole training step. One benchmark operation is one batch; {@link BenchMain} prints images/s.
 *
 * <p>Networks ({@code net=NAME-SIZE-bBATCH}): {@code compact-96-b8} is the demo backbone
 * {@code XceptionConfig(0.25, 1, 5, KERAS)} at 96 px, batch 8; {@code full-224-b32} is Keras'
 * Xception at 224 px, batch 32 (the mission's recipe), 5 classes.
 */
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

  private Xception model;
  private KerasSgd optimizer;
  private Tensor images;
  private Tensor labels;
  private boolean bf16;

  /** Batch size encoded in {@code net} (the number after "-b"). */
  static int batchOf(String net) {
    return Integer.parseInt(net.substring(net.lastIndexOf("-b") + 2));
  }

  @Setup(Level.Trial)
  public void setUp() {
    torch.set_num_threads(threads);
    torch.manual_seed(11);
    String[] p = net.split("-");
    if (p.length != 3 || !p[2].startsWith("b")) {
      throw new IllegalArgumentException("net: expected NAME-SIZE-bBATCH (compact-96-b8, full-224-b32), found " + net);
    }
    XceptionConfig config = switch (p[0]) {
      case "compact" -> new XceptionConfig(0.25, 1, 5, Numerics.KERAS);
      case "full" -> XceptionConfig.full(5, Numerics.KERAS);
      default -> throw new IllegalArgumentException("net: expected compact or full before the size, found " + p[0]);
    };
    if (!part.equals("fwd") && !part.equals("fwdbwd") && !part.equals("step")) {
      throw new IllegalArgumentException("part: expected fwd, fwdbwd or step, found " + part);
    }
    bf16 = switch (precision) {
      case "fp32" -> false;
      case "bf16" -> true;
      default -> throw new IllegalArgumentException("precision: expected fp32 or bf16, found " + precision);
    };
    int size = Integer.parseInt(p[1]);
    int batch = batchOf(net);
    model = new Xception(config);
    model.train(true);
    List<Tensor> params = Arrays.asList(model.parameters().get());
    optimizer = new KerasSgd(params, 0.9, false, LearningRateSchedule.kerasDecay(1e-3, 0));
    images = torch.randn(batch, 3, size, size);
    labels = torch.randint(5, new long[] {batch}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    model = null;
    optimizer = null;
  }

  @Benchmark
  public void trainStep(Blackhole bh) {
    try (PointerScope scope = new PointerScope()) {
      model.zero_grad(true);
      Tensor logits = MixedPrecision.toFloat(MixedPrecision.run(bf16, () -> model.forward(images)));
      Tensor loss = Losses.crossEntropy(logits, labels, 0);
      if (!part.equals("fwd")) loss.backward();
      if (part.equals("step")) optimizer.step();
      bh.consume(loss);
    }
  }
}
