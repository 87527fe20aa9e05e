package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.RandomKerasXception;
import dev.xfer.util.Json;
import dev.xfer.model.io.KerasH5;
import dev.xfer.model.io.KerasLayer;
import dev.xfer.model.io.KerasWeights;
import dev.xfer.model.io.Npy;
import dev.xfer.model.io.NpyArray;
import dev.xfer.tf.ImageFixtures;
import dev.xfer.tf.ImageFixtures.Fixture;
import dev.xfer.tf.TfOracle;
import dev.xfer.tf.TfXception;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * {@code xfer embed} and {@code xfer predict} against Keras' Xception built from TensorFlow 2.18's
 * ops ({@link TfXception}) with the weights of one Keras .h5 file, written by the test (random
 * weights, Keras layout, a 5-way top; a quarter of the channels and 2 middle blocks so that it runs
 * in seconds). Both sides start from the same image files, each with its own decode and resize, at
 * Keras' minimum 71, the recipe's 224 and Keras' default 299 px, in the default layout. Error is
 * relative to the largest TF value: max |xfer - TF| / max |TF| <= 1e-4.
 */
@Tag("tf")
class XceptionTfParityTest {
  static final double TOLERANCE = 1e-4;
  private static final List<String> CLASSES = List.of("a", "b", "c", "d", "e");

  @org.junit.jupiter.api.io.TempDir static Path dir;
  private static TfOracle tf;
  private static List<KerasLayer> layers;
  private static Path h5;
  private static List<Fixture> images;

  @BeforeAll
  static void setUp() throws Exception {
    tf = new TfOracle();
    layers = RandomKerasXception.layers(19, CLASSES.size(), 0.25, 2);
    h5 = dir.resolve("xception_quarter.h5");
    KerasH5.write(h5, new KerasWeights("2.10.0", "tensorflow", layers));
    List<Fixture> jpegs = ImageFixtures.jpegs(tf);
    images = List.of(jpegs.get(0), jpegs.get(3), jpegs.get(7), ImageFixtures.others().get(0));
  }

  @AfterAll
  static void tearDown() {
    tf.close();
  }

  @ParameterizedTest(name = "embed, {0} px")
  @ValueSource(ints = {71, 224, 299})
  void embedFeaturesAndLogitsEqualTensorFlowsXception(int size) throws Exception {
    List<String> files = write(images);
    TfXception net = new TfXception(tf, layers);
    Operand<TFloat32> features = net.features(tfInputs(size));
    assertClose("pooled features", size, TfOracle.read(features), embed(files, size, false));
    assertClose("logits", size, TfOracle.read(net.logits(features)), embed(files, size, true));
  }

  @ParameterizedTest(name = "predict, {0} px")
  @ValueSource(ints = {71, 224, 299})
  void predictProbabilitiesEqualTensorFlowsSoftmax(int size) throws Exception {
    List<String> files = write(images);
    TfXception net = new TfXception(tf, layers);
    float[] expected = TfOracle.read(net.probabilities(net.features(tfInputs(size))));
    Path model = dir.resolve("model" + size + ".safetensors");
    try (PointerScope scope = new PointerScope()) {
      LoadedModel keras = ModelLoader.load(h5, ModelLoader.Format.KERAS, null, null);
      ModelFile.save(model, keras.build(h5.toString()), Preprocessing.keras(size), CLASSES);
    }
    List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--json", "--top-k", "5"));
    args.addAll(files);
    CliRun run = CliRun.run(args.toArray(String[]::new));
    assertEquals(0, run.code(), run.output());
    float[] probs = new float[expected.length];
    int row = 0;
    for (String line : run.output().split("\n")) {
      if (!line.startsWith("{")) continue;
      for (Object o : (List<?>) ((Map<?, ?>) Json.parse(line)).get("top")) {
        Map<?, ?> m = (Map<?, ?>) o;
        probs[row * CLASSES.size() + CLASSES.indexOf((String) m.get("class"))] = ((Number) m.get("probability")).floatValue();
      }
      row++;
    }
    assertEquals(images.size(), row, run.output());
    assertClose("probabilities", size, expected, probs);
  }

  /** TF's own input pipeline (decode_image, resize, x / 127.5 - 1), one (N, S, S, 3) batch. */
  private static Operand<TFloat32> tfInputs(int size) {
    return tf.tfInputsFor(images, size);
  }

  private static float[] embed(List<String> files, int size, boolean logits) throws Exception {
    Path out = Files.createTempFile(dir, "f", ".npy");
    List<String> args = new ArrayList<>(List.of("embed", "--weights", h5.toString(), "--image-size", Integer.toString(size),
        "--out", out.toString()));
    if (logits) args.add("--logits");
    args.addAll(files);
    CliRun run = CliRun.run(args.toArray(String[]::new));
    assertEquals(0, run.code(), run.output());
    NpyArray a = Npy.read(out);
    assertEquals(images.size(), a.shape()[0]);
    return a.floats();
  }

  private static List<String> write(List<Fixture> fixtures) throws Exception {
    List<String> files = new ArrayList<>();
    for (Fixture f : fixtures) files.add(Files.write(dir.resolve(f.name()), f.bytes()).toString());
    return files;
  }

  static void assertClose(String what, int size, float[] expected, float[] actual) {
    assertArrayEquals(new int[] {expected.length}, new int[] {actual.length}, what);
    double largest = 0;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      largest = Math.max(largest, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    double relative = worst / largest;
    System.out.printf(Locale.ROOT, "xfer vs TF Xception, %s at %d px: max |diff| %.3g, relative to max |TF| %.3g (%.3g)%n",
        what, size, worst, largest, relative);
    assertTrue(largest > 0 && relative <= TOLERANCE, what + " at " + size + " px: relative error " + relative);
  }
}
