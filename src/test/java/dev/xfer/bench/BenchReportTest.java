package dev.xfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.util.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON xfer bench writes parses back with the fields benchmarks/compare/quick_compare.py reads. */
class BenchReportTest {
  @Test
  @SuppressWarnings("unchecked")
  void documentHasMachineKernelsAndThroughputWithDerivedRates() {
    SeparableShape s = SeparableShape.parse("728@14");
    Throughput sep = new Throughput("separable conv fwd+bwd", "728@14", 8, 100.0, s.forwardBackwardFlopsPerImage(),
        s.forwardBackwardBytesPerImage(8, 4));
    Throughput step = new Throughput("train step", "compact-96-b8", 8, 200.0, Double.NaN, Double.NaN);
    BenchResult head = new BenchResult("head forward", "(32, 2048, 7, 7) -> K=5", 0.5, 1.0, "mean+linear+softmax");
    Map<String, Object> machine = Map.of("cpu", "Test CPU", "cores", 2, "threads", 1, "libtorch", "2.10.0-1.5.13",
        "device", "cpu");

    String json = Json.object(BenchReport.document(machine, Map.of("quick", true), List.of(head), List.of(sep, step)));
    Map<String, Object> doc = (Map<String, Object>) Json.parse(json);

    Map<String, Object> m = (Map<String, Object>) doc.get("machine");
    for (String key : List.of("cpu", "cores", "threads", "libtorch", "device")) assertTrue(m.containsKey(key), key);
    Map<String, Object> k = ((List<Map<String, Object>>) doc.get("kernels")).get(0);
    assertEquals(2.0, ((Number) k.get("speedup")).doubleValue(), 1e-12);
    List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("throughput");
    Map<String, Object> r = rows.get(0);
    assertEquals("728@14", r.get("config"));
    // 8 images in 100 ms = 80 images/s; 80 x 630,966,336 FLOP = 50.48 GFLOP/s; 80 x 6,512,324 B = 0.521 GB/s
    assertEquals(80.0, ((Number) r.get("images_per_s")).doubleValue(), 1e-9);
    assertEquals(50.47730688, ((Number) r.get("gflop_per_s")).doubleValue(), 1e-9);
    assertEquals(0.52098592, ((Number) r.get("gb_per_s")).doubleValue(), 1e-9);
    assertEquals(40.0, ((Number) rows.get(1).get("images_per_s")).doubleValue(), 1e-9);
    assertNull(rows.get(1).get("gflop_per_s"), "no FLOP count for the train step: null, not NaN");
    assertTrue(((Map<String, Object>) doc.get("formulas")).containsKey("separable_bytes_per_image"));
    assertTrue(doc.containsKey("date"));
  }
}
