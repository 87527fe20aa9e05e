package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.Numerics;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pretrain-dae, adapt and drift end to end on a tiny generated Fashion-MNIST and a tiny random model. */
class TransferCommandsTest {
  private static final List<String> SOURCE = List.of("tshirt", "trouser", "pullover", "dress", "coat");

  @TempDir Path dir;
  private Path fm;
  private Path model;

  @BeforeEach
  void tinyData() throws IOException {
    fm = Files.createDirectory(dir.resolve("fm"));
    TinyFashionMnist.writePart(fm, "train", 4, 1);
    TinyFashionMnist.writePart(fm, "t10k", 6, 2);
    torch.manual_seed(1);
    Xception net = new Xception(new XceptionConfig(0.03, 0, SOURCE.size(), Numerics.KERAS));
    model = dir.resolve("source.safetensors");
    ModelFile.save(model, net, Preprocessing.keras(71), SOURCE);
  }

  @Test
  void pretrainDaeWritesAnEncoderAndComparesBothArms() throws Exception {
    Path out = dir.resolve("dae.safetensors");
    CliRun r = CliRun.run("pretrain-dae", "--data", "fashion-mnist:" + fm, "--per-class", "1", "--epochs", "1", "--batch-size", "5",
        "--width", "0.03", "--middle-blocks", "0", "--compare-labels", "1", "--compare-test-per-class", "2",
        "--compare-epochs", "1", "--compare-batch-size", "5", "--out", out.toString());
    assertEquals(0, r.code(), r.output());
    LoadedModel encoder = ModelLoader.load(out, ModelLoader.Format.AUTO, null, null);
    assertEquals(0, encoder.config().numClasses());
    assertTrue(r.output().contains("test accuracy scratch") && r.output().contains("| [1] |"), r.output());
  }

  @Test
  void adaptReportsAllThreeArmsPerSeed() throws Exception {
    Path report = dir.resolve("adapt.md");
    CliRun r = CliRun.run("adapt", "--model", model.toString(), "--target", "fashion-mnist:" + fm, "--shift", "invert:1",
        "--labels-per-class", "1", "--adapt-per-class", "2", "--test-per-class", "2", "--epochs", "1", "--seeds", "1,2",
        "--report", report.toString());
    assertEquals(0, r.code(), r.output());
    String md = Files.readString(report);
    assertTrue(md.contains("| 1 | ") && md.contains("| 2 | ") && md.contains("| mean ± sd |"), md);
    assertTrue(md.contains("Machine: "), md);
  }

  @Test
  void driftWritesTheTableAndThePlot() throws Exception {
    Path out = dir.resolve("drift");
    CliRun r = CliRun.run("drift", "--model", model.toString(), "--data", "fashion-mnist:" + fm, "--stream", "rotate:90", "--windows", "4",
        "--window-size", "5", "--shift-start", "1", "--shift-end", "2", "--last", "2", "--out", out.toString());
    assertEquals(0, r.code(), r.output());
    String md = Files.readString(out.resolve("windows.md"));
    for (int w = 0; w < 4; w++) assertTrue(md.contains("\n| " + w + " | "), "row of window " + w + ":\n" + md);
    assertTrue(md.contains("| 1 | 0.50 |") && md.contains("| 2 | 1.00 |"), "strength ramps from window 1 to 2:\n" + md);
    BufferedImage png = ImageIO.read(out.resolve("drift.png").toFile());
    assertEquals(1100, png.getWidth());
  }

  @Test
  void aModelOverOtherClassesIsRefusedByName() throws Exception {
    Xception net = new Xception(new XceptionConfig(0.03, 0, 2, Numerics.KERAS));
    Path other = dir.resolve("flowers.safetensors");
    ModelFile.save(other, net, Preprocessing.keras(71), List.of("daisy", "rose"));
    CliRun r = CliRun.run("adapt", "--model", other.toString(), "--target", "fashion-mnist:" + fm);
    assertEquals(1, r.code());
    assertTrue(r.output().contains("flowers.safetensors") && r.output().contains("daisy"), r.output());
  }

}
