package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.selfcheck.SelfCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fast path that fails the host self-check is not used: with one convolution shape corrupted on
 * the channels-last path, {@code xfer train} says so in one line, runs NCHW, records it, and writes
 * the very model an explicit {@code --no-channels-last} run writes.
 */
class SelfCheckFallbackTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  @TempDir Path dir;

  @AfterEach
  void clearHooks() {
    System.clearProperty(SelfCheck.FAULT_PROPERTY);
    System.clearProperty("xfer.cacheDir");
  }

  @Test
  void aCorruptedShapeMakesTrainFallBackToNchwWithTheNchwResult() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 10);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    System.setProperty("xfer.cacheDir", dir.resolve("cache").toString());
    String[] common = {"train", "--data", data.toString(), "--weights", weights.toString(), "--image-size", "71",
        "--batch-size", "4", "--head-epochs", "1", "--finetune-epochs", "1", "--seed", "5"};

    System.setProperty(SelfCheck.FAULT_PROPERTY, "1x1/2");
    CliRun faulty = CliRun.run(concat(common, "--out", dir.resolve("faulty").toString()));
    System.clearProperty(SelfCheck.FAULT_PROPERTY);
    CliRun nchw = CliRun.run(concat(common, "--out", dir.resolve("nchw").toString(), "--no-channels-last"));

    assertEquals(0, faulty.code(), faulty.output());
    assertEquals(0, nchw.code(), nchw.output());
    List<String> fallback = faulty.output().lines().filter(l -> l.startsWith("self-check:")).toList();
    assertEquals(1, fallback.size(), faulty.output());
    assertTrue(fallback.get(0).contains("is wrong on this CPU for conv") && fallback.get(0).contains("1x1/2")
        && fallback.get(0).endsWith("running NCHW instead"), fallback.get(0));
    assertTrue(faulty.output().contains("layout: NCHW (channels-last failed the self-check on this CPU)"), faulty.output());
    assertTrue(Files.readString(dir.resolve("faulty/config.json")).contains("\"channels_last\": false"), "config.json records NCHW");
    assertArrayEquals(Files.readAllBytes(dir.resolve("nchw/model.safetensors")), Files.readAllBytes(dir.resolve("faulty/model.safetensors")),
        "the fallback run is the NCHW run");
  }

  @Test
  void noSelfCheckSaysTheFastPathRunsUnchecked() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 4);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    System.setProperty(SelfCheck.FAULT_PROPERTY, "1x1/2"); // ignored: nothing is checked
    CliRun r = CliRun.run("train", "--data", data.toString(), "--weights", weights.toString(), "--image-size", "71",
        "--batch-size", "4", "--head-epochs", "1", "--finetune-epochs", "0", "--no-self-check", "--out", dir.resolve("run").toString());
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("self-check: off (--no-self-check): channels-last float32 runs unchecked"), r.output());
    assertTrue(r.output().contains("layout: channels-last"), r.output());
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
