package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.util.Json;
import dev.xfer.model.io.Npy;
import dev.xfer.model.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xfer predict and xfer embed on generated images: each in its default (channels-last on the CPU)
 * and NCHW layout, and predict's fused native head against the softmax of embed's logits, which
 * come from the model's own LibTorch head: two implementations of the same probabilities.
 */
class PredictEmbedCommandTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  @TempDir Path dir;

  @Test
  void bothLayoutsAndBothHeadsGiveTheSameProbabilities() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 2);
    Path model = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    List<String> images;
    try (Stream<Path> files = Files.walk(data)) {
      images = files.filter(p -> p.toString().endsWith(".png")).map(Path::toString).sorted().toList();
    }
    assertEquals(6, images.size());

    Map<String, double[]> channelsLast = predict(model, images);
    Map<String, double[]> nchw = predict(model, images, "--no-channels-last");
    float[] logits = embedLogits(model, images, dir.resolve("cl.npy"));
    float[] logitsNchw = embedLogits(model, images, dir.resolve("nchw.npy"), "--no-channels-last");

    for (int i = 0; i < images.size(); i++) {
      double[] p = channelsLast.get(images.get(i));
      assertArrayEquals(nchw.get(images.get(i)), p, 1e-5, "predict, layouts: " + images.get(i));
      double[] softmax = softmax(logits, i * CLASSES.size(), CLASSES.size());
      assertArrayEquals(softmax, p, 1e-5, "predict's native head vs softmax of embed's logits: " + images.get(i));
      for (int j = 0; j < CLASSES.size(); j++) {
        int at = i * CLASSES.size() + j;
        assertEquals(logitsNchw[at], logits[at], 1e-4 * Math.max(1, Math.abs(logitsNchw[at])), "embed, layouts");
      }
    }
  }

  @Test
  void aBadImageIsNamedBeforeAnyWorkAndNothingIsWritten() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 1);
    Path model = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path good = data.resolve("red").resolve("img0.png");
    Path bad = Files.writeString(dir.resolve("notes.png"), "not an image");
    Path out = dir.resolve("emb.npy");

    CliRun embed = CliRun.run("embed", "--weights", model.toString(), "--out", out.toString(), good.toString(), bad.toString());
    assertEquals(1, embed.code(), embed.output());
    assertTrue(embed.output().contains(bad + ": not an image"), embed.output());
    assertTrue(!embed.output().contains("wrote") && !Files.exists(out), embed.output());

    // batch size 1: a per-batch decode would print the good image's prediction before failing
    CliRun predict = CliRun.run("predict", "--model", model.toString(), "--batch-size", "1", good.toString(), bad.toString());
    assertEquals(1, predict.code(), predict.output());
    assertTrue(predict.output().contains(bad + ": not an image"), predict.output());
    assertTrue(!predict.output().contains(good.toString()), "no prediction printed before the error: " + predict.output());
  }

  /** File -> probabilities in class order, from {@code xfer predict --json}. */
  private static Map<String, double[]> predict(Path model, List<String> images, String... extra) {
    List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--json", "--top-k", "3"));
    args.addAll(List.of(extra));
    args.addAll(images);
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.output());
    Map<String, double[]> byFile = new LinkedHashMap<>();
    for (String line : r.output().strip().split("\n")) {
      if (!line.startsWith("{")) continue; // stderr's notes (the layout self-check) share the captured output
      Map<?, ?> doc = (Map<?, ?>) Json.parse(line);
      double[] probs = new double[CLASSES.size()];
      for (Object o : (List<?>) doc.get("top")) {
        Map<?, ?> top = (Map<?, ?>) o;
        probs[CLASSES.indexOf(top.get("class").toString())] = ((Number) top.get("probability")).doubleValue();
      }
      byFile.put(doc.get("file").toString(), probs);
    }
    assertEquals(images.size(), byFile.size(), r.output());
    return byFile;
  }

  private static float[] embedLogits(Path model, List<String> images, Path out, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("embed", "--weights", model.toString(), "--logits", "--out", out.toString()));
    args.addAll(List.of(extra));
    args.addAll(images);
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.output());
    NpyArray array = Npy.read(out);
    assertArrayEquals(new long[] {images.size(), CLASSES.size()}, array.shape());
    return array.floats();
  }

  private static double[] softmax(float[] logits, int offset, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) max = Math.max(max, logits[offset + j]);
    double[] p = new double[k];
    double sum = 0;
    for (int j = 0; j < k; j++) sum += p[j] = Math.exp(logits[offset + j] - max);
    for (int j = 0; j < k; j++) p[j] /= sum;
    assertTrue(sum >= 1, "the largest logit contributes exp(0)");
    return p;
  }
}
