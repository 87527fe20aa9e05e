package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.ModelLoader;
import dev.xfer.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    return ColourFolder.write(dir.resolve("data"), CLASSES, 10);
  }

  private Path weights() {
    return ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
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
    // channels-last is the CPU default; evaluate below rebuilds the model NCHW and must agree
    assertTrue(train.getValue().contains("layout: channels-last (NHWC, the CPU default; --no-channels-last for NCHW)"),
        train.getValue());
    assertEquals(Boolean.TRUE, ((Map<?, ?>) Json.parse(Files.readString(runDir.resolve("config.json")))).get("channels_last"));
    assertTrue(train.getValue().contains("AdamW lr 0.01 weight decay 0.01, cosine schedule, label smoothing 0.1"), train.getValue());
    for (String f : List.of("model.safetensors", "history.json", "metrics.json", "config.json", "curves.png", "confusion.png")) {
      assertTrue(Files.isRegularFile(runDir.resolve(f)), f);
    }

    Map.Entry<Integer, String> eval = run(new EvaluateCommand(), "--model", runDir.resolve("model.safetensors").toString(),
        "--data", data.toString(), "--batch-size", "4", "--json");
    assertEquals(0, eval.getKey(), err + eval.getValue());
    Map<?, ?> got = (Map<?, ?>) Json.parse(eval.getValue());
    Map<?, ?> trained = (Map<?, ?>) Json.parse(Files.readString(runDir.resolve("metrics.json")));
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
  void anXferModelFileTrainsAtItsOwnSizeUnlessTold() throws Exception {
    Path data = folder();
    Path weights = weights(); // an xfer model file trained at 71 x 71
    Path runDir = dir.resolve("own-size");
    Map.Entry<Integer, String> train = run(new TrainCommand(), "--data", data.toString(), "--weights", weights.toString(),
        "--out", runDir.toString(), "--batch-size", "4", "--head-epochs", "1", "--finetune-epochs", "1", "--device", "cpu",
        "--no-channels-last");
    assertEquals(0, train.getKey(), err + train.getValue());
    assertTrue(train.getValue().contains("input: 71x71 (the model file's own)"), train.getValue());
    assertTrue(train.getValue().contains("layout: NCHW (--no-channels-last)"), train.getValue());
    Map<?, ?> config = (Map<?, ?>) Json.parse(Files.readString(runDir.resolve("config.json")));
    assertEquals(Boolean.FALSE, config.get("channels_last"));
    assertEquals(71L, ((Number) config.get("image_size")).longValue());
    assertEquals("fast", config.get("jpeg_idct"), "Keras scaling: TensorFlow's JPEG IDCT");
    assertEquals(71, ModelLoader.load(runDir.resolve("model.safetensors"), ModelLoader.Format.AUTO, null, null)
        .preprocessing().imageSize());
  }

  @Test
  void jpegIdctIsRecordedInConfigAndModelAndABadValueNamesTheOption() throws Exception {
    Path data = folder();
    Path runDir = dir.resolve("accurate");
    Map.Entry<Integer, String> train = run(new TrainCommand(), "--data", data.toString(), "--weights", weights().toString(),
        "--out", runDir.toString(), "--batch-size", "4", "--head-epochs", "1", "--finetune-epochs", "1", "--device", "cpu",
        "--jpeg-idct", "accurate");
    assertEquals(0, train.getKey(), err + train.getValue());
    Map<?, ?> config = (Map<?, ?>) Json.parse(Files.readString(runDir.resolve("config.json")));
    assertEquals("accurate", config.get("jpeg_idct"));
    assertEquals(dev.xfer.kernels.JpegIdct.ACCURATE, ModelLoader.load(runDir.resolve("model.safetensors"),
        ModelLoader.Format.AUTO, null, null).preprocessing().jpegIdct());
    Map.Entry<Integer, String> bad = run(new TrainCommand(), "--data", data.toString(), "--weights", weights().toString(),
        "--out", dir.resolve("bad").toString(), "--device", "cpu", "--jpeg-idct", "slow");
    assertTrue(bad.getKey() != 0, bad.getValue());
    assertTrue(err.toString().contains("--jpeg-idct: JPEG IDCT: expected fast or accurate, found 'slow'"), err.toString());
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
