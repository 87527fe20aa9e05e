package dev.xfer.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON document {@code xfer bench --json} writes: the machine, the settings, the kernel
 * comparisons and the throughput rows, with the formulas behind GFLOP/s and GB/s spelled out so a
 * reader (or {@code benchmarks/compare/quick_compare.py}) needs nothing else.
 */
public final class BenchReport {
  /** How FLOPs and bytes are counted (see {@link SeparableShape}). */
  public static final Map<String, String> FORMULAS = Map.of(
      "separable_flops_per_image", "fwd 2*9*C*P + 2*C*C'*P; fwd+bwd 3x fwd (C in, C' out channels, P = H*W)",
      "separable_bytes_per_image", "fwd e*((3C + C')*P + W/B); fwd+bwd e*((8C + 2C')*P + 3W/B); W = 9C + C*C' weights,"
          + " B batch, e = 4 bytes (float32); compulsory traffic, a lower bound",
      "images_per_s", "batch / median seconds per operation");

  private BenchReport() {}

  /**
   * @param machine CPU model, cores, threads, LibTorch version, device and the like
   * @param settings how it was run (quick, warm-up, repeats)
   */
  public static Map<String, Object> document(Map<String, ?> machine, Map<String, ?> settings, List<BenchResult> kernels,
      List<Throughput> throughput) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    doc.put("machine", machine);
    doc.put("settings", settings);
    List<Map<String, Object>> k = new ArrayList<>();
    for (BenchResult r : kernels) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", r.name());
      row.put("shape", r.shape());
      row.put("xfer_ms", r.xferMillis());
      row.put("baseline_ms", r.baselineMillis());
      row.put("speedup", r.speedup());
      row.put("baseline", r.baseline());
      k.add(row);
    }
    doc.put("kernels", k);
    List<Map<String, Object>> t = new ArrayList<>();
    for (Throughput r : throughput) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", r.name());
      row.put("config", r.config());
      row.put("batch", r.batch());
      row.put("ms_per_batch", r.millisPerBatch());
      row.put("images_per_s", r.imagesPerSecond());
      row.put("flop_per_image", r.flopsPerImage());
      row.put("gflop_per_s", r.gflopsPerSecond());
      row.put("bytes_per_image", r.bytesPerImage());
      row.put("gb_per_s", r.gigabytesPerSecond());
      t.add(row);
    }
    doc.put("throughput", t);
    doc.put("formulas", new TreeMap<>(FORMULAS));
    return doc;
  }
}
