package dev.xfer.benchmarks;

import dev.xfer.data.LabeledBatch;
import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.train.FeatureCache;
import dev.xfer.util.ComputeThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Whether the phase-1 feature pass keeps memory flat: builds a feature cache over more and more batches,
 * each build inside a PointerScope that stays open around it (as {@code xfer train} holds one around the
 * whole run), and prints the resident set after each build and the process's peak. Flat means the peak
 * does not grow with the number of batches. Linux only (/proc/self/status).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.FeatureCacheMemoryBench [batches=4,16,32 batch=32 size=128
 *     width=0.5 middle=4 threads=2]</pre>
 */
public final class FeatureCacheMemoryBench {
  private FeatureCacheMemoryBench() {}

  public static void main(String[] args) throws IOException {
    dev.xfer.util.NativeRuntime.start();
    BenchArgs a = BenchArgs.parse(args, "batches", "batch", "size", "width", "middle", "threads");
    ComputeThreads.set(a.integer("threads", 2));
    int batch = a.integer("batch", 32);
    int size = a.integer("size", 128);
    Xception model = new Xception(new XceptionConfig(a.decimal("width", 0.5),
        a.integer("middle", 4), 5, Numerics.KERAS));
    Tensor images = torch.randn(batch, 3, size, size);
    Tensor labels = torch.zeros(new long[] {batch}, new TensorOptions(torch.ScalarType.Long));
    System.out.printf(Locale.ROOT, "feature pass, %d images of %d px per batch; resident before: %d MB%n", batch, size,
        statusKb("VmRSS") / 1024);
    for (String count : a.text("batches", "4,16,32").split(",")) {
      int n = Integer.parseInt(count.strip());
      List<LabeledBatch> batches = new ArrayList<>();
      for (int i = 0; i < n; i++) batches.add(new LabeledBatch(images, labels));
      long start = System.nanoTime();
      try (PointerScope runLong = new PointerScope()) {
        FeatureCache.build(model, batches);
        System.out.printf(Locale.ROOT, "%3d batches: resident %5d MB, peak so far %5d MB, %.1f s%n", n,
            statusKb("VmRSS") / 1024, statusKb("VmHWM") / 1024, (System.nanoTime() - start) / 1e9);
      }
    }
  }

  /** A "kB" field of /proc/self/status. */
  private static long statusKb(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    throw new IOException("/proc/self/status: no " + field);
  }
}
