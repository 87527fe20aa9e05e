package dev.xfer.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.WritableGroup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KerasH5Test {
  @TempDir Path dir;

  private final Random rng = new Random(42);

  private TensorData random(long... shape) {
    float[] v = new float[(int) TensorData.numel(shape)];
    for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
    return new TensorData(shape, v);
  }

  private KerasLayer layer(String name, List<String> suffixes, TensorData... weights) {
    List<String> names = new ArrayList<>();
    for (String s : suffixes) names.add(name + "/" + s + ":0");
    return new KerasLayer(name, names, List.of(weights));
  }

  private KerasWeights sample(String version, String backend) {
    return new KerasWeights(version, backend, List.of(
        new KerasLayer("input_1", List.of(), List.of()),
        layer("block1_conv1", List.of("kernel"), random(3, 3, 3, 32)),
        layer("block1_conv1_bn", List.of("gamma", "beta", "moving_mean", "moving_variance"),
            random(32), random(32), random(32), random(32)),
        new KerasLayer("block1_conv1_act", List.of(), List.of()),
        layer("block2_sepconv1", List.of("depthwise_kernel", "pointwise_kernel"), random(3, 3, 32, 1), random(1, 1, 32, 64)),
        new KerasLayer("dense_1", List.of("dense_1_W:0", "dense_1_b:0"), List.of(random(64, 5), random(5))),
        layer("counter", List.of("step"), new TensorData(new long[] {}, new float[] {17f})),
        layer("predictions", List.of("kernel", "bias"), random(64, 5), random(5))));
  }

  @Test
  void roundTripKeepsLayersNamesShapesAndValues() throws IOException {
    KerasWeights written = sample("2.10.0", "tensorflow");
    Path file = dir.resolve("w.h5");
    KerasH5.write(file, written);
    KerasWeights read = KerasH5.read(file);
    assertEquals(written, read, "TensorData equality is bit-exact on values");
    assertEquals("2.10.0", read.kerasVersion());
    assertEquals("tensorflow", read.backend());
    assertEquals(List.of(), read.layer("input_1").orElseThrow().weights());
    assertEquals(List.of(), Files.list(dir).filter(p -> !p.equals(file)).toList(), "no temporary file left behind");
  }

  @Test
  void writesTheKeras2Layout() throws IOException {
    Path file = dir.resolve("w.h5");
    KerasWeights written = sample("2.10.0", "tensorflow");
    KerasH5.write(file, written);
    try (HdfFile hdf = new HdfFile(file)) {
      assertArrayEquals(written.layers().stream().map(KerasLayer::name).toArray(),
          (String[]) hdf.getAttribute("layer_names").getData());
      assertEquals("tensorflow", hdf.getAttribute("backend").getData());
      Dataset kernel = hdf.getDatasetByPath("/block1_conv1/block1_conv1/kernel:0");
      assertArrayEquals(new int[] {3, 3, 3, 32}, kernel.getDimensions());
      assertEquals(float.class, kernel.getJavaType());
      float[][][][] nested = (float[][][][]) kernel.getData();
      float[] flat = written.layer("block1_conv1").orElseThrow().weights().get(0).values();
      assertEquals(flat[((1 * 3 + 2) * 3 + 1) * 32 + 17], nested[1][2][1][17], "C order");
      assertTrue(hdf.getByPath("/dense_1/dense_1_W:0") instanceof Dataset, "Keras 1 names sit in the layer group");
    }
  }

  @Test
  void keras1FilesHaveNoVersionOrBackend() throws IOException {
    Path file = dir.resolve("k1.h5");
    KerasH5.write(file, sample(null, null));
    KerasWeights read = KerasH5.read(file);
    assertNull(read.kerasVersion());
    assertNull(read.backend());
    assertEquals(8, read.layers().size());
  }

  @Test
  void readsAnH5pyWrittenKeras2File() throws IOException {
    // h5py 3.16: layer_names/weight_names as fixed-length null-padded ASCII arrays, backend and
    // keras_version as byte-string scalars, input_1's empty weight_names as a float64 array of shape (0,),
    // kernel = arange(72)/4 as float32 (3,3,2,4), gamma float64, moving_variance chunked + gzip.
    Path file = fixture(H5PY_KERAS2_GZ_BASE64, "xception_like.h5");
    KerasWeights w = KerasH5.read(file);
    assertEquals("2.10.0", w.kerasVersion());
    assertEquals("tensorflow", w.backend());
    assertEquals(List.of("input_1", "block1_conv1", "block1_conv1_bn"), w.layers().stream().map(KerasLayer::name).toList());
    assertEquals(List.of(), w.layers().get(0).weights());
    TensorData kernel = w.layers().get(1).weights().get(0);
    assertEquals("block1_conv1/kernel:0", w.layers().get(1).weightNames().get(0));
    assertArrayEquals(new long[] {3, 3, 2, 4}, kernel.shape());
    for (int i = 0; i < 72; i++) assertEquals(i / 4f, kernel.values()[i]);
    KerasLayer bn = w.layers().get(2);
    assertEquals(List.of("block1_conv1_bn/gamma:0", "block1_conv1_bn/moving_variance:0"), bn.weightNames());
    assertArrayEquals(new float[] {1.5f, -2.25f, 3f, 0.125f}, bn.weights().get(0).values());
    assertEquals(DType.F64, bn.weights().get(0).sourceDtype());
    assertArrayEquals(new float[] {0.5f, 1f, 2f, 4f}, bn.weights().get(1).values());
    assertEquals(DType.F32, bn.weights().get(1).sourceDtype());
  }

  @Test
  void readsAnH5pyWrittenKeras1FullModelFileWithSplitLayerNames() throws IOException {
    // h5py: everything under /model_weights, layer_names split into layer_names0 = [convolution2d_1]
    // and layer_names1 = [flatten_1, dense_1], Keras 1 weight names, no keras_version or backend.
    Path file = fixture(H5PY_KERAS1_FULL_MODEL_GZ_BASE64, "keras1_model.h5");
    KerasWeights w = KerasH5.read(file);
    assertNull(w.kerasVersion());
    assertNull(w.backend());
    assertEquals(List.of("convolution2d_1", "flatten_1", "dense_1"), w.layers().stream().map(KerasLayer::name).toList());
    TensorData conv = w.layers().get(0).weights().get(0);
    assertArrayEquals(new long[] {2, 2, 1, 3}, conv.shape());
    for (int i = 0; i < 12; i++) assertEquals(i - 5f, conv.values()[i]);
    assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f}, w.layers().get(0).weights().get(1).values());
    assertEquals(List.of(), w.layers().get(1).weightNames());
    assertEquals(List.of("dense_1_W:0", "dense_1_b:0"), w.layers().get(2).weightNames());
    assertArrayEquals(new float[] {0, 10, 20, 30, 40, 50}, w.layers().get(2).weights().get(0).values());
    assertArrayEquals(new long[] {3, 2}, w.layers().get(2).weights().get(0).shape());
  }

  @Test
  void refusesAMissingLayerGroup() throws IOException {
    Path file = dir.resolve("ghost.h5");
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putAttribute("layer_names", new String[] {"conv", "ghost"});
      hdf.putGroup("conv").putAttribute("weight_names", "");
    }
    assertRefused(file, "ghost.h5: layer 'ghost': no group of that name");
  }

  @Test
  void refusesAMissingDataset() throws IOException {
    Path file = dir.resolve("nods.h5");
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putAttribute("layer_names", new String[] {"conv"});
      WritableGroup g = hdf.putGroup("conv");
      g.putAttribute("weight_names", new String[] {"conv/kernel:0", "conv/bias:0"});
      g.putGroup("conv").putDataset("kernel:0", new float[] {1, 2});
    }
    assertRefused(file, "nods.h5: layer 'conv': dataset 'conv/bias:0': not found in group /conv");
  }

  @Test
  void refusesANonFloatDataset() throws IOException {
    Path file = dir.resolve("ints.h5");
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putAttribute("layer_names", new String[] {"conv"});
      WritableGroup g = hdf.putGroup("conv");
      g.putAttribute("weight_names", new String[] {"k:0"});
      g.putDataset("k:0", new int[] {1, 2});
    }
    assertRefused(file, "ints.h5: layer 'conv': dataset 'k:0': element type int (4 bytes), expected float16, float32 or float64");
  }

  @Test
  void refusesAFileWithoutLayerNames() throws IOException {
    Path file = dir.resolve("plain.h5");
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putDataset("x", new float[] {1});
    }
    assertRefused(file, "plain.h5: no layer_names attribute (not a Keras weights file)");
  }

  @Test
  void refusesNonHdf5EmptyAndTruncatedFiles() throws IOException {
    Path text = dir.resolve("notes.h5");
    Files.writeString(text, "these are not weights, just some text that is long enough to be looked at");
    assertRefused(text, "notes.h5: not a readable HDF5 file");
    Path empty = dir.resolve("empty.h5");
    Files.write(empty, new byte[0]);
    assertRefused(empty, "empty.h5: the file is empty");
    assertRefused(dir.resolve("absent.h5"), "absent.h5: no such file");

    Path full = dir.resolve("full.h5");
    KerasH5.write(full, sample("2.10.0", "tensorflow"));
    byte[] bytes = Files.readAllBytes(full);
    for (int cut : new int[] {8, 100, 1000, bytes.length / 2, bytes.length - 1}) {
      Path truncated = dir.resolve("truncated.h5");
      Files.write(truncated, Arrays.copyOf(bytes, cut));
      assertRefused(truncated, cut < 100 ? "truncated.h5: truncated or corrupt HDF5 file"
          : "truncated.h5: the file is truncated: HDF5 says it ends at byte " + bytes.length + ", the file has " + cut);
    }
  }

  @Test
  void writeRefusesWhatTheLayoutCannotHold() {
    Path file = dir.resolve("x.h5");
    KerasLayer a = new KerasLayer("a", List.of(), List.of());
    assertThrows(IllegalArgumentException.class, () -> KerasH5.write(file, new KerasWeights("2", "tensorflow", List.of(a, a))));
    KerasLayer empty = new KerasLayer("e", List.of("e/k:0"), List.of(new TensorData(new long[] {0, 3}, new float[0])));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KerasH5.write(file, new KerasWeights("2", "tensorflow", List.of(empty))));
    assertTrue(e.getMessage().contains("zero dimension"), e.getMessage());
    assertFalse(Files.exists(file));
  }

  private static void assertRefused(Path file, String expected) {
    WeightFileException e = assertThrows(WeightFileException.class, () -> KerasH5.read(file));
    assertTrue(e.getMessage().startsWith(expected), "message: " + e.getMessage() + "\nexpected: " + expected);
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  private Path fixture(String gzBase64, String name) throws IOException {
    byte[] gz = Base64.getDecoder().decode(gzBase64);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      Path file = dir.resolve(name);
      Files.write(file, in.readAllBytes());
      return file;
    }
  }

  private static final String H5PY_KERAS2_GZ_BASE64 = ""
      + "H4sIAAAAAAACA+2bTUwbRxTHZxcHVoQ0Rk0Vp0RkW3pAFQl2RKWqamujQutD1FhtDhyqehezYS3M2jIuSaVKtaKqcquqyrFH"
      + "jhw5cuTIscceOXLsMTf63903+zFhA3KiNG3eH/2YzAczk+W9Ge+b4Zfq0ueXxt8eF74MQ+REXiR1Qqp8ks7LeotSjdIBpbu6"
      + "LL8Q1BWoPE/9myNh3qQfvPfV8rLf+kRRNBHqwBCs11HV5cWan65QvkjpoZ5u1/Q63/XqJbHaajc2SvVG29su+eXJfH3Vi+x1"
      + "9oxxJ8leVbueEC7Z9wRssiBa9vdOt+7Zm85WUP4mBrjs12vhSGTuUSrnSVKmq87WH69C4xniCli1GxuOtyauaSKYYT7yQSPl"
      + "j+MJp9GCfqr07zeCfjacrr1V33a6W822P85Z/Y0m+tOD8pFT/VuMhYkrkv4tsv2bxf6d8G+5zu+OpttJO6y9oHGlf7s52r9G"
      + "pX9LP7kEPymIB05z3e3FDj5plmmOFbFwUSyckGNLf1elwVv8mo4ybvUa+cmUHLcWjWucMq6/rryVGEdTnkty5ZiHc3tO66Pi"
      + "M/7/X3x2944myOHVdQPqOd5Wu3u/1X4Q+3y0DkC3b5WKtxID7F9mW2axWCwWi8VisVgsFutV09df3l3yY3gy6u+OpeMAanzC"
      + "pPLK++l2LuUHc2Eq4zeVnNJOibP8X3TW+cXOdPq5sF4vqfFNGS8fTKXbqecW0m8qQ46rBV/xeDLuaFwP87PT57PfJybbL9vv"
      + "0/ZbnU63U0POz2u/4f6kRXZ3NJXuV7VjVtY6EJ7DywenyfON3OnnkzLOn1PKs+sLQdeT5g0qM8VVQ1z9keov4Dfo1+u6roXr"
      + "SGhBI1rlXfpkoRycrLyEzz2xXR3fYBsZXv1P8a0MLwd9sAMOwFE5dP08MEERVEANWKAD+mAAHoM/wA7YBXtgHxyAQ/An+Asc"
      + "gWPwN3jiLyuLsEJggAmQB1dAAVwHJngPzII5UAQL4EPwMaiAJVAFd0AN3AMr4BtggTXgghbogB54CH4AffAI/AR+BgPwK/gN"
      + "/L5Iu2eZvOaAVi1aDg/KD79tWNbeuuXujQn9kTgJ8h3LcjtoPcg4TGSxWCwW61//XJlx/+smxT3OGR+xivx+ye+XT79f7s5l"
      + "x0eS9ziHfb+M7n8p8csJ0Sf7zr6H9Y6I72HpynuRMs/5dXtz007exFIbbLa3m956fdvuNm2v4cimWfGbQ/Kv4/nz+df+bemf"
      + "LPav+N6zoVwOlHaaYY6RvxWHfM/euZnuR7Vj1nnjN+GKINefXGY85vR7qtnxGGuG4jHKDAav1PMI7UqP7wmXnt0+WvcW2JbS"
      + "djU6pF2dEecbCe3qIuq1oD/ZvxHsaGvO/Zbdc6J+I/vT9fwH8Vaai2dqvZTn4e+jvl2p+2jWvtmfSduX8uco4vFMOq/GTVks"
      + "FovFYv339A88k6BdQD0AAA==";

  private static final String H5PY_KERAS1_FULL_MODEL_GZ_BASE64 = ""
      + "H4sIAAAAAAACA+1YT28SQRSf2YUU+VMgNdKgteuN47bpwXiQbVMMJyVqYm+IskoTCo3Qqif3iN+gxx77LeTIR/Do0WOP3nC2"
      + "895mZxjW0mAkMr9kMsy8yezw5r3fvPe+VvefZJLFJPGRSJAYyZEwxoCzB+IY5a+hp9APoL8wcJ5eydZhPg/7y+tePq9U/NVj"
      + "CfidH3HeJ4jGMqJa2a35/QGM0Z5GhrjuqNt02/WP7uH7Vr8Xskvnht+lzCPC9psD+y2t8PGQXM9+L5LiuTWW235t5Mu4uO5t"
      + "t3PabZ/0D7ud7WZ9i7xrN/p9t8N+cTTdTs9lI7Tr0h++++Lps32fgZE3LVPk6yqMW3F9R1HAd0vWV5pUQZ8ZpuN10m58dj/U"
      + "O40jt3d1xWtM0VlfTqmgdzrlvtOkNm2/LdzvVmg/pD/sA3tBQwm+Zyp57DLFx941eczLgB1pk9A8xvAQ+loyksfqrx7Zyvk3"
      + "MI/+YEXymBnw2M8V0Y9yILCTEi/eFdeVYFzdEN/j7wVxHQqs4v/JY7K+0hDJI+/wCIoTD/LOWgTvKO5bedWUxLmOKeob+DOm"
      + "3hfvw5Tmp8lNdnZ/Lm9tssiNW1QhQQpfQB5n/86XG4ZBeT7BL9qko1XxZUYc/NX74HZtBHZ9nI5ej/4xuqO5SMQ5C8U91pwh"
      + "D8u9b/BilXn477DmsXbO2tD//ZjNM5lTBs3uMhlrl6xZe4wh9vgeXlnrVkNDQ0NDYzExGVfyuA7jVXNuceKvVYyYRQwWTB/q"
      + "fP8M8pmWkO+Tqfm+hs73w1kQ5ilOUbY3qAPMOU+V8/Bwve22Ik/NW2U4o0N2UmRnjPVOSmfykyHUB44FP5leF3M2xXqCxnL7"
      + "CdafWhviOijLBvUwHMt1MHtGP5HrWnIdWVXPSUXUc0LnFI44+c7yf0oNqqzTTI5v+u7GsmoP+/RP712u39j3o9fj6QeW9plZ"
      + "4jdjbnZ0Lyu+ZIsZv/0G5bZ5hpghAAA=";
}
