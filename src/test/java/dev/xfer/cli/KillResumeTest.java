package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.util.Json;
import dev.xfer.model.io.SafeTensors;
import dev.xfer.model.io.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL after a checkpoint, in the middle of a later epoch, and continued with --resume ends
 * with the very weights and history figures of the same run done in one go: with one LibTorch thread and with two.
 */
class KillResumeTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  @TempDir Path dir;

  private static Process start(Path data, Path weights, Path out, int threads, Path log, String... extra) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), XferCommand.class.getName(), "train", "--data", data.toString(),
        "--weights", weights.toString(), "--out", out.toString(), "--device", "cpu", "--batch-size", "4",
        "--threads", Integer.toString(threads), "--head-epochs", "1", "--finetune-epochs", "4"));
    command.addAll(List.of(extra));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static int epochsDone(Path run) throws Exception {
    Path history = run.resolve("history.json");
    if (!Files.isRegularFile(history)) return 0;
    try {
      return ((List<?>) ((Map<?, ?>) Json.parse(Files.readString(history))).get("epochs")).size();
    } catch (RuntimeException partial) {
      return 0;
    }
  }

  /** Loss, accuracy, validation loss and accuracy and learning rate of every epoch (not the timings). */
  private static List<Object> figures(Path run) throws Exception {
    List<Object> out = new ArrayList<>();
    for (Object o : (List<?>) ((Map<?, ?>) Json.parse(Files.readString(run.resolve("history.json")))).get("epochs")) {
      Map<?, ?> e = (Map<?, ?>) o;
      out.add(List.of(e.get("phase"), e.get("epoch"), e.get("loss"), e.get("accuracy"), e.get("val_loss"),
          e.get("val_accuracy"), e.get("lr")));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} thread(s)")
  @ValueSource(ints = {1, 2})
  void killedMidEpochAndResumedEqualsARunInOneGo(int threads) throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 8);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path whole = dir.resolve("whole");
    Process straight = start(data, weights, whole, threads, dir.resolve("whole.log"));
    assertTrue(straight.waitFor(600, TimeUnit.SECONDS) && straight.exitValue() == 0, Files.readString(dir.resolve("whole.log")));

    Path split = dir.resolve("split");
    Process first = start(data, weights, split, threads, dir.resolve("first.log"));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (epochsDone(split) < 3 && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
      assertTrue(first.isAlive(), "still training after 3 epochs: " + Files.readString(dir.resolve("first.log")));
      Thread.sleep(150); // into the next epoch
      first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no final write
    } finally {
      first.destroyForcibly();
    }
    Process resumed = start(data, weights, split, threads, dir.resolve("resumed.log"), "--resume");
    assertTrue(resumed.waitFor(600, TimeUnit.SECONDS) && resumed.exitValue() == 0, Files.readString(dir.resolve("resumed.log")));

    assertEquals(figures(whole), figures(split), "history, figure for figure");
    SafeTensorsFile a = SafeTensors.read(whole.resolve("model.safetensors"));
    SafeTensorsFile b = SafeTensors.read(split.resolve("model.safetensors"));
    assertEquals(a.tensors().keySet(), b.tensors().keySet());
    for (String name : a.tensors().keySet()) {
      assertArrayEquals(a.tensors().get(name).values(), b.tensors().get(name).values(), name + ": bit for bit");
    }
  }
}
