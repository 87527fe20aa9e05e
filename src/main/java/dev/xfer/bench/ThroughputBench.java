package dev.xfer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;

/**
 * {@code xfer bench}'s throughput set, float32, NCHW, on the CPU: forward+backward of three of
 * Xception's separable convolutions at batch 8 (entry flow 128@109, middle flow 728@14, exit flow
 * 1536-2048@7, all at 224 input) and one full training step of the compact demo backbone
 * ({@code compact-96-b8}). The same shapes and network are in the JMH project and in
 * {@code benchmarks/compare/}, so the figures can be put side by side.
 */
public final class ThroughputBench {
  /** Entry, middle and exit flow, one each. */
  public static final List<SeparableShape> SHAPES =
      List.of(SeparableShape.parse("128@109"), SeparableShape.parse("728@14"), SeparableShape.parse("1536-2048@7"));
  public static final int SEPARABLE_BATCH = 8;
  public static final String TRAIN_NET = "compact-96-b8";
  private static final int FLOAT_BYTES = 4;

  private final Stopwatch stopwatch;

  public ThroughputBench(Stopwatch stopwatch) {
    this.stopwatch = stopwatch;
  }

  /** Runs the set, handing each row to {@code progress} as it is measured. */
  public List<Throughput> runAll(Consumer<Throughput> progress) {
    List<Throughput> rows = new ArrayList<>();
    for (SeparableShape s : SHAPES) rows.add(report(separableConv(s, SEPARABLE_BATCH), progress));
    rows.add(report(trainStep(TrainStepWorkload.Net.parse(TRAIN_NET)), progress));
    return rows;
  }

  private static Throughput report(Throughput row, Consumer<Throughput> progress) {
    progress.accept(row);
    return row;
  }

  /** Forward and backward of xfer's SeparableConv2d, float32 NCHW. */
  public Throughput separableConv(SeparableShape shape, int batch) {
    SeparableConvWorkload w = new SeparableConvWorkload(shape, batch, SeparableConvWorkload.Op.SEPARABLE,
        /*backward=*/true, /*channelsLast=*/false, /*bf16=*/false);
    double ms = stopwatch.medianMillis(w::run);
    return new Throughput("separable conv fwd+bwd", shape.toString(), batch, ms, shape.forwardBackwardFlopsPerImage(),
        shape.forwardBackwardBytesPerImage(batch, FLOAT_BYTES));
  }

  /** One whole training step (forward, cross-entropy, backward, Keras SGD), float32, NCHW. */
  public Throughput trainStep(TrainStepWorkload.Net net) {
    TrainStepWorkload w = new TrainStepWorkload(net, TrainStepWorkload.Part.STEP, /*bf16=*/false);
    double ms = stopwatch.medianMillis(w::run);
    return new Throughput("train step", net.name(), net.batch(), ms, Double.NaN, Double.NaN);
  }

  /**
   * The whole training step of {@code net} in each layout (NCHW, channels-last) and precision (float32,
   * bf16 autocast), a freshly built model each, timed after the stopwatch's warm-up steps (steady state).
   */
  public List<Throughput> trainSteps(TrainStepWorkload.Net net, Consumer<Throughput> progress) {
    List<Throughput> rows = new ArrayList<>();
    for (boolean channelsLast : new boolean[] {false, true}) {
      for (boolean bf16 : new boolean[] {false, true}) {
        String config = net.name() + (channelsLast ? " cl" : " nchw") + (bf16 ? " bf16" : " fp32");
        try (PointerScope scope = new PointerScope()) {
          TrainStepWorkload w = new TrainStepWorkload(net, TrainStepWorkload.Part.STEP, bf16, channelsLast);
          double ms = stopwatch.medianMillis(w::run);
          rows.add(report(new Throughput("train step", config, net.batch(), ms, Double.NaN, Double.NaN), progress));
        }
      }
    }
    return rows;
  }
}
