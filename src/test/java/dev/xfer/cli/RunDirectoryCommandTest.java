package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.util.Json;
import dev.xfer.train.RunDirectoryLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** xfer train owns its run directory: one run at a time, never inside the data, nothing left by a failed start. */
class RunDirectoryCommandTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  @TempDir Path dir;

  private static List<String> trainArgs(Path data, Path weights, Path out, String seed) {
    return List.of("train", "--data", data.toString(), "--weights", weights.toString(), "--out", out.toString(),
        "--seed", seed, "--device", "cpu", "--batch-size", "4", "--threads", "1");
  }

  private static List<String> listing(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aSecondRunIntoTheSameDirectoryFailsAtOnceNamingTheFirst() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 8);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path out = dir.resolve("run");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), XferCommand.class.getName()));
    command.addAll(trainArgs(data, weights, out, "1"));
    command.addAll(List.of("--head-epochs", "2", "--finetune-epochs", "1"));
    Process first = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("first.log").toFile()).start();
    try {
      Path lock = out.resolve(RunDirectoryLock.FILE_NAME);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(lock) && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
      assertTrue(Files.exists(lock) && first.isAlive(), "the first run holds the lock: " + Files.readString(dir.resolve("first.log")));

      long start = System.nanoTime();
      List<String> second = new ArrayList<>(trainArgs(data, weights, out, "2"));
      second.addAll(List.of("--head-epochs", "1", "--finetune-epochs", "0"));
      CliRun refused = CliRun.run(second.toArray(String[]::new));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(1, refused.code(), refused.output());
      assertTrue(refused.output().contains("train: error: --out: " + out + " is in use by another xfer run, pid "
          + first.pid() + " on host "), refused.output());
      assertTrue(seconds < 10, "refused at once, not after loading: " + seconds + " s");

      assertTrue(first.waitFor(300, TimeUnit.SECONDS), "first run ends");
      assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.log")));
    } finally {
      first.destroyForcibly();
    }
    Map<?, ?> config = (Map<?, ?>) Json.parse(Files.readString(out.resolve("config.json")));
    assertEquals(1L, ((Number) config.get("seed")).longValue(), "the record is the first run's");
    assertFalse(Files.exists(out.resolve(RunDirectoryLock.FILE_NAME)), "lock released at the end");
  }

  @Test
  void aRunDirectoryInsideTheDataIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 2);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    List<String> before = listing(data);
    for (Path out : List.of(data.resolve("run"), data, data.resolve("red/sub/run"), dir.resolve("data/../data/run2"))) {
      CliRun r = CliRun.run(trainArgs(data, weights, out, "1").toArray(String[]::new));
      assertEquals(1, r.code(), r.output());
      assertTrue(r.output().contains("train: error: --out: " + out + " is inside the data folder " + data), r.output());
      assertEquals(before, listing(data), "nothing created in the data folder");
    }
    Path link = Files.createSymbolicLink(dir.resolve("alias"), data); // the same folder under another name
    CliRun r = CliRun.run(trainArgs(link, weights, data.resolve("run"), "1").toArray(String[]::new));
    assertTrue(r.code() == 1 && r.output().contains("is inside the data folder"), r.output());
    assertEquals(0, CliRun.run("verify-data", "--data", data.toString()).code(), "the data folder is still a data set");
  }

  @Test
  void aFailedStartRemovesWhatItCreated() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 2);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path out = dir.resolve("runs/new");
    // fails after config.json is written: no images in the training split
    List<String> args = new ArrayList<>(trainArgs(data, weights, out, "1"));
    args.addAll(List.of("--train-split", "train[25%:25%]"));
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().contains("split train[25%:25%]: no images"), r.output());
    assertFalse(Files.exists(out), "the run directory it created is gone: " + (Files.exists(out) ? listing(out) : ""));

    Path existing = Files.createDirectories(dir.resolve("mine"));
    CliRun again = CliRun.run(trainArgs(data, dir.resolve("missing.safetensors"), existing, "1").toArray(String[]::new));
    assertEquals(1, again.code(), again.output());
    assertEquals(List.of(""), listing(existing), "a directory the user made stays, empty (no lock, no config.json)");
  }
}
