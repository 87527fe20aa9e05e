package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.data.ClassFolders;
import dev.xfer.data.DataReport;
import dev.xfer.data.GrayImageData;
import dev.xfer.data.GrayImages;
import dev.xfer.data.Sample;
import dev.xfer.data.TargetSetWriter;
import dev.xfer.data.TargetSplit;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.Numerics;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.transfer.Predictions;
import dev.xfer.transfer.SupervisedTraining;
import dev.xfer.transfer.adaptation.BatchNormAdaptation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xfer adapt --target DIR} and {@code xfer drift --stream folders:DIR} on generated PNG folders,
 * with a tiny model trained here on a synthetic source domain (noisy 28x28 images, a bright column per
 * class); the target domain is its photographic negative. The figures the commands report are checked
 * against an independent computation over the same pixels held in memory ({@link GrayImageData}).
 */
class FolderTransferCommandsTest {
  private static final List<String> CLASSES = List.of("tshirt", "trouser", "pullover", "dress", "coat");

  @TempDir static Path dir;
  private static Path model;
  private static final Map<String, byte[]> PIXELS = new HashMap<>();

  /** A noisy 28x28 image of class {@code label}: noise 0..63 plus 180 on column 3 * label (+ 1). */
  private static byte[] image(int label, Random rng, boolean inverted) {
    byte[] px = new byte[784];
    for (int p = 0; p < 784; p++) {
      int v = rng.nextInt(64) + (p % 28 == 3 * label + 1 ? 180 : 0);
      px[p] = (byte) (inverted ? 255 - v : v);
    }
    return px;
  }

