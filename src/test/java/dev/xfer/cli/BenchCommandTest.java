package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.util.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code xfer bench}'s opt-in rows (more head class counts, training steps) and its refusals of bad values. */
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void headClassesAndTrainStepsAddOneRowEachToTheJson() throws Exception {
    Path json = dir.resolve("bench.json");
    CliRun r = CliRun.run("bench", "--kernels-only", "--quick", "--head-classes", "3,7",
        "--train-steps", "compact-71-b2", "--json", json.toString());
    assertEquals(0, r.code(), r.output());

    Map<String, Object> doc = Json.parseObject(json);
    List<?> kernels = (List<?>) doc.get("kernels");
    List<String> shapes = kernels.stream().map(k -> (String) ((Map<?, ?>) k).get("shape")).toList();
    assertTrue(shapes.stream().anyMatch(s -> s.endsWith("K=3")), shapes.toString());
    assertTrue(shapes.stream().anyMatch(s -> s.endsWith("K=7")), shapes.toString());
    assertFalse(shapes.stream().anyMatch(s -> s.endsWith("K=5")), "only the class counts asked for: " + shapes);

    List<?> throughput = (List<?>) doc.get("throughput");
    List<String> configs = throughput.stream().map(t -> (String) ((Map<?, ?>) t).get("config")).toList();
    // --kernels-only drops the standard rows, not the asked-for steps: 2 layouts x 2 precisions
    assertEquals(List.of("compact-71-b2 nchw fp32", "compact-71-b2 nchw bf16", "compact-71-b2 cl fp32",
        "compact-71-b2 cl bf16"), configs);
    for (Object row : throughput) {
      Map<?, ?> t = (Map<?, ?>) row;
      double ms = ((Number) t.get("ms_per_batch")).doubleValue();
      double perSecond = ((Number) t.get("images_per_s")).doubleValue();
      assertEquals(2 * 1000.0 / ms, perSecond, 1e-6 * perSecond, "images/s = batch / seconds per batch");
    }
  }

  @Test
  void badValuesAreNamedBeforeAnythingRuns() {
    CliRun net = CliRun.run("bench", "--train-steps", "full-x-b8");
    assertEquals(1, net.code());
    assertTrue(net.output().contains("--train-steps") && net.output().contains("full-x-b8"), net.output());
    assertFalse(net.output().contains("head forward"), "refused before the kernel rows: " + net.output());

    CliRun classes = CliRun.run("bench", "--kernels-only", "--head-classes", "5,0");
    assertEquals(1, classes.code());
    assertTrue(classes.output().contains("--head-classes") && classes.output().contains("found 0"), classes.output());
  }
}
