package dev.xfer.cli;

import dev.xfer.bench.BenchMachine;
import dev.xfer.bench.BenchReport;
import dev.xfer.bench.BenchResult;
import dev.xfer.bench.KernelBench;
import dev.xfer.bench.Stopwatch;
import dev.xfer.bench.Throughput;
import dev.xfer.bench.ThroughputBench;
import dev.xfer.bench.TrainStepWorkload;
import dev.xfer.util.AtomicFiles;
import dev.xfer.util.ComputeThreads;
import dev.xfer.util.Json;
import dev.xfer.util.MemoryAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xfer bench}: native kernels against LibTorch op chains, then separable-conv and train-step throughput. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Time, on the CPU, in one process:",
        "  - xfer's fused kernels against the LibTorch op chains a user would otherwise run, on the same inputs:"
            + " preprocessing (32 JPEG-sized 500x375 uint8 images -> 224x224 float, Keras scaling) and the classifier"
            + " head (32x2048x7x7 features -> softmax over 5 classes, or --head-classes): median ms and the speed-up;"
            + " preprocessing into a kept tensor, as training runs it; Keras' SGD update of the full Xception's 20.8 M"
            + " parameters in one native pass against LibTorch's four operations per parameter; the backward pass of"
            + " the 34 depthwise convolutions of a 224-px, batch-8 step, both gradients in one native pass, against"
            + " LibTorch's convolution_backward (float32 and bf16; CPUs with AVX-512); and what allocating a"
            + " new output per call costs"
            + " (with huge pages on, noticeably more);",
        "  - forward+backward of three of Xception's separable convolutions (128@109, 728@14, 1536-2048@7;"
            + " batch 8, float32, NCHW): images/s, GFLOP/s and GB/s by the formulas printed below the table;",
        "  - one training step of the compact demo backbone (compact-96-b8) in images/s.",
        "PyTorch's figures for the same shapes: benchmarks/compare/quick_compare.py. Numbers are only comparable"
            + " on one machine."})
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--threads", defaultValue = "1",
      description = "LibTorch intra-op threads (default: ${DEFAULT-VALUE}; the preprocess and head kernels are single-threaded, the optimizer and the depthwise pass run on these threads).")
  int threads;

  @Option(names = "--repeats", defaultValue = "15", description = "Timed runs per measurement; the median is reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--quick", description = "The short run: 5 timed runs per kernel, 7 per throughput row (well under 2 minutes on 2 cores).")
  boolean quick;

  @Option(names = "--kernels-only",
      description = "Only the kernel table (seconds, not minutes): skips the separable-convolution and compact train-step rows"
          + " (rows asked for with --train-steps still run).")
  boolean kernelsOnly;

  @Option(names = "--head-classes", split = ",", paramLabel = "K", defaultValue = "5",
      description = "Class counts of the fused-head rows, e.g. 5,100,1000 (default: ${DEFAULT-VALUE}, the demo's).")
  int[] headClasses;

  @Option(names = "--train-steps", split = ",", paramLabel = "NET",
      description = "Also time the whole training step (forward, loss, backward, Keras SGD; BatchNorm in training"
          + " mode) of these networks, NAME-SIZE-bBATCH with NAME full or compact (e.g. full-224-b8, full-299-b8,"
          + " full-224-b32), in NCHW and channels-last, float32 and bf16 autocast, on --threads threads, in steady state"
          + " (after warm-up steps of the same model). PyTorch's figures for the same step:"
          + " benchmarks/train_step_compare.sh.")
  List<String> trainSteps = List.of();

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results and the machine description as JSON.")
  Path json;

  @Override
  public Integer call() throws IOException {
    if (threads < 1) throw new IllegalArgumentException("--threads: expected at least 1, found " + threads);
    if (repeats < 1) throw new IllegalArgumentException("--repeats: expected at least 1, found " + repeats);
    for (int k : headClasses) {
      if (k < 1) throw new IllegalArgumentException("--head-classes: expected class counts of at least 1, found " + k);
    }
    List<TrainStepWorkload.Net> nets = trainStepNets();
    long start = System.nanoTime();
    ComputeThreads.set(threads);
    Stopwatch kernelWatch = quick ? new Stopwatch(1, 5) : new Stopwatch(3, repeats);
    Stopwatch throughputWatch = quick ? new Stopwatch(2, 7) : new Stopwatch(3, repeats);
    Map<String, Object> machine = BenchMachine.describe(threads);
    System.out.println("machine: " + machine.get("cpu") + ", " + machine.get("cores") + " cores; " + machine.get("os")
        + "; LibTorch " + machine.get("libtorch") + "; " + threads + " thread(s); device " + machine.get("device"));
    System.out.println("started " + machine.get("started_utc") + BenchMachine.loadNote(machine.get("load_average_start")));
    // LibTorch runs float32 matrix products and small 1x1 convolutions through OpenBLAS, which sizes its own
    // pool from the core count; ComputeThreads.set keeps it on one thread unless OPENBLAS_NUM_THREADS is set.
    System.out.println("OpenBLAS threads: " + machine.get("blas_threads")
        + (System.getenv("OPENBLAS_NUM_THREADS") == null ? " (xfer's setting)" : " (from OPENBLAS_NUM_THREADS)")
        + "; LibTorch huge pages for CPU buffers >= 2 MB: " + ("1".equals(machine.get("thp_mem_alloc_enable"))
            ? "on (THP_MEM_ALLOC_ENABLE=1)" : "off (THP_MEM_ALLOC_ENABLE not 1; the ./xfer launcher sets 1 unless told)"));
    // the allocator moves the train step by about a tenth: a figure is only comparable with one taken under the same
    System.out.println("memory allocator: " + MemoryAllocator.describe());
    System.out.printf("%-14s %-44s %10s %12s %8s  %s%n", "kernel", "shape", "xfer ms", "baseline ms", "speedup", "baseline");
    List<BenchResult> kernels = new KernelBench(kernelWatch).runAll(headClasses);
    for (BenchResult r : kernels) {
      System.out.printf(Locale.ROOT, "%-14s %-44s %10.2f %12.2f %7.2fx  %s%n",
          r.name(), r.shape(), r.xferMillis(), r.baselineMillis(), r.speedup(), r.baseline());
    }
    List<Throughput> rows = kernelsOnly && nets.isEmpty() ? List.of() : throughputTable(throughputWatch, !kernelsOnly, nets);

    double seconds = (System.nanoTime() - start) / 1e9;
    Double loadAtEnd = BenchMachine.loadAverage();
    if (json != null) {
      machine.put("load_average_end", loadAtEnd);
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("quick", quick);
      settings.put("kernels_only", kernelsOnly);
      settings.put("threads", threads);
      settings.put("head_classes", java.util.Arrays.stream(headClasses).boxed().toList());
      settings.put("train_steps", trainSteps);
      settings.put("kernel_warmup_repeats", kernelWatch.toString());
      settings.put("throughput_warmup_repeats", throughputWatch.toString());
      settings.put("precision", "fp32 (train-step rows of --train-steps: as their config names)");
      settings.put("memory_format", "nchw (train-step rows of --train-steps: as their config names)");
      settings.put("seconds", seconds);
      AtomicFiles.writeString(json, Json.object(BenchReport.document(machine, settings, kernels, rows)) + "\n");
      System.out.println("wrote " + json);
    }
    System.out.printf(Locale.ROOT, "bench: %.1f s%s%n", seconds, loadAtEnd == null ? "" : String.format(Locale.ROOT,
        "; load average at the end %.2f", loadAtEnd));
    return 0;
  }

  private List<TrainStepWorkload.Net> trainStepNets() {
    List<TrainStepWorkload.Net> nets = new ArrayList<>();
    for (String name : trainSteps) {
      try {
        nets.add(TrainStepWorkload.Net.parse(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--train-steps: " + e.getMessage(), e);
      }
    }
    return nets;
  }

  private static List<Throughput> throughputTable(Stopwatch watch, boolean standardRows, List<TrainStepWorkload.Net> nets) {
    System.out.println();
    System.out.printf("%-24s %-22s %5s %10s %10s %9s %8s%n", "throughput", "config", "batch", "ms/batch", "images/s",
        "GFLOP/s", "GB/s");
    Consumer<Throughput> print = r -> System.out.printf(Locale.ROOT, "%-24s %-22s %5d %10.2f %10.2f %9s %8s%n",
        r.name(), r.config(), r.batch(), r.millisPerBatch(), r.imagesPerSecond(), orDash(r.gflopsPerSecond()),
        orDash(r.gigabytesPerSecond()));
    ThroughputBench bench = new ThroughputBench(watch);
    List<Throughput> rows = new ArrayList<>(standardRows ? bench.runAll(print) : List.of());
    for (TrainStepWorkload.Net net : nets) rows.addAll(bench.trainSteps(net, print));
    if (standardRows) {
      System.out.println("GFLOP/s, GB/s of separable convs: " + BenchReport.FORMULAS.get("separable_flops_per_image")
          + "; bytes " + BenchReport.FORMULAS.get("separable_bytes_per_image"));
    }
    return rows;
  }

  private static String orDash(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
  }
}
