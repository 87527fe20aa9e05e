package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.data.LoaderConfig;
import dev.xfer.demo.DemoData;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.Xception;
import dev.xfer.util.Json;
import dev.xfer.report.ComparisonChart;
import dev.xfer.train.Evaluator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A shortened {@code xfer demo} end to end on the shipped backbone and target set: both arms train,
 * the table is printed, and the reported test accuracies agree with a fresh evaluation of the models
 * the run saved.
 */
class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void quickDemoRunsBothArmsAndReportsWhatItsModelsScore() throws Exception {
    Path run = dir.resolve("run");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = new CommandLine(new DemoCommand()).execute("--quick", "--out", run.toString(), "--seed", "3");
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    assertTrue(out.matches("(?s).*test accuracy \\(100 images\\)\\s+\\d+\\.\\d%\\s+\\d+\\.\\d%.*"), out);
    assertTrue(out.contains("epochs to 80% validation accuracy") && out.contains("wall time"), out);
    assertTrue(out.contains("weights tested") && out.contains("(highest validation accuracy)"), out);

    Map<?, ?> cmp = (Map<?, ?>) Json.parse(Files.readString(run.resolve("comparison.json")));
    LoadedModel shipped = ModelLoader.load(DemoCommand.shipped(DemoCommand.DEFAULT_MODEL, "--model"), ModelLoader.Format.AUTO, null, null);
    LoaderConfig config = LoaderConfig.defaults(shipped.preprocessing().imageSize()).withBatchSize(32);
    try (PointerScope scope = new PointerScope();
        DemoData data = DemoData.open(DemoCommand.shipped(DemoCommand.DEFAULT_DATA, "--data"), new DemoData.Limits(10, 10, 20), config)) {
      for (String arm : List.of("transfer", "scratch")) {
        Map<?, ?> reported = (Map<?, ?>) cmp.get(arm);
        List<?> epochs = (List<?>) ((Map<?, ?>) Json.parse(Files.readString(run.resolve(arm).resolve("history.json")))).get("epochs");
        assertEquals(2, epochs.size(), arm + ": 1 + 1 epochs");
        assertEquals(arm.equals("transfer") ? "head" : "scratch", ((Map<?, ?>) epochs.get(0)).get("phase"));
        LoadedModel saved = ModelLoader.load(run.resolve(arm).resolve("model.safetensors"), ModelLoader.Format.AUTO, null, null);
        assertEquals(shipped.config().widthMultiplier(), saved.config().widthMultiplier());
        Xception model = saved.build(arm);
        // like with like: the layout the run used (after its self-check), so float rounding is the run's own
        if ((Boolean) ((Map<?, ?>) cmp.get("settings")).get("channels_last")) model.useChannelsLast();
        double accuracy = Evaluator.evaluate(model, data.test(), 32).accuracy();
        assertEquals(((Number) reported.get("test_accuracy")).doubleValue(), accuracy, 1e-9, arm + " test accuracy");
        // the weights tested (and saved) are those of the last phase's highest validation accuracy, recomputed here
        String lastPhase = (String) ((Map<?, ?>) epochs.get(epochs.size() - 1)).get("phase");
        int highest = 0;
        for (int i = 0; i < epochs.size(); i++) {
          Map<?, ?> e = (Map<?, ?>) epochs.get(i);
          double acc = ((Number) e.get("val_accuracy")).doubleValue();
          if (e.get("phase").equals(lastPhase)
              && (highest == 0 || acc > ((Number) ((Map<?, ?>) epochs.get(highest - 1)).get("val_accuracy")).doubleValue())) {
            highest = i + 1;
          }
        }
        assertEquals(highest, ((Number) reported.get("tested_epoch")).intValue(), arm + " tested epoch");
      }
    }
    BufferedImage png = ImageIO.read(run.resolve("comparison.png").toFile());
    assertEquals(ComparisonChart.WIDTH, png.getWidth());
    assertEquals(ComparisonChart.HEIGHT, png.getHeight());
  }
}
