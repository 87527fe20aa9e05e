package dev.xfer.benchmarks;

import dev.xfer.util.ComputeThreads;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Which thread pool runs LibTorch's float32 NCHW 1x1 convolution and matrix product, seen through the process's CPU
 * time: an N x C x S x S input times a C x C x 1 x 1 weight (default 8 x 256 x 55 x 55) and an M x M matrix times
 * itself (default 1024; {@code mm=0} leaves it out), timed with LibTorch's intra-op threads set to {@code threads}
 * alone ({@code torch.set_num_threads}), then again after {@link ComputeThreads#set}, which also puts OpenBLAS's
 * pool on one thread. Each timing prints wall time, process CPU time and CPU/wall: with {@code threads=1}, a ratio
 * near the core count before the second setting and about 1 after it means the operation ran on OpenBLAS's own
 * threads. Also prints
 * LibTorch's default intra-op thread count (before anything sets it), its BLAS build setting, the OpenBLAS libraries
 * mapped into the process, OpenBLAS's pool size and the load average before and after.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.OpenBlasThreadsProbe [batch=8 channels=256
 *     size=55 mm=1024 reps=20 threads=1 nnpack=off]</pre>
 * {@code nnpack=on} leaves LibTorch's NNPACK switch as LibTorch sets it (xfer turns it off), to see whether this CPU
 * makes NNPACK print {@code Could not initialize NNPACK!}. With {@code ONEDNN_VERBOSE=1} in the environment oneDNN
 * prints a line for every primitive it runs: none for the convolution means it did not go through oneDNN. A CPU/wall
 * ratio is no speed figure; the load average says how busy the machine was.
 */
public final class OpenBlasThreadsProbe {
  private OpenBlasThreadsProbe() {}

  public static void main(String[] args) throws IOException {
    BenchArgs a = BenchArgs.parse(args, "batch", "channels", "size", "mm", "reps", "threads", "nnpack");
    int batch = a.integer("batch", 8);
    int channels = a.integer("channels", 256);
    int size = a.integer("size", 55);
    int matrix = a.integer("mm", 1024);
    int reps = a.integer("reps", 20);
    int threads = a.integer("threads", 1);
    boolean nnpack = a.text("nnpack", "off").equals("on");
    dev.xfer.util.NativeRuntime.prepare(); // unpacks the natives; leaves LibTorch's settings alone
    int defaultThreads = torch.get_num_threads();
    if (!nnpack) torch.globalContext().setUserEnabledNNPACK(false);
    String config = torch.show_config().getString();
    System.out.printf(Locale.ROOT, "OpenBlasThreadsProbe: %d cores, load average %s; LibTorch %s, BLAS_INFO=%s,"
        + " default intra-op threads %d, NNPACK %s%n", Runtime.getRuntime().availableProcessors(), loadAverage(),
        buildSetting(config, "TORCH_VERSION"), buildSetting(config, "BLAS_INFO"), defaultThreads,
        nnpack ? "as LibTorch sets it" : "off");
    System.out.printf(Locale.ROOT, "OpenBLAS files mapped: %s%n", mappedOpenBlas());
    Tensor x = torch.randn(batch, channels, size, size);
    Tensor w = torch.randn(channels, channels, 1, 1);
    Tensor m = torch.randn(matrix, matrix);
    String convName = String.format(Locale.ROOT, "conv2d %dx%dx%dx%d * %dx%dx1x1", batch, channels, size, size,
        channels, channels);
    String mmName = String.format(Locale.ROOT, "mm %dx%d * %dx%d", matrix, matrix, matrix, matrix);
    System.out.printf(Locale.ROOT, "float32, NCHW, %d of each per timing%n", reps);
    torch.set_num_threads(threads);
    String before = String.format(Locale.ROOT, "torch.set_num_threads(%d) only", threads);
    time(before, convName, () -> conv(x, w), reps);
    if (matrix > 0) time(before, mmName, () -> m.mm(m), reps);
    ComputeThreads.set(threads);
    String after = String.format(Locale.ROOT, "ComputeThreads.set(%d)", threads);
    time(after, convName, () -> conv(x, w), reps);
    if (matrix > 0) time(after, mmName, () -> m.mm(m), reps);
    System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
  }

  private static void time(String setting, String name, Supplier<Tensor> op, int reps) {
    long wall;
    long cpu;
    try (PointerScope scope = new PointerScope()) {
      op.get(); // warm-up: oneDNN primitive creation, OpenBLAS pool start
      long cpu0 = processCpuNanos();
      long wall0 = System.nanoTime();
      for (int i = 0; i < reps; i++) op.get();
      wall = System.nanoTime() - wall0;
      cpu = processCpuNanos() - cpu0;
    }
    System.out.printf(Locale.ROOT, "%-30s %-32s LibTorch threads %d, OpenBLAS threads %d: wall %7.1f ms, CPU %7.1f"
        + " ms, CPU/wall %.2f%n", setting, name, torch.get_num_threads(), ComputeThreads.blasThreads(), wall / 1e6,
        cpu / 1e6, (double) cpu / wall);
  }

  private static Tensor conv(Tensor x, Tensor w) {
    return torch.conv2d(x, w, new TensorOptional(), /*stride=*/new long[] {1, 1}, /*padding=*/new long[] {0, 0},
        /*dilation=*/new long[] {1, 1}, /*groups=*/1);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** A {@code KEY=value} of the build settings in {@code torch.show_config()}, or "?" where absent. */
  private static String buildSetting(String config, String key) {
    int at = config.indexOf(key + "=");
    if (at < 0) return "?";
    int end = config.indexOf(',', at);
    return config.substring(at + key.length() + 1, end < 0 ? config.length() : end).trim();
  }

  /**
   * The OpenBLAS libraries in this process's memory map and how many distinct files they are (by inode): each
   * distinct file is a separate OpenBLAS with a thread pool of its own.
   */
  private static String mappedOpenBlas() throws IOException {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.exists(maps)) return "unknown";
    List<Path> files = Files.readAllLines(maps).stream()
        .map(line -> line.substring(line.lastIndexOf(' ') + 1))
        .filter(file -> file.contains("libopenblas"))
        .distinct()
        .map(Path::of)
        .toList();
    Set<Object> inodes = new HashSet<>();
    for (Path file : files) inodes.add(Files.getAttribute(file, "unix:ino"));
    return files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(", "))
        + " (" + inodes.size() + (inodes.size() == 1 ? " file)" : " distinct files)");
  }

  private static String loadAverage() throws IOException {
    Path proc = Path.of("/proc/loadavg");
    if (!Files.exists(proc)) return "unknown";
    String[] fields = Files.readString(proc).trim().split("\\s+");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }
}
