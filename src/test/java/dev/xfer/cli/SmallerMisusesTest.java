package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.distributed.LauncherWatch;
import dev.xfer.model.io.SafeTensors;
import dev.xfer.model.io.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overlapping split specs, model metadata that disagrees with its tensors, and workers whose launcher died. */
class SmallerMisusesTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  @TempDir Path dir;

  @Test
  void overlappingSplitsAreRefusedWithTheSharedCount() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 8); // 24 images
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path run = dir.resolve("run");
    CliRun r = CliRun.run("train", "--data", data.toString(), "--weights", weights.toString(), "--out", run.toString(),
        "--device", "cpu", "--train-split", "train[0%:100%]");
    assertEquals(1, r.code(), r.output());
    // valid train[10%:25%] of 24 is [rint(2.4), rint(6)) = [2, 6): 4 images inside train[0%:100%]
    assertTrue(r.output().contains("train: error: --train-split train[0%:100%] and --valid-split train[10%:25%] share 4 of"
        + " the 24 images; the splits must not overlap"), r.output());
    assertFalse(Files.exists(run), "nothing left behind");

    CliRun r2 = CliRun.run("train", "--data", data.toString(), "--weights", weights.toString(), "--out", run.toString(),
        "--device", "cpu", "--valid-split", "train[:3]", "--test-split", "train[2:4]", "--train-split", "train[4:]");
    assertEquals(1, r2.code(), r2.output());
    assertTrue(r2.output().contains("--valid-split train[:3] and --test-split train[2:4] share 1 of the 24 images"), r2.output());
  }

  @Test
  void classNamesThatDisagreeWithTheClassifierAreAnError() throws Exception {
    Path good = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    SafeTensorsFile f = SafeTensors.read(good);
    Map<String, String> meta = new LinkedHashMap<>(f.metadata());
    meta.put("xfer.class_names", "[\"a\",\"b\",\"c\",\"d\",\"e\"]");
    Path bad = dir.resolve("five-names.safetensors");
    SafeTensors.write(bad, f.tensors(), meta);
    Path img = ColourFolder.write(dir.resolve("data"), CLASSES, 1).resolve("red/img0.png");
    CliRun r = CliRun.run("predict", "--model", bad.toString(), img.toString());
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().contains("predict: error: five-names.safetensors: the metadata lists 5 class names"
        + " (xfer.class_names) but the classifier 'fc.bias' has 3 outputs"), r.output());
  }

  @Test
  void theWatchFiresOnceTheWatchedProcessIsGone() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    CountDownLatch fired = new CountDownLatch(1);
    LauncherWatch.start(sleeper.pid(), fired::countDown);
    assertFalse(fired.await(1200, TimeUnit.MILLISECONDS), "not while it runs");
    sleeper.destroyForcibly().waitFor();
    assertTrue(fired.await(5, TimeUnit.SECONDS), "fires after the process ended");
  }

  @Test
  void workersStopWhenTheirLauncherIsKilled() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 8);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path run = dir.resolve("run");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), XferCommand.class.getName(), "train", "--data", data.toString(),
        "--weights", weights.toString(), "--out", run.toString(), "--device", "cpu", "--batch-size", "4",
        "--head-epochs", "50", "--finetune-epochs", "50", "--nproc", "2", "--no-feature-cache"));
    Process launcher = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("launcher.log").toFile())
        .start();
    List<ProcessHandle> workers = List.of();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline && launcher.isAlive() && !Files.exists(run.resolve("history.json"))) {
        Thread.sleep(100);
      }
      assertTrue(launcher.isAlive() && Files.exists(run.resolve("history.json")), "training is under way: "
          + Files.readString(dir.resolve("launcher.log")));
      workers = launcher.descendants().toList();
      assertEquals(2, workers.size(), workers.toString());
      launcher.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs in the launcher
      for (ProcessHandle w : workers) {
        assertTrue(w.onExit().get(20, TimeUnit.SECONDS) != null && !w.isAlive(), "worker " + w.pid() + " stopped");
      }
    } finally {
      launcher.destroyForcibly();
      workers.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
