package dev.xfer.transfer.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.data.GrayImageData;
import dev.xfer.data.GrayImages;
import dev.xfer.data.ImageShift;
import dev.xfer.data.LabeledBatch;
import dev.xfer.data.stream.RecentLabels;
import dev.xfer.data.stream.ShiftedStream;
import dev.xfer.data.stream.WindowStream;
import dev.xfer.kernels.Normalization;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.Numerics;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.transfer.SupervisedTraining;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drift adaptation with a labelled buffer: the buffer is the newest images, and fine-tuning starts only after detection. */
class DriftFineTuneTest {
  private static final List<String> CLASSES = List.of("a", "b", "c");
  @TempDir Path dir;

  private static GrayImages random(int n, long seed) {
    Random rng = new Random(seed);
    byte[] px = new byte[n * 28 * 28]; // dark images, so that inverting them shifts the distribution
    for (int i = 0; i < px.length; i++) px[i] = (byte) rng.nextInt(60);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % CLASSES.size();
    return new GrayImages(28, 28, px, y);
  }

  @Test
  void theBufferHoldsTheNewestExamplesInAShuffledOrder() {
    GrayImageData data = new GrayImageData(CLASSES, random(10, 1), 71, Normalization.KERAS_XCEPTION, 1);
    RecentLabels buffer = new RecentLabels(data, 4, 3, 3);
    assertEquals(4, buffer.size());
    int[] order = buffer.order(0);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(new int[] {0, 1, 2, 3}, sorted, "a permutation of the buffer");
    assertNotEquals(Arrays.toString(order), Arrays.toString(buffer.order(1)), "reshuffled per epoch (these seeds differ)");
    try (PointerScope scope = new PointerScope()) {
      LabeledBatch mine = buffer.batch(new int[] {0, 3});
      LabeledBatch theirs = data.batch(new int[] {6, 9}); // the last four of ten are 6..9
      assertArrayEquals(Tensors.toFloatArray(theirs.inputs()), Tensors.toFloatArray(mine.inputs()));
      assertEquals(theirs.labels().get(1).item_long(), mine.labels().get(1).item_long());
    }
    assertEquals(10, new RecentLabels(data, 50, 4, 1).size(), "never more than the data holds");
  }

  @Test
  void fineTuningChangesTheAdaptedModelOnlyAfterDetection() throws Exception {
    torch.manual_seed(5);
    Path file = dir.resolve("m.safetensors");
    ModelFile.save(file, new Xception(new XceptionConfig(0.03, 0, CLASSES.size(), Numerics.KERAS)), Preprocessing.keras(71), CLASSES);
    LoadedModel weights = ModelLoader.load(file, ModelLoader.Format.AUTO, null, null);
    ShiftedStream.Ramp ramp = new ShiftedStream.Ramp(6, 12, 2, 2);
    WindowStream stream = new ShiftedStream(random(72, 2), random(24, 3), ImageShift.parse("invert:1"), ramp, CLASSES, 71,
        Normalization.KERAS_XCEPTION, 1);
    DriftDetector.Rule rule = DriftDetector.Rule.DEFAULT;
    DriftExperiment.Result adaBn = DriftExperiment.run(weights, stream, new DriftExperiment.Settings(2, rule, 12), 1);
    DriftExperiment.Result tuned = DriftExperiment.run(weights, stream, new DriftExperiment.Settings(2, rule, 12,
        new DriftExperiment.FineTune(8, new SupervisedTraining(2, 4, 0.01))), 1);
    assertTrue(adaBn.firedAt() >= 0 && adaBn.firedAt() < 5, "inverting every pixel is detected: " + adaBn.firedAt());
    assertEquals(adaBn.firedAt(), tuned.firedAt(), "the detector watches the frozen model only");
    for (int w = 0; w < ramp.windows(); w++) {
      DriftExperiment.Window a = adaBn.windows().get(w);
      DriftExperiment.Window t = tuned.windows().get(w);
      assertEquals(a.frozenConfidence(), t.frozenConfidence(), 0.0, "frozen model, window " + w);
      if (w <= tuned.firedAt()) {
        assertEquals(a.adaptedConfidence(), t.adaptedConfidence(), 0.0, "no adaptation yet at window " + w);
      } else {
        assertNotEquals(a.adaptedConfidence(), t.adaptedConfidence(), "fine-tuned weights at window " + w);
      }
    }
  }

  @Test
  void anUnlabelledStreamCannotBeFineTunedOn() {
    WindowStream unlabelled = new WindowStream() {
      public int size() { return 1; }
      public String name(int w) { return "w" + w; }
      public double strength(int w) { return Double.NaN; }
      public int windowSize() { return 2; }
      public boolean labelled() { return false; }
      public dev.xfer.data.Dataset reference() { throw new AssertionError("not reached"); }
      public dev.xfer.data.Dataset window(int w) { throw new AssertionError("not reached"); }
      public dev.xfer.data.Dataset recent(int from, int to) { throw new AssertionError("not reached"); }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DriftExperiment.run(null, unlabelled,
        new DriftExperiment.Settings(1, DriftDetector.Rule.DEFAULT, 4, new DriftExperiment.FineTune(4, new SupervisedTraining(1, 4, 0.001))), 1));
    assertTrue(e.getMessage().contains("--finetune-labels"), e.getMessage());
  }
}
