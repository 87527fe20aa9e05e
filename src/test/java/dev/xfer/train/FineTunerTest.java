package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.data.Dataset;
import dev.xfer.data.GeneratedImages;
import dev.xfer.model.Numerics;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.model.io.TensorData;
import dev.xfer.testing.PointerScopeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PointerScopeExtension.class)
class FineTunerTest {
  private static final XceptionConfig TINY = new XceptionConfig(0.125, 1, 3, Numerics.KERAS);
  @TempDir Path dir;
  private final Dataset train = new GeneratedImages(24, 71, 3, 1);
  private final Dataset valid = new GeneratedImages(9, 71, 3, 2);

  private static Xception model(long seed) {
    torch.manual_seed(seed);
    return new Xception(TINY);
  }

  private static FineTuner.Options options(Path runDir, boolean cache) {
    return new FineTuner.Options(8, 1, cache, runDir, ProgressPrinter.silent());
  }

  @Test
  void headPhaseLeavesTheBackboneBitIdenticalAndFollowsTheDecay() throws Exception {
    for (boolean cache : new boolean[] {false, true}) {
      Xception m = model(5);
      Map<String, TensorData> before = StateDict.export(m);
      PhaseConfig head = new PhaseConfig("head", 2, 0.2, 0.01, 0.9, false, "head");
      List<EpochRecord> h = new FineTuner(m, List.of(head), options(null, cache)).run(train, valid);
      Map<String, TensorData> after = StateDict.export(m);
      for (String name : before.keySet()) {
        boolean same = java.util.Arrays.equals(before.get(name).values(), after.get(name).values());
        assertEquals(!name.startsWith("fc."), same, name + (cache ? " (cached)" : " (uncached)"));
      }
      // 3 steps per epoch: the lr after epoch e is 0.2 / (1 + 0.01 * 3e)
      assertEquals(0.2 / (1 + 0.01 * 3), h.get(0).learningRate(), 1e-12);
      assertEquals(0.2 / (1 + 0.01 * 6), h.get(1).learningRate(), 1e-12);
    }
  }

  @Test
  void resumeAfterAnEpochEndsAtTheSameWeights() throws Exception {
    PhaseConfig head = new PhaseConfig("head", 2, 0.2, 0.01, 0.9, false, "head");
    PhaseConfig finetune = new PhaseConfig("finetune", 2, 0.01, 0.001, 0.9, false, "stem");

    Path whole = Files.createDirectory(dir.resolve("whole"));
    Xception a = model(9);
    new FineTuner(a, List.of(head, finetune), options(whole, true)).run(train, valid);

    Path split = Files.createDirectory(dir.resolve("split"));
    Xception b1 = model(9);
    new FineTuner(b1, List.of(head, finetune.withEpochs(1)), options(split, true)).run(train, valid); // "interrupted"
    Xception b2 = model(123); // a fresh process: different initial weights, all restored from the checkpoint
    List<EpochRecord> h = new FineTuner(b2, List.of(head, finetune), options(split, true)).run(train, valid);

    assertEquals(4, h.size(), "history continues across the resume");
    Map<String, TensorData> wa = StateDict.export(a);
    Map<String, TensorData> wb = StateDict.export(b2);
    for (String name : wa.keySet()) {
      assertArrayEquals(wa.get(name).values(), wb.get(name).values(), name);
    }
  }

  @Test
  void aHugeLearningRateStopsWithWhereAndKeepsTheLastCheckpoint() throws Exception {
    Path run = Files.createDirectory(dir.resolve("nan"));
    PhaseConfig head = new PhaseConfig("head", 1, 0.2, 0.01, 0.9, false, "head");
    PhaseConfig wild = new PhaseConfig("finetune", 3, 1e12, 0, 0.9, false, "stem");
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> new FineTuner(model(3), List.of(head, wild), options(run, false)).run(train, valid));
    assertTrue(e.getMessage().matches("loss (became (NaN|infinite)|rose to \\S+ \\(the phase started at \\S+; above \\S+ counts as diverged\\)) in phase finetune, epoch \\d+, step \\d+, at learning rate 1\\.00000e\\+12.*"),
        e.getMessage());
    Checkpoint last = Checkpoint.read(run);
    assertEquals(0, last.phaseIndex(), "the checkpoint of the last complete epoch (head phase)");
    assertEquals(1, last.epochsDone());
    StateDict.load(new Xception(TINY), last.model(), "checkpoint"); // loads: usable
    for (TensorData t : last.model().values()) {
      for (float v : t.values()) assertTrue(Float.isFinite(v), "checkpoint holds finite weights");
    }
  }

  @Test
  void aFiniteButExplodingLossStopsThePhaseBeforeItsFirstCheckpoint() throws Exception {
    Path run = Files.createDirectory(dir.resolve("exploding"));
    PhaseConfig head = new PhaseConfig("head", 2, 1e9, 0, 0.9, false, "head");
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> new FineTuner(model(3), List.of(head), options(run, true)).run(train, valid));
    assertTrue(e.getMessage().matches("loss (rose to .*|became (NaN|infinite)) in phase head, epoch 1, step [23], at learning rate 1\\.00000e\\+09.*"),
        e.getMessage());
    assertEquals(null, Checkpoint.read(run), "no epoch completed, so no checkpoint");
  }

  /**
   * Fine-tuning the whole (randomly initialised) network fits the toy task: the training loss falls.
   * (Validation is not asserted: with Keras' BN momentum 0.99, a dozen steps barely move the moving
   * statistics of a randomly initialised network; that is Keras' behaviour too.)
   */
  @Test
  void fineTuningReducesTheTrainingLoss() throws Exception {
    Xception m = model(4);
    List<EpochRecord> h = new FineTuner(m, List.of(new PhaseConfig("finetune", 3, 0.01, 0.001, 0.9, false, "stem")),
        options(null, true)).run(train, valid);
    assertTrue(h.get(2).loss() < 0.8 * h.get(0).loss(), "training loss " + h.get(0).loss() + " -> " + h.get(2).loss());
  }
}
