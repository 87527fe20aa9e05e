package dev.xfer.cli;

import dev.xfer.bench.BenchResult;
import dev.xfer.bench.KernelBenchmarks;
import dev.xfer.bench.Stopwatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import dev.xfer.util.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xfer bench}: xfer's native kernels against the LibTorch op chains they replace. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Time xfer's fused CPU kernels against the LibTorch op chains a user would otherwise run, in one process on the same inputs: preprocessing (32 JPEG-sized 500x375 uint8 images -> 224x224 float, Keras scaling) and the classifier head (32x2048x7x7 features -> softmax over 5 classes). Reports median milliseconds and the speed-up; numbers are only comparable on one machine.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--threads", defaultValue = "1",
      description = "LibTorch intra-op threads for both sides (default: ${DEFAULT-VALUE}; the kernels are single-threaded).")
  int threads;

  @Option(names = "--repeats", defaultValue = "15", description = "Timed runs per measurement; the median is reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--quick", description = "Fewer repeats (5), for a smoke run.")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results and the machine description as JSON.")
  Path json;

  @Override
  public Integer call() throws IOException {
    if (threads < 1) throw new IllegalArgumentException("--threads: expected at least 1, found " + threads);
    torch.set_num_threads(threads);
    Stopwatch stopwatch = new Stopwatch(quick ? 1 : 3, quick ? 5 : repeats);
    Map<String, String> machine = InfoCommand.collect();
    machine.put("cpu", cpuModel());
    System.out.println("machine: " + machine.get("cpu") + "; " + machine.get("os") + "; LibTorch " + Versions.libTorch()
        + "; " + threads + " thread(s)");
    System.out.printf("%-14s %-36s %10s %12s %8s  %s%n", "benchmark", "shape", "xfer ms", "baseline ms", "speedup", "baseline");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (BenchResult r : new KernelBenchmarks(stopwatch).runAll()) {
      System.out.printf("%-14s %-36s %10.2f %12.2f %7.2fx  %s%n",
          r.name(), r.shape(), r.xferMillis(), r.baselineMillis(), r.speedup(), r.baseline());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", r.name());
      row.put("shape", r.shape());
      row.put("xfer_ms", r.xferMillis());
      row.put("baseline_ms", r.baselineMillis());
      row.put("speedup", r.speedup());
      row.put("baseline", r.baseline());
      rows.add(row);
    }
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("machine", machine);
      doc.put("threads", threads);
      doc.put("results", rows);
      Files.writeString(json, Json.object(doc) + "\n");
      System.out.println("wrote " + json);
    }
    return 0;
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or unreadable: fall through
    }
    return System.getProperty("os.arch");
  }
}
