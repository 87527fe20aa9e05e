package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --resume refuses other settings, naming each; --resume-with-changes allows learning rates and epochs and records them. */
class ResumeCheckCommandTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  @TempDir Path dir;

  private static String[] args(Path data, Path weights, Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--weights", weights.toString(), "--out",
        out.toString(), "--device", "cpu", "--batch-size", "4", "--threads", "1", "--head-epochs", "1",
        "--finetune-decay", "0"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void otherSettingsAreRefusedNamingEachAndNothingIsRewritten() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 8);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path run = dir.resolve("run");
    CliRun first = CliRun.run(args(data, weights, run, "--seed", "1", "--image-size", "71", "--finetune-epochs", "1"));
    assertEquals(0, first.code(), first.output());
    byte[] config = Files.readAllBytes(run.resolve("config.json"));
    byte[] model = Files.readAllBytes(run.resolve("model.safetensors"));

    CliRun changed = CliRun.run(args(data, weights, run, "--resume", "--seed", "2", "--image-size", "80",
        "--finetune-lr", "0.02", "--finetune-epochs", "2"));
    assertEquals(1, changed.code(), changed.output());
    assertTrue(changed.output().contains("train: error: --resume: " + run + " was started with other settings: --image-size 71"
        + " (now 80), --seed 1 (now 2), --finetune-epochs 1 (now 2), --finetune-lr 0.01 (now 0.02); resume with the same"
        + " options (--resume-with-changes allows new learning rates and epoch counts)"), changed.output());
    assertArrayEquals(config, Files.readAllBytes(run.resolve("config.json")), "config.json untouched");
    assertArrayEquals(model, Files.readAllBytes(run.resolve("model.safetensors")), "model untouched");

    Path extra = data.resolve("red/img0.png");
    Files.copy(extra, data.resolve("red/extra.png"));
    CliRun moreData = CliRun.run(args(data, weights, run, "--resume", "--seed", "1", "--finetune-epochs", "1"));
    assertEquals(1, moreData.code(), moreData.output());
    assertTrue(moreData.output().contains("was started with other settings: --data (its image files) "), moreData.output());
    Files.delete(data.resolve("red/extra.png"));

    CliRun seedStill = CliRun.run(args(data, weights, run, "--resume", "--resume-with-changes", "--seed", "2",
        "--finetune-epochs", "2"));
    assertEquals(1, seedStill.code(), seedStill.output());
    assertTrue(seedStill.output().contains("other settings: --seed 1 (now 2); resume with the same options"), seedStill.output());
    assertArrayEquals(config, Files.readAllBytes(run.resolve("config.json")), "config.json still untouched");
  }

  @Test
  void newLearningRatesAndEpochsAreAllowedWhenAskedAndRecorded() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 8);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path run = dir.resolve("run");
    assertEquals(0, CliRun.run(args(data, weights, run, "--finetune-epochs", "1")).code());
    CliRun more = CliRun.run(args(data, weights, run, "--resume", "--resume-with-changes", "--finetune-epochs", "2",
        "--finetune-lr", "0.002"));
    assertEquals(0, more.code(), more.output());
    Map<?, ?> config = (Map<?, ?>) Json.parse(Files.readString(run.resolve("config.json")));
    assertEquals(List.of(Map.of("option", "--finetune-epochs", "from", 1L, "to", 2L),
        Map.of("option", "--finetune-lr", "from", 0.01, "to", 0.002)), config.get("resume_changes"));
    List<?> history = (List<?>) ((Map<?, ?>) Json.parse(Files.readString(run.resolve("history.json")))).get("epochs");
    assertEquals(3, history.size(), "head 1 + finetune 1 + the added finetune epoch");
    Map<?, ?> last = (Map<?, ?>) history.get(2);
    // --finetune-decay 0: Keras' lr / (1 + 0 * step) is the new learning rate itself
    assertEquals(0.002, ((Number) last.get("lr")).doubleValue(), 1e-12, last.toString());
  }
}
