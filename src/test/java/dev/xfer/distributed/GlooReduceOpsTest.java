package dev.xfer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gloo's all-reduce through the presets, two worker JVMs on loopback ({@link GlooReduceOpsWorker}): the result is
 * written in place, the default op is SUM, and AVG, which LibTorch 2.13's Gloo backend accepts, gives the mean.
 */
class GlooReduceOpsTest {
  @TempDir
  Path dir;

  @Test
  void allReduceSumsInPlaceByDefaultAndAveragesWithAvg() throws Exception {
    new WorkerLauncher(2, WorkerLauncher.freePort(), 60_000, dir)
        .run(GlooReduceOpsWorker.class.getName(), List.of(dir.toString()));
    for (int rank = 0; rank < 2; rank++) {
      // rank r contributes r + 1 to every element: the sum over ranks 0 and 1 is 3, the mean 1.5
      assertEquals(List.of("[3.0, 3.0, 3.0, 3.0]", "[1.5, 1.5, 1.5, 1.5]"),
          Files.readAllLines(dir.resolve("rank" + rank + ".txt")), "rank " + rank);
    }
  }
}
