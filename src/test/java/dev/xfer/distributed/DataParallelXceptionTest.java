package dev.xfer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipe on a compact Xception, 2 Gloo ranks on loopback with batch 8 each against the oracle: one process with
 * batch 16, same initial weights, same steps, same data order. Compared: every parameter and running statistic,
 * and the epoch's training loss, validation loss and accuracy.
 */
class DataParallelXceptionTest {
  static final double TOLERANCE = 1e-5;

  @TempDir
  static Path dir;

  @BeforeAll
  static void train() throws Exception {
    new WorkerLauncher(2, WorkerLauncher.freePort(), 300_000, dir)
        .run(XceptionTrainingWorker.class.getName(), List.of(dir.toString(), "8"));
    XceptionTrainingWorker.run(dir, 16, null, "single");
  }

  @Test
  void phase1FrozenBackboneMatchesOneProcessWithTheCombinedBatch() throws Exception {
    assertMatchesOracle("phase1", "phase1");
  }

  @Test
  void phase1WithShardedFeatureCacheMatchesOneProcess() throws Exception {
    assertMatchesOracle("phase1-cached", "phase1-cached");
  }

  @Test
  void phase2WithSynchronisedBatchNormMatchesOneProcess() throws Exception {
    assertMatchesOracle("phase2-sync", "phase2-sync");
  }

  /** The control: per-rank BatchNorm statistics of 8 examples are not those of 16, so phase 2 must differ. */
  @Test
  void phase2WithPerRankBatchNormDiffersFromOneProcess() throws Exception {
    for (int rank = 0; rank < 2; rank++) {
      double d = maxDifference(read("phase2-local-rank" + rank), read("phase2-sync-single"), false);
      System.out.printf("phase2-local rank %d: max |difference| to 1 process %.3g (expected > 1e-4)%n", rank, d);
      assertTrue(d > 1e-4, "per-rank BatchNorm should not reproduce the combined batch, max difference " + d);
    }
  }

  private static void assertMatchesOracle(String variant, String oracleVariant) throws Exception {
    Map<String, double[]> oracle = read(oracleVariant + "-single");
    for (int rank = 0; rank < 2; rank++) {
      Map<String, double[]> ranked = read(variant + "-rank" + rank);
      double d = maxDifference(ranked, oracle, true);
      System.out.printf("%s rank %d: max |difference| to 1 process, weights and running statistics: %.3g (%s);"
          + " history (train loss, val loss, val acc) %s vs %s%n", variant, rank, d, worst(ranked, oracle),
          java.util.Arrays.toString(ranked.get("history")), java.util.Arrays.toString(oracle.get("history")));
      assertTrue(d <= TOLERANCE, variant + " rank " + rank + ": max difference " + d + " > " + TOLERANCE);
      double[] h = ranked.get("history");
      double[] o = oracle.get("history");
      assertEquals(o.length, h.length);
      for (int i = 0; i < h.length; i++) assertEquals(o[i], h[i], TOLERANCE, variant + " history value " + i);
    }
  }

  /** Max |a - b| over every tensor; {@code strict} also requires the same names and sizes. */
  static double maxDifference(Map<String, double[]> a, Map<String, double[]> b, boolean strict) {
    if (strict) assertEquals(b.keySet(), a.keySet());
    double max = 0;
    for (Map.Entry<String, double[]> e : a.entrySet()) {
      if (e.getKey().equals("history")) continue;
      double[] x = e.getValue();
      double[] y = b.get(e.getKey());
      assertEquals(y.length, x.length, e.getKey());
      for (int i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    return max;
  }

  /** The tensor with the largest difference, with its largest |value| (for scale). */
  static String worst(Map<String, double[]> a, Map<String, double[]> b) {
    String name = "";
    double max = -1;
    for (Map.Entry<String, double[]> e : a.entrySet()) {
      if (e.getKey().equals("history")) continue;
      double d = maxDifference(Map.of(e.getKey(), e.getValue()), Map.of(e.getKey(), b.get(e.getKey())), false);
      if (d > max) {
        max = d;
        name = e.getKey();
      }
    }
    double scale = 0;
    for (double v : b.get(name)) scale = Math.max(scale, Math.abs(v));
    return "largest in " + name + ", whose values reach " + String.format(java.util.Locale.ROOT, "%.3g", scale);
  }

  private static Map<String, double[]> read(String name) throws Exception {
    return XceptionTrainingWorker.read(dir.resolve(name));
  }
}
