package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.cli.PreprocessCommand;
import dev.xfer.cli.VerifyDataCommand;
import dev.xfer.kernels.Normalization;
import dev.xfer.kernels.PreprocessKernel;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.io.Npy;
import dev.xfer.model.io.NpyArray;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The verify-data and preprocess commands, run through picocli. */
class DataCommandsTest {
  @TempDir Path dir;
  private Path data;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void folder() throws Exception {
    data = dir.resolve("data");
    Random rng = new Random(7);
    for (String cls : List.of("b_cls", "a_cls")) {
      Files.createDirectories(data.resolve(cls));
      for (int i = 0; i < 5; i++) {
        int h = 10 + 3 * i;
        int w = 20 - i;
        TestImages.writeRgb(data.resolve(cls).resolve("img" + i + ".png"), TestImages.randomRgb(rng, h, w), h, w);
      }
    }
  }

  private int run(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println(cmd.getCommandName() + ": error: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @Test
  void verifyDataExitCodes() throws Exception {
    assertEquals(0, run(new VerifyDataCommand(), "--data", data.toString()), err.toString());
    assertTrue(out.toString().matches("(?s).*a_cls\\s+5\\s+0\\s+20x10\\s+16x22.*"), out.toString());
    byte[] jpeg = TestImages.jpegBytes(TestImages.smoothRgb(new Random(1), 40, 40), 40, 40, 90);
    Path truncated = Files.write(data.resolve("a_cls/cut.jpg"), Arrays.copyOf(jpeg, jpeg.length - 30));
    Files.write(data.resolve("a_cls/notes.txt"), "hello".getBytes(StandardCharsets.US_ASCII));
    assertEquals(1, run(new VerifyDataCommand(), "--data", data.toString(), "--threads", "2"));
    assertTrue(out.toString().contains(truncated + ": truncated JPEG"), out.toString());
    assertTrue(out.toString().matches("(?s).*a_cls\\s+5\\s+1\\s+.*"), out.toString());
    assertEquals(1, run(new VerifyDataCommand(), "--data", data.toString(), "--json"));
    assertTrue(out.toString().contains("\"ok\": false") && out.toString().contains("\"not_images\": [{\"path\""), out.toString());
    assertEquals(2, run(new VerifyDataCommand(), "--data", dir.resolve("missing").toString()));
    assertTrue(err.toString().contains("missing does not exist"), err.toString());
    assertEquals(2, run(new VerifyDataCommand()));
  }

  @Test
  void preprocessFolderWritesTensorLabelsAndFiles() throws Exception {
    Path x = dir.resolve("out/x.npy");
    assertEquals(0, run(new PreprocessCommand(), "--data", data.toString(), "--image-size", "8", "--out", x.toString(),
        "--split", "train[:50%]", "--threads", "2"), err.toString());
    NpyArray tensor = Npy.read(x);
    assertArrayEquals(new long[] {5, 3, 8, 8}, tensor.shape());
    byte[] labelsFile = Files.readAllBytes(dir.resolve("out/x.labels.npy"));
    assertTrue(new String(labelsFile, 0, 80, StandardCharsets.ISO_8859_1).contains("'descr': '<i8'"));
    float[] labels = Npy.read(dir.resolve("out/x.labels.npy")).floats();
    List<String> files = Files.readAllLines(dir.resolve("out/x.files.txt"));
    assertEquals(5, files.size());
    List<Sample> expectedOrder = Split.parse("train[:50%]").select(ImageFolder.scan(data, new DataReport()).samples(), ExampleOrder.tfds(), false);
    assertEquals(expectedOrder.stream().map(s -> s.path().toString()).toList(), files);
    ImageDecoder decoder = new ImageDecoder(false);
    for (int i = 0; i < 5; i++) {
      Path f = Path.of(files.get(i));
      assertEquals(f.getParent().getFileName().toString().equals("a_cls") ? 0 : 1, (int) labels[i]);
      try (PointerScope scope = new PointerScope()) {
        float[] want = Tensors.toFloatArray(PreprocessKernel.run(List.of(decoder.decode(f)), 8, 8, Normalization.KERAS_XCEPTION));
        assertArrayEquals(want, Arrays.copyOfRange(tensor.floats(), i * 192, (i + 1) * 192), f.toString());
      }
    }
  }

  @Test
  void preprocessImagesAndBadImagePolicy() throws Exception {
    Path a = data.resolve("a_cls/img0.png");
    Path b = data.resolve("b_cls/img3.png");
    Path x = dir.resolve("imgs.npy");
    assertEquals(0, run(new PreprocessCommand(), a.toString(), b.toString(), "--image-size", "6", "--out", x.toString()), err.toString());
    assertArrayEquals(new long[] {2, 3, 6, 6}, Npy.read(x).shape());
    assertEquals(List.of(a.toString(), b.toString()), Files.readAllLines(dir.resolve("imgs.files.txt")));
    assertFalse(Files.exists(dir.resolve("imgs.labels.npy")));

    byte[] jpeg = TestImages.jpegBytes(TestImages.smoothRgb(new Random(1), 40, 40), 40, 40, 90);
    Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    Path y = dir.resolve("y.npy");
    assertEquals(0, run(new PreprocessCommand(), a.toString(), cut.toString(), "--image-size", "6", "--out", y.toString()));
    assertArrayEquals(new long[] {1, 3, 6, 6}, Npy.read(y).shape());
    assertTrue(err.toString().contains("skipping " + cut + ": truncated JPEG"), err.toString());
    assertTrue(out.toString().contains("skipped 1 bad image"), out.toString());
    Path z = dir.resolve("z.npy");
    assertEquals(1, run(new PreprocessCommand(), a.toString(), cut.toString(), "--image-size", "6", "--out", z.toString(), "--on-bad-image", "fail"));
    assertTrue(err.toString().contains("error: " + cut + ": truncated JPEG"), err.toString());
    assertFalse(Files.exists(z));
    assertEquals(2, run(new PreprocessCommand(), "--data", data.toString(), "--image-size", "6", "--out", z.toString(), "--split", "val[:10%]"));
    assertTrue(err.toString().contains("'val[:10%]'"), err.toString());
    assertEquals(2, run(new PreprocessCommand(), a.toString(), "--image-size", "6", "--out", z.toString(), "--jpeg-idct", "float"));
    assertTrue(err.toString().contains("--jpeg-idct: expected fast or accurate, found 'float'"), err.toString());
  }
}
