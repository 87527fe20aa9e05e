package dev.xfer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two Gloo ranks on loopback against one process with the combined batch (the oracle). */
class DataParallelTest {
  @TempDir
  Path dir;

  @Test
  void twoRanksWithBatch8MatchOneProcessWithBatch16() throws Exception {
    int steps = 4; // 4 steps of 16 = one full epoch of 64
    new WorkerLauncher(2, WorkerLauncher.freePort(), 60_000, dir)
        .run(TinyTrainingWorker.class.getName(), List.of(dir.toString(), "8", Integer.toString(steps)));
    float[] single = TinyTrainingWorker.train(null, 0, 1, 16, steps, -1);
    for (int rank = 0; rank < 2; rank++) {
      List<String> lines = Files.readAllLines(dir.resolve("rank" + rank + ".txt"));
      assertEquals(single.length, lines.size());
      for (int i = 0; i < single.length; i++) {
        assertEquals(single[i], Float.parseFloat(lines.get(i)), 1e-5, "rank " + rank + " value " + i);
      }
    }
  }

  @Test
  void killedWorkerEndsTheJobNamingTheRank() throws Exception {
    long start = System.nanoTime();
    DistributedException e = assertThrows(DistributedException.class, () ->
        new WorkerLauncher(2, WorkerLauncher.freePort(), 60_000, dir)
            .run(TinyTrainingWorker.class.getName(), List.of(dir.toString(), "8", "4", "2")));
    assertTrue(e.getMessage().contains("rank 1"), e.getMessage());
    assertTrue(System.nanoTime() - start < 60_000_000_000L);
  }
}
