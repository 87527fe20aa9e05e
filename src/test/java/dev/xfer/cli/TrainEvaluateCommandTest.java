package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.ModelFile;
import dev.xfer.model.Numerics;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.model.io.JsonReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** xfer train with the optional choices on a tiny generated folder, then xfer evaluate on its test split. */
class TrainEvaluateCommandTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private Path folder() throws Exception {
    Path data = dir.resolve("data");
    Random rng = new Random(3);
    for (int c = 0; c < CLASSES.size(); c++) {
      Path cls = Files.createDirectories(data.resolve(CLASSES.get(c)));
      for (int i = 0; i < 10; i++) {
        BufferedImage img = new BufferedImage(80, 90, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 90; y++) {
          for (int x = 0; x < 80; x++) {
            int[] rgb = {rng.nextInt(60), rng.nextInt(60), rng.nextInt(60)};
            rgb[2 - c] += 150; // class c is dominated by one channel
            img.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
          }
        }
        ImageIO.write(img, "png", cls.resolve("img" + i + ".png").toFile());
      }
    }
    return data;
  }

  private Path weights() throws Exception {
    Path file = dir.resolve("tiny.safetensors");
    try (PointerScope scope = new PointerScope()) {
      torch.manual_seed(1);
      ModelFile.save(file, new Xception(new XceptionConfig(0.125, 1, 3, Numerics.KERAS)), Preprocessing.keras(71), CLASSES);
    }
    return file;
  }

  /** Runs a command; returns its exit code and what it printed on standard output. */
  private Map.Entry<Integer, String> run(Object command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = new CommandLine(command);
      cli.setErr(new PrintWriter(err, true));
      cli.setExecutionExceptionHandler(new ErrorReporter());
      int code = cli.execute(args);
      return Map.entry(code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(saved);
    }
  }

  @Test
  void trainWithTheOptionalChoicesThenEvaluateTheHeldOutSplit() throws Exception {
    Path data = folder();
    Path weights = weights();
    Path runDir = dir.resolve("run");
    Map.Entry<Integer, String> train = run(new TrainCommand(), "--data", data.toString(), "--weights", weights.toString(),
        "--out", runDir.toString(), "--image-size", "71", "--batch-size", "4", "--head-epochs", "1", "--finetune-epochs", "1",
        "--head-lr", "0.01", "--finetune-lr", "0.001", "--optimizer", "adamw", "--schedule", "cosine", "--label-smoothing", "0.1",
        "--backbone-lr-mult", "0.5", "--early-stopping", "3", "--restore-best", "--random-flip", "--random-resized-crop",
        "--device", "cpu");
    assertEquals(0, train.getKey(), err + train.getValue());
    assertTrue(train.getValue().contains("feature cache off"), train.getValue());
    assertTrue(train.getValue().contains("AdamW lr 0.01 weight decay 0.01, cosine schedule, label smoothing 0.1"), train.getValue());
    for (String f : List.of("model.safetensors", "history.json", "metrics.json", "config.json", "curves.png", "confusion.png")) {
      assertTrue(Files.isRegularFile(runDir.resolve(f)), f);
    }

    Map.Entry<Integer, String> eval = run(new EvaluateCommand(), "--model", runDir.resolve("model.safetensors").toString(),
        "--data", data.toString(), "--batch-size", "4", "--json");
    assertEquals(0, eval.getKey(), err + eval.getValue());
    Map<?, ?> got = (Map<?, ?>) JsonReader.parse(eval.getValue());
    Map<?, ?> trained = (Map<?, ?>) JsonReader.parse(Files.readString(runDir.resolve("metrics.json")));
    // the same held-out images as train's test split, through a saved-and-reloaded model
    assertEquals(((Number) trained.get("test_images")).longValue(), ((Number) got.get("images")).longValue());
    assertEquals(((Number) trained.get("test_loss")).doubleValue(), ((Number) got.get("loss")).doubleValue(), 1e-5);
    assertEquals(trained.get("confusion_matrix"), got.get("confusion_matrix"));
    List<?> rows = (List<?>) got.get("confusion_matrix");
    long diagonal = 0;
    long total = 0;
    for (int i = 0; i < rows.size(); i++) {
      List<?> row = (List<?>) rows.get(i);
      for (int j = 0; j < row.size(); j++) {
        long v = ((Number) row.get(j)).longValue();
        total += v;
        if (i == j) diagonal += v;
      }
    }
    assertEquals((double) diagonal / total, ((Number) got.get("accuracy")).doubleValue(), 1e-12);

    Map.Entry<Integer, String> table = run(new EvaluateCommand(), "--model", runDir.resolve("model.safetensors").toString(),
        "--data", data.toString(), "--split", "train[25%:]");
    assertEquals(0, table.getKey(), err.toString());
    assertTrue(table.getValue().contains("confusion matrix (rows: true class, columns: predicted)"), table.getValue());
  }

  @Test
  void cudaOnACpuOnlyBuildIsAClearError() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(torch.cuda_is_available());
    Map.Entry<Integer, String> r = run(new TrainCommand(), "--data", dir.toString(), "--weights", "none.h5",
        "--out", dir.resolve("run").toString(), "--device", "cuda");
    assertEquals(1, r.getKey());
    assertTrue(err.toString().contains("--device cuda: this LibTorch build has no CUDA"), err.toString());
  }
}
