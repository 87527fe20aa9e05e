package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.io.JsonReader;
import dev.xfer.util.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code xfer pretrain} end to end on a tiny generated Fashion-MNIST (no Debian package needed). */
class PretrainCommandTest {
  @TempDir Path dir;

  private static void writeIdx(Path file, int[] shape, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * shape.length + data.length);
    b.put(new byte[] {0, 0, 8, (byte) shape.length});
    for (int s : shape) b.putInt(s);
    b.put(data);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(b.array());
    }
    Files.write(file, gz.toByteArray());
  }

  /** {@code perClass} noisy 28x28 images of each of the 10 classes. */
  private static void writePart(Path dir, String prefix, int perClass, long seed) throws IOException {
    int n = 10 * perClass;
    byte[] px = new byte[n * 784];
    byte[] y = new byte[n];
    Random rng = new Random(seed);
    for (int i = 0; i < n; i++) {
      y[i] = (byte) (i % 10);
      for (int p = 0; p < 784; p++) px[i * 784 + p] = (byte) (rng.nextInt(64) + (p % 28 == 3 * y[i] ? 180 : 0));
    }
    writeIdx(dir.resolve(prefix + "-images-idx3-ubyte.gz"), new int[] {n, 28, 28}, px);
    writeIdx(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), new int[] {n}, y);
  }

  @Test
  void writesALoadableModelItsCardAndTheTargetSet() throws Exception {
    Path fm = Files.createDirectory(dir.resolve("fm"));
    writePart(fm, "train", 6, 1);
    writePart(fm, "t10k", 3, 2);
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
    Map<?, ?> history = (Map<?, ?>) JsonReader.parse(Files.readString(model.resolve("history.json")));
    assertEquals(1, ((List<?>) history.get("epochs")).size());

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
