package dev.xfer.benchmarks;

import dev.xfer.data.GeneratedImages;
import dev.xfer.data.LabeledBatch;
import dev.xfer.distributed.DataParallel;
import dev.xfer.distributed.DistributedContext;
import dev.xfer.distributed.WorkerLauncher;
import dev.xfer.model.Numerics;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.train.KerasSgd;
import dev.xfer.train.Losses;
import dev.xfer.util.ComputeThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Data-parallel training throughput on this machine: the full fine-tuning step (every stage trainable, BatchNorm in
 * training mode, Keras SGD) of a compact Xception on generated images, in 1 process and in N local Gloo ranks, each
 * configuration run {@code rounds} times alternating (ABAB) with untimed warm-up steps first. Each rank gets
 * cores / ranks LibTorch threads. Reported: global images/s (all ranks), images per CPU-second summed over the ranks
 * (less disturbed by other jobs on a shared machine than wall time), and the share of rank 0's step time spent in
 * the gradient all-reduce.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.DataParallelBench [ranks=1,2 batch=32 steps=10 warmup=3
 *     rounds=2 width=0.25 middle=1 size=71 sync=false]</pre>
 * {@code batch} is the global batch: each of N ranks takes batch/N, so every configuration does the same arithmetic.
 */
public final class DataParallelBench {
  private DataParallelBench() {}

  public static void main(String[] args) throws Exception {
    dev.xfer.util.NativeRuntime.start();
    BenchArgs a = BenchArgs.parse(args, "ranks", "batch", "rounds", "steps", "warmup", "size", "sync", "width", "middle", "out");
    if (System.getenv("RANK") != null) {
      worker(a);
      return;
    }
    int batch = a.integer("batch", 32);
    int rounds = a.integer("rounds", 2);
    List<Integer> ranks = new ArrayList<>();
    for (String r : a.text("ranks", "1,2").split(",")) ranks.add(Integer.parseInt(r.trim()));
    System.out.printf(Locale.ROOT, "%d cores (%s); global batch %d; %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"), batch, a);
    Path dir = Files.createTempDirectory("xfer-dp-bench");
    List<String> workerArgs = new ArrayList<>();
    a.asMap().forEach((k, v) -> workerArgs.add(k + "=" + v));
    workerArgs.add("out=" + dir);
    for (int round = 0; round < rounds; round++) {
      for (int n : ranks) {
        if (batch % n != 0) throw new IllegalArgumentException("batch " + batch + " is not divisible by " + n + " ranks");
        new WorkerLauncher(n, WorkerLauncher.freePort(), 600_000, dir)
            .run(DataParallelBench.class.getName(), workerArgs);
        List<String> result = Files.readAllLines(dir.resolve("result.txt"));
        System.out.printf(Locale.ROOT, "round %d  ranks %d x batch %3d x %d threads: %s%n", round + 1, n, batch / n,
            Math.max(1, Runtime.getRuntime().availableProcessors() / n), result.get(0));
      }
    }
  }

  private static void worker(BenchArgs a) throws Exception {
    int world = Integer.parseInt(System.getenv("WORLD_SIZE"));
    ComputeThreads.set(Math.max(1, Runtime.getRuntime().availableProcessors() / world));
    int batch = a.integer("batch", 32) / world;
    int steps = a.integer("steps", 10);
    int warmup = a.integer("warmup", 3);
    int size = a.integer("size", 71);
    boolean sync = Boolean.parseBoolean(a.text("sync", "false"));
    XceptionConfig config = new XceptionConfig(Double.parseDouble(a.text("width", "0.25")),
        a.integer("middle", 1), 4, Numerics.KERAS);
    try (DistributedContext ctx = DistributedContext.fromEnvironment(System.getenv(), 120_000)) {
      DataParallel parallel = world == 1 ? DataParallel.single() : DataParallel.of(ctx, sync);
      torch.manual_seed(3);
      Xception model = new Xception(config);
      parallel.configure(model);
      model.train(true);
      List<Tensor> params = new ArrayList<>();
      StateDict.tensorsOf(model).forEach((name, t) -> { if (t.requires_grad()) params.add(t); });
      KerasSgd sgd = new KerasSgd(params, 0.9, false, step -> 0.001);
      GeneratedImages data = new GeneratedImages(batch * world * 4, size, 4, 5);
      int[] order = parallel.trainingShard(data.order(0));
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      double commSeconds = 0;
      long start = 0;
      long cpuStart = 0;
      for (int step = 0; step < warmup + steps; step++) {
        if (step == warmup) {
          ctx.barrier();
          start = System.nanoTime();
          cpuStart = os.getProcessCpuTime();
          commSeconds = 0;
        }
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) idx[i] = order[(step * batch + i) % order.length];
        try (PointerScope scope = new PointerScope()) {
          LabeledBatch b = data.batch(idx);
          sgd.zeroGrad();
          Tensor loss = Losses.crossEntropy(model.forward(b.inputs()), b.labels(), 0);
          loss.backward();
          long c = System.nanoTime();
          List<Tensor> grads = new ArrayList<>();
          for (Tensor p : params) grads.add(p.grad());
          parallel.averageGradients(grads);
          commSeconds += (System.nanoTime() - c) / 1e9;
          sgd.step();
        }
      }
      ctx.barrier();
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = ctx.allReduceSum(new double[] {(os.getProcessCpuTime() - cpuStart) / 1e9})[0];
      if (ctx.rank() == 0) {
        double images = (double) batch * world * steps;
        String line = String.format(Locale.ROOT, "%7.1f images/s, %6.1f images per CPU-second of all ranks  (%d steps"
            + " in %.2f s, gradient all-reduce %.0f%% of rank 0's time%s)", images / seconds, images / cpuSeconds, steps,
            seconds, 100 * commSeconds / seconds, sync ? ", sync BN on" : "");
        Files.writeString(Path.of(a.text("out", ".")).resolve("result.txt"), line + "\n");
      }
    }
  }
}