  private static GrayImages images(int perClass, long seed, boolean inverted) {
    Random rng = new Random(seed);
    byte[] px = new byte[CLASSES.size() * perClass * 784];
    int[] y = new int[CLASSES.size() * perClass];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % CLASSES.size();
      System.arraycopy(image(y[i], rng, inverted), 0, px, i * 784, 784);
    }
    return new GrayImages(28, 28, px, y);
  }

  /** Writes {@code perClass} images per class as {@code root/<class>/<prefix>-<i>.png} (flat: {@code root/<prefix>-<i>.png}). */
  private static void writeFolder(Path root, String prefix, int perClass, long seed, boolean inverted, boolean flat) throws IOException {
    GrayImages g = images(perClass, seed, inverted);
    for (int i = 0; i < g.count(); i++) {
      Path d = flat ? root : root.resolve(CLASSES.get(g.labels()[i]));
      Files.createDirectories(d);
      Path file = d.resolve(String.format("%s-%03d.png", prefix, i));
      TargetSetWriter.writePng(file, g.image(i), 28, 28);
      PIXELS.put(file.toAbsolutePath().toString(), g.image(i));
    }
  }

  @BeforeAll
  static void trainTinySourceModel() throws Exception {
    torch.manual_seed(1);
    Xception net = new Xception(new XceptionConfig(0.03, 0, CLASSES.size(), Numerics.KERAS));
    Preprocessing pre = Preprocessing.keras(71);
    GrayImageData train = new GrayImageData(CLASSES, images(10, 11, false), 71, pre.normalization(), 1);
    new SupervisedTraining(5, 10, 3e-3).run(net, train);
    // Keras' BN momentum leaves the running statistics near their initial values after a few steps.
    BatchNormAdaptation.reestimate(net, train.inOrder(20));
    double sourceAccuracy = Predictions.of(net, new GrayImageData(CLASSES, images(10, 12, false), 71, pre.normalization(), 1), 50).accuracy();
    assertTrue(sourceAccuracy >= 0.8, "fixture: the tiny source model should learn its domain, test accuracy " + sourceAccuracy);
    model = dir.resolve("source.safetensors");
    ModelFile.save(model, net, pre, CLASSES);
  }

  @Test
  void adaptOnAnInvertedFolderReportsTheFiguresAnIndependentComputationGives() throws Exception {
    Path target = dir.resolve("inverted");
    writeFolder(target, "inv", 12, 21, true, false);
    Path source = dir.resolve("source");
    writeFolder(source, "src", 4, 22, false, false);
    Path report = dir.resolve("adapt.md");
    CliRun r = CliRun.run("adapt", "--model", model.toString(), "--target", target.toString(), "--source", source.toString(), "--labels-per-class", "2",
        "--epochs", "2", "--batch-size", "5", "--seeds", "1,2", "--report", report.toString());
    assertEquals(0, r.code(), r.output());
    String md = Files.readString(report);
    LoadedModel weights = ModelLoader.load(model, ModelLoader.Format.AUTO, null, null);
    List<Sample> samples = ClassFolders.read(target, CLASSES, true, new DataReport());
    GrayImageData sourceTest = inMemory(ClassFolders.read(source, CLASSES, true, new DataReport()), weights);
    for (long seed : new long[] {1, 2}) {
      String f = "([0-9.]+)";
      Matcher m = Pattern.compile("\\| " + seed + " \\| " + String.join(" \\| ", f, f, f, f, f) + " \\|").matcher(md);
      assertTrue(m.find(), "seed " + seed + ": source and target figures:\n" + md);
      // Defaults: half of each class for test (6), K = 2 labelled, the other 4 for AdaBN.
      TargetSplit split = TargetSplit.of(samples, CLASSES, new TargetSplit.Sizes(null, 2, null), 0, seed);
      assertEquals(List.of(30, 10, 20), List.of(split.test().size(), split.labelled().size(), split.unlabelled().size()));
      Xception net = weights.build("oracle");
      GrayImageData test = inMemory(split.test(), weights);
      assertEquals(Predictions.of(net, sourceTest, 50).accuracy(), Double.parseDouble(m.group(1)), 1e-4, "source, seed " + seed);
      assertEquals(Predictions.of(net, test, 50).accuracy(), Double.parseDouble(m.group(2)), 1e-4, "unadapted, seed " + seed);
      BatchNormAdaptation.reestimate(net, inMemory(split.unlabelled(), weights).inOrder(50));
      assertEquals(Predictions.of(net, test, 50).accuracy(), Double.parseDouble(m.group(3)), 1e-4, "AdaBN, seed " + seed);
      assertEquals(Predictions.of(net, sourceTest, 50).accuracy(), Double.parseDouble(m.group(4)), 1e-4, "source after AdaBN, seed " + seed);
      double fineTuned = Double.parseDouble(m.group(5));
      assertTrue(fineTuned >= 0 && fineTuned <= 1, md);
    }
    CliRun noSource = CliRun.run("adapt", "--model", model.toString(), "--target", target.toString(), "--adapt-per-class", "2", "--report", report.toString());
    assertEquals(0, noSource.code(), noSource.output());
    assertTrue(Pattern.compile("\\| 1 \\| - \\| [0-9.]+ \\| [0-9.]+ \\| - \\| - \\|").matcher(Files.readString(report)).find(),
        "without --source and K: only the two target figures:\n" + Files.readString(report));
  }

  @Test
  void adaptNamesTheMissingAndTheExtraClass() throws Exception {
    Path target = dir.resolve("mismatch");
    writeFolder(target, "m", 2, 31, true, false);
    Files.move(target.resolve("coat"), target.resolve("boot"));
    CliRun r = CliRun.run("adapt", "--model", model.toString(), "--target", target.toString());
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().contains("no sub-folder for coat") && r.output().contains("sub-folder boot not a class of the model"), r.output());
  }

  @Test
  void driftOverAFolderSequenceFiresAfterTheShiftAndMatchesAnIndependentAccuracy() throws Exception {
    Path root = dir.resolve("stream-shift");
    for (int w = 0; w < 8; w++) writeFolder(root.resolve(String.format("w%02d", w)), "x", 4, 100 + w, w >= 4, false);
    Path out = dir.resolve("drift-shift");
    CliRun r = CliRun.run("drift", "--model", model.toString(), "--stream", "folders:" + root, "--last", "2", "--out", out.toString());
    assertEquals(0, r.code(), r.output());
    String md = Files.readString(out.resolve("windows.md"));
    // Reference w00, w01; inverted from w04; the rule needs two consecutive windows, so w05 at the earliest.
    for (String early : List.of("w02", "w03", "w04")) {
      assertTrue(Pattern.compile("\\| " + early + " \\| - \\| [-0-9.]+ \\|  \\|").matcher(md).find(), early + " must not be declared:\n" + md);
    }
    assertTrue(Pattern.compile("\\| w0[56] \\(stream window [34]\\)").matcher(md).find(), "declared at w05 or w06:\n" + md);
    Matcher w02 = Pattern.compile("\\| w02 \\| - \\| [-0-9.]+ \\|  \\| ([0-9.]+) \\|").matcher(md);
    assertTrue(w02.find(), md);
    LoadedModel weights = ModelLoader.load(model, ModelLoader.Format.AUTO, null, null);
    List<Sample> window = ClassFolders.read(root.resolve("w02"), CLASSES, false, new DataReport());
    assertEquals(Predictions.of(weights.build("oracle"), inMemory(window, weights), 50).accuracy(), Double.parseDouble(w02.group(1)), 1e-4);
    assertTrue(Files.size(out.resolve("drift.png")) > 0);
  }

  @Test
  void driftOverAnUnshiftedUnlabelledSequenceNeverFiresAndOmitsAccuracy() throws Exception {
    Path root = dir.resolve("stream-none");
    for (int w = 0; w < 8; w++) writeFolder(root.resolve(String.format("w%02d", w)), "x", 4, 200 + w, false, true);
    Path out = dir.resolve("drift-none");
    CliRun r = CliRun.run("drift", "--model", model.toString(), "--stream", "folders:" + root, "--seeds", "1,2", "--out", out.toString());
    assertEquals(0, r.code(), r.output());
    String md = Files.readString(out.resolve("windows.md"));
    assertTrue(md.contains("| [1, 2] | never; never | - (unlabelled) | - (unlabelled) |"), md);
    assertTrue(Pattern.compile("\\| w07 \\| - \\| [-0-9.]+ \\|  \\| - \\| - \\(= frozen\\) \\|").matcher(md).find(), md);
  }

  private static GrayImageData inMemory(List<Sample> samples, LoadedModel weights) {
    byte[] px = new byte[samples.size() * 784];
    int[] y = new int[samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      byte[] p = PIXELS.get(samples.get(i).path().toAbsolutePath().toString());
      assertNotNull(p, samples.get(i).path().toString());
      System.arraycopy(p, 0, px, i * 784, 784);
      y[i] = samples.get(i).label();
    }
    return new GrayImageData(CLASSES, new GrayImages(28, 28, px, y), weights.preprocessing().imageSize(), weights.preprocessing().normalization(), 1);
  }

}
