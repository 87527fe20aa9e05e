package dev.xfer.benchmarks;

import dev.xfer.data.Dataset;
import dev.xfer.data.GeneratedImages;
import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.train.FineTuner;
import dev.xfer.train.PhaseConfig;
import dev.xfer.train.ProgressPrinter;
import dev.xfer.util.ComputeThreads;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * FineTuner's full training step (as {@link AmpBench}) on Keras' Xception, for a per-primitive profile:
 * one epoch of {@code warmup + steps} steps; standard output gets {@code ==== profile begin} after the
 * warm-up steps and {@code ==== profile end steps=N wall_ms=T} after the profiled ones, so that a oneDNN
 * verbose log ({@code ONEDNN_VERBOSE=profile_exec}) can be cut to the profiled steps
 * ({@code benchmarks/compare/onednn_profile.py}).
 *
 * <pre>ONEDNN_VERBOSE=profile_exec java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.TrainStepProfile
 *     [batch=8 size=224 warmup=3 steps=2 threads=2 format=nchw|cl precision=fp32|bf16 ftz=0|1 models=1]</pre>
 * {@code ftz=1}: flush denormals to zero (LibTorch's {@code set_flush_denormal}). Each step's wall time is printed too;
 * {@code models=M} trains M freshly built models one after the other (the markers then repeat per model).
 */
public final class TrainStepProfile {
  private TrainStepProfile() {}

  public static void main(String[] args) throws Exception {
    dev.xfer.util.NativeRuntime.start();
    BenchArgs a = BenchArgs.parse(args, "batch", "size", "warmup", "steps", "threads", "format", "precision", "ftz", "models");
    int batch = a.integer("batch", 8);
    int size = a.integer("size", 224);
    int warmup = a.integer("warmup", 3);
    int steps = a.integer("steps", 2);
    if (a.has("threads")) ComputeThreads.set(a.integer("threads", 1));
    boolean channelsLast = a.text("format", "nchw").equals("cl");
    boolean amp = a.text("precision", "fp32").equals("bf16");
    if (a.text("ftz", "0").equals("1")) org.bytedeco.pytorch.Context.setFlushDenormal(true);
    int total = warmup + steps;
    int models = a.integer("models", 1);
    PrintStream stdout = System.out;
    long[] begin = new long[1];
    long[] last = {System.nanoTime()};
    PrintStream marks = new PrintStream(OutputStream.nullOutputStream()) {
      @Override
      public void print(String text) {
        String line = text.strip(); // a terminal printer redraws the step line after each step: "\r 7/12 [...]"
        if (!line.matches("\\d+/\\d+ \\[.*")) return;
        int step = Integer.parseInt(line.substring(0, line.indexOf('/')));
        long now = System.nanoTime();
        stdout.printf(Locale.ROOT, "step %d: %.1f ms%n", step, (now - last[0]) / 1e6);
        last[0] = System.nanoTime();
        if (step == warmup) {
          stdout.println("==== profile begin");
          stdout.flush();
          begin[0] = System.nanoTime();
        } else if (step == total) {
          double ms = (System.nanoTime() - begin[0]) / 1e6;
          stdout.printf(Locale.ROOT, "==== profile end steps=%d wall_ms=%.1f%n", steps, ms);
          stdout.flush();
        }
      }
    };
    Dataset train = new GeneratedImages(batch * total, size, 4, 1);
    Dataset valid = new GeneratedImages(4, size, 4, 2);
    PhaseConfig phase = new PhaseConfig("finetune", 1, 0.01, 0.001, 0.9, false, "stem");
    stdout.printf(Locale.ROOT, "TrainStepProfile: full Xception %d px, batch %d, %s, %s, %d warm-up + %d profiled steps%n",
        size, batch, amp ? "bf16 autocast" : "float32", channelsLast ? "channels-last" : "NCHW", warmup, steps);
    for (int m = 0; m < models; m++) {
      if (models > 1) stdout.printf(Locale.ROOT, "model %d of %d%n", m + 1, models);
      last[0] = System.nanoTime();
      try (PointerScope scope = new PointerScope()) {
        torch.manual_seed(3);
        Xception model = new Xception(XceptionConfig.full(4, Numerics.KERAS));
        if (channelsLast) model.useChannelsLast();
        FineTuner.Options options = new FineTuner.Options(batch, 1, false, null, new ProgressPrinter(marks, true)).withAmp(amp);
        new FineTuner(model, List.of(phase), options).run(train, valid);
      }
    }
  }
}
