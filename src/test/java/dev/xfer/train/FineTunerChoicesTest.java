package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.data.Dataset;
import dev.xfer.data.GeneratedImages;
import dev.xfer.data.LabeledBatch;
import dev.xfer.model.Numerics;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.model.io.TensorData;
import dev.xfer.testing.PointerScopeExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The optional training choices inside FineTuner: resume with AdamW and friends, early stopping, augmentation. */
@ExtendWith(PointerScopeExtension.class)
class FineTunerChoicesTest {
  private static final XceptionConfig TINY = new XceptionConfig(0.125, 1, 3, Numerics.KERAS);
  @TempDir Path dir;
  private final Dataset train = new GeneratedImages(24, 71, 3, 1);
  private final Dataset valid = new GeneratedImages(9, 71, 3, 2);

  private static Xception model(long seed) {
    torch.manual_seed(seed);
    return new Xception(TINY);
  }

  private static FineTuner.Options options(Path runDir) {
    return new FineTuner.Options(8, 1, true, runDir, ProgressPrinter.silent());
  }

  private static void assertSameWeights(Xception a, Xception b) {
    Map<String, TensorData> wa = StateDict.export(a);
    Map<String, TensorData> wb = StateDict.export(b);
    for (String name : wa.keySet()) assertArrayEquals(wa.get(name).values(), wb.get(name).values(), name);
  }

  /** Training data whose epoch {@code failAt} (run-wide index) throws, as if the process died there. */
  private static Dataset failingAt(Dataset data, int failAt) {
    return new Dataset() {
      @Override public List<String> classNames() { return data.classNames(); }
      @Override public int size() { return data.size(); }
      @Override public int[] order(int epoch) { return data.order(epoch); }
      @Override public Iterable<LabeledBatch> batches(int[] order, int batchSize) { return data.batches(order, batchSize); }
      @Override public Iterable<LabeledBatch> epochBatches(int epoch, int batchSize) {
        if (epoch == failAt) throw new IllegalStateException("simulated interrupt");
        return data.epochBatches(epoch, batchSize);
      }
    };
  }

  /**
   * AdamW (moments and step counter), the cosine schedule (its length depends on the phase's epochs,
   * so the interrupted run must have the same phases), label smoothing, a backbone multiplier and
   * early stopping with best weights all survive a resume: the weights end bit-identical. A temporary
   * file of a checkpoint write cut off by Ctrl-C is ignored and removed.
   */
  @Test
  void resumeWithAdamWAndTheOtherChoicesIsBitExact() throws Exception {
    PhaseConfig head = new PhaseConfig("head", 2, 0.01, 0, 0.9, false, "head").withAdamW(0.01)
        .withSchedule(PhaseConfig.Schedule.COSINE).withLabelSmoothing(0.1);
    PhaseConfig finetune = new PhaseConfig("finetune", 3, 0.001, 0, 0.9, false, "block1").withAdamW(0.05)
        .withSchedule(PhaseConfig.Schedule.COSINE).withLabelSmoothing(0.1).withBackboneLrMultiplier(0.1);
    EarlyStopping stopping = new EarlyStopping(10, 0, true);
    List<PhaseConfig> phases = List.of(head, finetune);

    Path whole = Files.createDirectory(dir.resolve("whole"));
    Xception a = model(9);
    List<EpochRecord> ha = new FineTuner(a, phases, options(whole).withEarlyStopping(stopping)).run(train, valid);

    Path split = Files.createDirectory(dir.resolve("split"));
    Xception b1 = model(9);
    assertThrows(IllegalStateException.class, // dies at the start of finetune epoch 2 (run-wide epoch 3)
        () -> new FineTuner(b1, phases, options(split).withEarlyStopping(stopping)).run(failingAt(train, 3), valid));
    assertEquals(1, Checkpoint.read(split).phaseIndex());
    assertEquals(1, Checkpoint.read(split).epochsDone());
    Path leftover = split.resolve("." + Checkpoint.FILE_NAME + ".4711.tmp");
    Files.write(leftover, new byte[] {1, 2, 3}); // a write cut off mid-way
    Xception b2 = model(123); // a fresh process: everything comes from the checkpoint
    List<EpochRecord> hb = new FineTuner(b2, phases, options(split).withEarlyStopping(stopping)).run(train, valid);

    assertFalse(Files.exists(leftover), "the interrupted write's temporary file is removed");
    assertEquals(5, hb.size(), "history continues across the resume");
    assertEquals(ha.get(4).valLoss(), hb.get(4).valLoss(), 0);
    assertSameWeights(a, b2);
  }

  /**
   * Patience 1 with a min delta no loss can beat: epoch 1 improves on +infinity, epoch 2 cannot, so
   * the phase stops after epoch 2 of 5 and restores epoch 1's weights, which must equal a run of
   * just that one epoch. Running the stopped run again continues after the stopped phase.
   */
  @Test
  void earlyStoppingStopsAtTheRuleAndRestoresTheBestEpoch() throws Exception {
    PhaseConfig head = new PhaseConfig("head", 5, 0.2, 0.01, 0.9, false, "head");
    Path run = Files.createDirectory(dir.resolve("stop"));
    Xception stopped = model(7);
    FineTuner.Options opts = options(run).withEarlyStopping(new EarlyStopping(1, 1e30, true));
    List<EpochRecord> h = new FineTuner(stopped, List.of(head), opts).run(train, valid);
    assertEquals(2, h.size(), "stopped after epoch 2");

    Xception oneEpoch = model(7);
    new FineTuner(oneEpoch, List.of(head.withEpochs(1)), options(null)).run(train, valid);
    assertSameWeights(oneEpoch, stopped);

    Xception again = model(55);
    List<EpochRecord> h2 = new FineTuner(again, List.of(head), opts).run(train, valid);
    assertEquals(2, h2.size(), "a phase that stopped early stays stopped on resume");
    assertSameWeights(oneEpoch, again);
  }

  /** Augmented training data switches the feature cache off (with a note); the backbone still stays frozen. */
  @Test
  void augmentationDisablesTheFeatureCache() throws Exception {
    Dataset augmented = new Dataset() {
      @Override public List<String> classNames() { return train.classNames(); }
      @Override public int size() { return train.size(); }
      @Override public int[] order(int epoch) { return train.order(epoch); }
      @Override public Iterable<LabeledBatch> batches(int[] order, int batchSize) { return train.batches(order, batchSize); }
      @Override public boolean augmented() { return true; }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProgressPrinter progress = new ProgressPrinter(new PrintStream(out, true, StandardCharsets.UTF_8), false);
    Xception m = model(5);
    Map<String, TensorData> before = StateDict.export(m);
    new FineTuner(m, List.of(new PhaseConfig("head", 1, 0.2, 0.01, 0.9, false, "head")),
        new FineTuner.Options(8, 1, true, null, progress)).run(augmented, valid);
    String log = out.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("feature cache off"), log);
    assertFalse(log.contains("feature cache on"), log);
    Map<String, TensorData> after = StateDict.export(m);
    for (String name : before.keySet()) {
      if (!name.startsWith("fc.")) assertArrayEquals(before.get(name).values(), after.get(name).values(), name);
    }
  }
}
