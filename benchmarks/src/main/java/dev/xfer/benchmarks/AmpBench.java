package dev.xfer.benchmarks;

import dev.xfer.data.Dataset;
import dev.xfer.data.GeneratedImages;
import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.train.EpochRecord;
import dev.xfer.train.FineTuner;
import dev.xfer.train.MixedPrecision;
import dev.xfer.train.PhaseConfig;
import dev.xfer.train.ProgressPrinter;
import dev.xfer.util.ComputeThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * Training throughput with bf16 autocast ({@code --amp}) against float32, through FineTuner's own
 * full fine-tuning step (every stage trainable, Keras SGD): for each network, one untimed warm-up run
 * per precision (oneDNN builds its kernels for each shape once), then the two precisions alternate
 * (ABBA) for {@code rounds}; each run trains {@code epochs} short epochs. Reported: images/s by wall
 * time of the last epoch, and images per second of process CPU time over the whole run (validation
 * of 4 images included), which a machine shared with other jobs disturbs less than wall time.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.AmpBench [nets=compact,full batch=8 steps=3 epochs=1
 *     rounds=2 threads=N format=nchw|cl]</pre>
 * compact: width 0.5, 4 middle blocks, 128 px; full: Keras' Xception, 224 px. {@code format=cl}: both
 * precisions with channels-last weights and inputs ({@link Xception#useChannelsLast()}).
 */
public final class AmpBench {
  private AmpBench() {}

  /** One run; returns {training images/s by wall time of its last epoch, images per process CPU second of the run}. */
  private static double[] trainOnce(XceptionConfig config, PhaseConfig phase, int batch, boolean amp, boolean channelsLast,
      Dataset train, Dataset valid) throws java.io.IOException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try (PointerScope scope = new PointerScope()) {
      torch.manual_seed(3);
      Xception model = new Xception(config);
      if (channelsLast) model.useChannelsLast();
      FineTuner.Options options = new FineTuner.Options(batch, 1, false, null, ProgressPrinter.silent()).withAmp(amp);
      long cpuStart = os.getProcessCpuTime();
      List<EpochRecord> h = new FineTuner(model, List.of(phase), options).run(train, valid);
      double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
      long images = (long) train.size() * phase.epochs();
      return new double[] {h.get(h.size() - 1).imagesPerSecond(), images / cpuSeconds};
    }
  }

  public static void main(String[] args) throws Exception {
    dev.xfer.util.NativeRuntime.start();
    BenchArgs a = BenchArgs.parse(args, "nets", "batch", "steps", "epochs", "threads", "rounds", "format");
    int batch = a.integer("batch", 8);
    int steps = a.integer("steps", 3);
    int epochs = a.integer("epochs", 1);
    int rounds = a.integer("rounds", 2);
    if (a.has("threads")) ComputeThreads.set(a.integer("threads", 1));
    String format = a.text("format", "nchw");
    if (!format.equals("nchw") && !format.equals("cl")) throw new IllegalArgumentException("format: expected nchw or cl, found " + format);
    boolean channelsLast = format.equals("cl");
    System.out.printf(Locale.ROOT, "bf16 on this CPU: %s; %d LibTorch threads, %d cores; batch %d, %d steps per epoch,"
        + " %d epoch(s) per run; layout %s%n", MixedPrecision.cpuSupportsBf16() ? "supported" : "NOT supported",
        torch.get_num_threads(), Runtime.getRuntime().availableProcessors(), batch, steps, epochs,
        channelsLast ? "channels-last" : "NCHW");
    for (String net : a.text("nets", "compact,full").split(",")) {
      XceptionConfig config = net.equals("full") ? XceptionConfig.full(4, Numerics.KERAS)
          : new XceptionConfig(0.5, 4, 4, Numerics.KERAS);
      int size = net.equals("full") ? 224 : 128;
      Dataset train = new GeneratedImages(batch * steps, size, 4, 1);
      Dataset valid = new GeneratedImages(4, size, 4, 2);
      PhaseConfig phase = new PhaseConfig("finetune", epochs, 0.01, 0.001, 0.9, false, "stem");
      double[] wall = new double[2];
      double[] cpu = new double[2];
      List<String> lines = new ArrayList<>();
      for (boolean amp : new boolean[] {false, true}) trainOnce(config, phase.withEpochs(1), batch, amp, channelsLast, train, valid); // warm-up
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < 2; k++) {
          boolean amp = (round % 2 == 0) == (k == 1);
          double[] r = trainOnce(config, phase, batch, amp, channelsLast, train, valid);
          wall[amp ? 1 : 0] += r[0];
          cpu[amp ? 1 : 0] += r[1];
          lines.add(String.format(Locale.ROOT, "  %s %-8s %7.3f images/s wall, %7.3f images per CPU second", net,
              amp ? "bf16" : "float32", r[0], r[1]));
        }
      }
      lines.forEach(System.out::println);
      System.out.printf(Locale.ROOT, "%s (%d px): bf16 autocast vs float32: %.2fx by wall time (%.3f vs %.3f images/s),"
          + " %.2fx by process CPU time%n", net, size, wall[1] / wall[0], wall[1] / rounds, wall[0] / rounds, cpu[1] / cpu[0]);
    }
  }
}
