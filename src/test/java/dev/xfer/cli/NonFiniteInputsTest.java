package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Tensors;
import dev.xfer.model.ModelFile;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NaN or infinity in weights, a negative BatchNorm running variance and NaN in a .npy input are refused in
 * one line naming the tensor or item; the oracle is where each test planted the bad value.
 */
class NonFiniteInputsTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  private static final String RUNNING_VAR = "block1.skipbn.running_var";
  @TempDir Path dir;

  /** The tiny model with {@code value} written at flat {@code index} of tensor {@code name}. */
  private Path plant(String file, String name, int index, float value) throws Exception {
    Path good = ColourFolder.tinyWeights(dir.resolve("good.safetensors"), CLASSES);
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      var loaded = ModelLoader.load(good, ModelLoader.Format.AUTO, null, null);
      Xception net = loaded.build("good");
      Map<String, Tensor> tensors = StateDict.tensorsOf(net);
      assertTrue(tensors.containsKey(name), name + " in " + tensors.keySet());
      Tensor t = tensors.get(name);
      float[] v = Tensors.toFloatArray(t);
      v[index] = value;
      t.copy_(Tensors.ofFloats(v, StateDict.shapeOf(t)));
      return saved(net, loaded, dir.resolve(file));
    }
  }

  private static Path saved(Xception net, dev.xfer.model.LoadedModel loaded, Path file) throws Exception {
    ModelFile.save(file, net, loaded.preprocessing(), loaded.classNames());
    return file;
  }

  private Path image() throws Exception {
    return ColourFolder.write(dir.resolve("data"), CLASSES, 1).resolve("red/img0.png");
  }

  @Test
  void nanWeightsAreRefusedNamingTheTensorUnlessAllowed() throws Exception {
    Path model = plant("nan.safetensors", "fc.weight", 7, Float.NaN);
    Path img = image();
    CliRun r = CliRun.run("predict", "--model", model.toString(), img.toString());
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().contains("predict: error: " + model + ": tensor 'fc.weight' (3, 256) has 1 non-finite value"
        + " (first NaN at index 7); weights must be finite (--allow-nonfinite loads them anyway)"), r.output());
    assertFalse(r.output().contains(img + "  "), "nothing predicted");

    Path out = dir.resolve("f.npy");
    CliRun embed = CliRun.run("embed", "--weights", model.toString(), "--out", out.toString(), img.toString());
    assertEquals(1, embed.code(), embed.output());
    assertTrue(embed.output().contains("tensor 'fc.weight'") && !Files.exists(out), embed.output());

    CliRun allowed = CliRun.run("predict", "--model", model.toString(), "--allow-nonfinite", img.toString());
    assertEquals(0, allowed.code(), allowed.output());
    assertTrue(allowed.output().contains("warning: " + model + ": tensor 'fc.weight' (3, 256) has 1 non-finite value"),
        allowed.output());
  }

  @Test
  void aNegativeRunningVarianceIsRefused() throws Exception {
    Path model = plant("negvar.safetensors", RUNNING_VAR, 2, -0.5f);
    CliRun r = CliRun.run("summary", "--weights", model.toString());
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().matches("(?s).*summary: error: " + java.util.regex.Pattern.quote(model + ": tensor '" + RUNNING_VAR)
        + "' \\(\\d+,\\) has 1 negative value \\(first -0\\.5 at index 2\\) \\(a BatchNorm variance must be >= 0\\).*"),
        r.output());
    Path inf = plant("inf.safetensors", RUNNING_VAR, 0, Float.POSITIVE_INFINITY);
    CliRun r2 = CliRun.run("summary", "--weights", inf.toString());
    assertTrue(r2.code() == 1 && r2.output().contains("1 non-finite value (first Infinity at index 0)"), r2.output());
  }

  @Test
  void nanInAnNpyInputIsRefusedNamingTheItem() throws Exception {
    Path model = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    int per = 3 * 71 * 71;
    float[] x = new float[3 * per];
    x[per + 5] = Float.NaN; // item 1, flat index 5 within it
    x[2 * per] = Float.NEGATIVE_INFINITY; // item 2 too: the first bad item is named
    Path input = dir.resolve("x.npy");
    Npy.writeFloat32(input, new long[] {3, 3, 71, 71}, x);
    Path out = dir.resolve("f.npy");
    CliRun r = CliRun.run("embed", "--weights", model.toString(), "--input", input.toString(), "--out", out.toString());
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().contains("embed: error: --input: " + input + ": item 1 of 3 has 1 non-finite value (first NaN at index 5);"
        + " inputs must be finite (--allow-nonfinite to embed it anyway)"), r.output());
    assertFalse(Files.exists(out));
    CliRun allowed = CliRun.run("embed", "--weights", model.toString(), "--input", input.toString(), "--out", out.toString(),
        "--allow-nonfinite");
    assertEquals(0, allowed.code(), allowed.output());
    assertTrue(allowed.output().contains("warning: --input: " + input + ": item 1 of 3"), allowed.output());
  }
}
