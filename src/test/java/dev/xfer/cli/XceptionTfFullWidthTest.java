package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xfer.model.RandomKerasXception;
import dev.xfer.model.io.KerasH5;
import dev.xfer.model.io.KerasLayer;
import dev.xfer.model.io.KerasWeights;
import dev.xfer.model.io.Npy;
import dev.xfer.tf.ImageFixtures;
import dev.xfer.tf.ImageFixtures.Fixture;
import dev.xfer.tf.TfOracle;
import dev.xfer.tf.TfXception;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full-size Keras Xception (22.9 M parameters with a 1000-way top, random weights in a Keras
 * .h5 written by the test): {@code xfer embed} against the TF-ops network, as
 * {@link XceptionTfParityTest} does for the narrow one. Tagged {@code tf-full} as well, since it
 * takes about a minute: {@code mvn test -Dgroups=tf-full -Dsurefire.excludedGroups=gpu}.
 */
@Tag("tf")
@Tag("tf-full")
class XceptionTfFullWidthTest {
  @TempDir static Path dir;
  private static TfOracle tf;
  private static List<KerasLayer> layers;
  private static Path h5;
  private static Fixture image;

  @BeforeAll
  static void setUp() throws Exception {
    tf = new TfOracle();
    layers = RandomKerasXception.layers(23, 1000);
    h5 = dir.resolve("xception_random.h5");
    KerasH5.write(h5, new KerasWeights("2.10.0", "tensorflow", layers));
    image = ImageFixtures.jpegs(tf).get(0);
  }

  @AfterAll
  static void tearDown() {
    tf.close();
  }

  @ParameterizedTest(name = "full-width embed, {0} px")
  @ValueSource(ints = {71, 224, 299})
  void embedEqualsTensorFlowsXception(int size) throws Exception {
    Path file = Files.write(dir.resolve(image.name() + ".jpg"), image.bytes());
    TfXception net = new TfXception(tf, layers);
    var features = net.features(tf.tfInputsFor(List.of(image), size));
    for (boolean logits : new boolean[] {false, true}) {
      Path out = dir.resolve("f" + size + logits + ".npy");
      CliRun run = logits
          ? CliRun.run("embed", "--weights", h5.toString(), "--image-size", Integer.toString(size), "--out", out.toString(), "--logits", file.toString())
          : CliRun.run("embed", "--weights", h5.toString(), "--image-size", Integer.toString(size), "--out", out.toString(), file.toString());
      assertEquals(0, run.code(), run.output());
      float[] expected = TfOracle.read(logits ? net.logits(features) : features);
      XceptionTfParityTest.assertClose(logits ? "full-width logits" : "full-width pooled features", size, expected,
          Npy.read(out).floats());
    }
  }
}
