package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelLoader;
import dev.xfer.train.HistoryFile;
import dev.xfer.util.Json;
import dev.xfer.util.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code xfer pretrain} end to end on a tiny generated Fashion-MNIST (no Debian package needed). */
class PretrainCommandTest {
  @TempDir Path dir;

  @Test
  void writesALoadableModelItsCardAndTheTargetSet() throws Exception {
    Path fm = Files.createDirectory(dir.resolve("fm"));
    TinyFashionMnist.writePart(fm, "train", 6, 1);
    TinyFashionMnist.writePart(fm, "t10k", 3, 2);
    Path model = dir.resolve("models/tiny");
    Path target = dir.resolve("target");
    String[] args = {"--data", "fashion-mnist:" + fm, "--classes", "tshirt,trouser,pullover,dress,coat", "--epochs", "1",
        "--width", "0.125", "--middle-blocks", "0", "--batch-size", "8", "--valid-per-class", "1",
        "--target-counts", "2,1,2", "--out", model.toString(), "--target-out", target.toString()};
    CommandLine cli = new CommandLine(new PretrainCommand());
    int code = cli.execute(args);
    assertEquals(0, code);

    Path file = model.resolve("model.safetensors");
    LoadedModel loaded = ModelLoader.load(file, ModelLoader.Format.AUTO, null, null);
    assertEquals(List.of("tshirt", "trouser", "pullover", "dress", "coat"), loaded.classNames());
    assertEquals(0.125, loaded.config().widthMultiplier());
    assertEquals(71, loaded.preprocessing().imageSize());
    String card = Files.readString(model.resolve("README.md"));
    assertTrue(card.contains("`" + Sha256.hex(file) + "`"), "card states the file's real sha256");
    assertTrue(card.contains("./xfer pretrain " + String.join(" ", args)), "card states the exact command");
    Map<?, ?> history = (Map<?, ?>) Json.parse(Files.readString(model.resolve("history.json")));
    assertEquals(1, ((List<?>) history.get("epochs")).size());
    assertEquals(HistoryFile.csv(HistoryFile.read(model)), Files.readString(model.resolve("history.csv")),
        "history.csv holds history.json's rows");

    for (String cls : List.of("sandal", "shirt", "sneaker", "bag", "ankle-boot")) {
      assertEquals(2, count(target.resolve("train").resolve(cls)), cls);
      assertEquals(1, count(target.resolve("valid").resolve(cls)), cls);
      assertEquals(2, count(target.resolve("test").resolve(cls)), cls);
    }
    assertTrue(Files.readString(target.resolve("README.md")).contains("Fashion-MNIST"));
  }

  private static long count(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.toString().endsWith(".png")).count();
    }
  }
}
