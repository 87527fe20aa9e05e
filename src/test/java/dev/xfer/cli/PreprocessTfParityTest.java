package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.io.Npy;
import dev.xfer.model.io.NpyArray;
import dev.xfer.tf.ImageFixtures;
import dev.xfer.tf.ImageFixtures.Fixture;
import dev.xfer.tf.TfOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.types.TUint8;

/**
 * {@code xfer preprocess} element for element against TensorFlow 2.18 running the Keras input
 * pipeline: {@code decode_image} (or {@code decode_jpeg} with a dct_method), {@code tf.image.resize}
 * (bilinear, half-pixel, no antialias) and {@code x / 127.5 - 1}, on files from several encoders,
 * down- and upsampled to even, odd and 1x1 sizes.
 */
@Tag("tf")
class PreprocessTfParityTest {
  /** Largest difference allowed per element. */
  private static final float TOLERANCE = 1e-5f;

  private static TfOracle tf;
  private static List<Fixture> jpegs;
  private static List<Fixture> others;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    tf = new TfOracle();
    jpegs = ImageFixtures.jpegs(tf);
    others = ImageFixtures.others();
  }

  @AfterAll
  static void tearDown() {
    tf.close();
  }

  @Test
  void defaultModeEqualsTensorFlowsDefaultDecodeOnJpegs() throws Exception {
    for (int size : new int[] {224, 299, 71, 1}) {
      float worst = compare(jpegs, size, "fast", null, f -> tf.decodeImage(f.bytes()));
      System.out.printf(Locale.ROOT, "preprocess vs TF decode_image, JPEG, %d px: max |diff| %.3g%n", size, worst);
    }
  }

  @Test
  void accurateModeEqualsTensorFlowsIntegerAccurateOnJpegs() throws Exception {
    for (int size : new int[] {224, 37}) {
      float worst = compare(jpegs, size, "accurate", "accurate", f -> tf.decodeJpeg(f.bytes(), "INTEGER_ACCURATE"));
      System.out.printf(Locale.ROOT, "preprocess --jpeg-idct accurate vs TF INTEGER_ACCURATE, %d px: max |diff| %.3g%n", size, worst);
    }
  }

  /** The oracle can tell the modes apart: the accurate IDCT does not pass as TF's default. */
  @Test
  void accurateModeDiffersFromTensorFlowsDefault() throws Exception {
    Fixture photo = jpegs.get(0);
    float[] ours = preprocess(List.of(photo), 224, "accurate");
    float[] theirs = nchw(TfOracle.read(tf.resizeAndScale(tf.decodeImage(photo.bytes()), 224)), 224);
    assertTrue(maxDiff(ours, theirs) > 1e-3f, "the IDCTs should differ on " + photo.name());
  }

  @Test
  void pngBmpAndGifEqualTensorFlowsDecodeInBothModes() throws Exception {
    for (int size : new int[] {224, 57}) {
      for (String mode : new String[] {"fast", "accurate"}) {
        float worst = compare(others, size, mode, mode, f -> tf.decodeImage(f.bytes()));
        System.out.printf(Locale.ROOT, "preprocess (%s) vs TF decode_image, PNG/BMP/GIF, %d px: max |diff| %.3g%n", mode, size, worst);
      }
    }
  }

  /** Runs preprocess on every fixture at once and checks each image; returns the largest difference. */
  private float compare(List<Fixture> fixtures, int size, String label, String idctOption,
      Function<Fixture, Operand<TUint8>> decode) throws Exception {
    float[] ours = preprocess(fixtures, size, idctOption);
    int per = 3 * size * size;
    float worst = 0;
    for (int i = 0; i < fixtures.size(); i++) {
      Fixture f = fixtures.get(i);
      float[] theirs = nchw(TfOracle.read(tf.resizeAndScale(decode.apply(f), size)), size);
      float[] mine = java.util.Arrays.copyOfRange(ours, i * per, (i + 1) * per);
      float d = maxDiff(mine, theirs);
      assertTrue(d <= TOLERANCE, f.name() + " at " + size + " px (" + label + "): max |diff| " + d);
      worst = Math.max(worst, d);
    }
    return worst;
  }

  private static float[] preprocess(List<Fixture> fixtures, int size, String idctOption) throws Exception {
    Path sub = Files.createTempDirectory(dir, "run");
    List<String> args = new ArrayList<>(List.of("preprocess", "--image-size", Integer.toString(size),
        "--out", sub.resolve("x.npy").toString(), "--on-bad-image", "fail"));
    if (idctOption != null) args.addAll(List.of("--jpeg-idct", idctOption));
    for (Fixture f : fixtures) args.add(Files.write(sub.resolve(f.name()), f.bytes()).toString());
    CliRun run = CliRun.run(args.toArray(String[]::new));
    assertEquals(0, run.code(), run.output());
    NpyArray x = Npy.read(sub.resolve("x.npy"));
    assertArrayEquals(new long[] {fixtures.size(), 3, size, size}, x.shape());
    return x.floats();
  }

  /** (1, S, S, 3) NHWC to (3, S, S). */
  private static float[] nchw(float[] nhwc, int size) {
    float[] out = new float[nhwc.length];
    for (int p = 0; p < size * size; p++) {
      for (int c = 0; c < 3; c++) out[c * size * size + p] = nhwc[p * 3 + c];
    }
    return out;
  }

  private static float maxDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    float m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }
}
