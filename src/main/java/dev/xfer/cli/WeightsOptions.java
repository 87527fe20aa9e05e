package dev.xfer.cli;

import dev.xfer.kernels.JpegIdct;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.Numerics;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that reads weights shares. */
final class WeightsOptions {
  @Option(names = "--weights", required = true, paramLabel = "FILE",
      description = "Keras .h5 (with or without top), timm legacy_xception .safetensors, or an xfer model file.")
  Path weights;

  @Option(names = "--format", defaultValue = "auto", paramLabel = "auto|keras|timm|xfer",
      description = "Weight file format (default: ${DEFAULT-VALUE}, decided from the file's content).")
  String format;

  @Option(names = "--numerics", paramLabel = "keras|timm",
      description = "Override the numerics that come with the weights (Keras: BN eps 1e-3 and TF 'same' max-pools; timm: eps 1e-5, symmetric pools).")
  String numerics;

  @Option(names = "--expect-md5", paramLabel = "HEX", description = "Refuse the file unless its md5 matches.")
  String expectMd5;

  @Option(names = "--allow-nonfinite",
      description = "Load weights (and .npy inputs) holding NaN or infinite values, or a negative BatchNorm variance, with a warning instead of refusing them.")
  boolean allowNonFinite;

  @Option(names = "--jpeg-idct", paramLabel = "fast|accurate",
      description = "JPEG inverse DCT: fast (TensorFlow's default decode_jpeg, as tfds and Keras decode) or accurate"
          + " (PIL, OpenCV). Default: what the model file records; for Keras weights fast, for timm weights accurate;"
          + " with --numerics, that numerics' default.")
  String jpegIdct;

  LoadedModel load() throws IOException {
    ModelLoader.Format f;
    try {
      f = ModelLoader.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--format: expected auto, keras, timm or xfer, found " + format);
    }
    Numerics n = numerics == null ? null : Numerics.byName(numerics);
    JpegIdct idct;
    try {
      idct = jpegIdct != null ? JpegIdct.parse(jpegIdct) : n == null ? null : n == Numerics.TIMM ? JpegIdct.ACCURATE : JpegIdct.FAST;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--jpeg-idct: " + e.getMessage());
    }
    LoadedModel m = ModelLoader.load(weights, f, n, expectMd5, allowNonFinite);
    if (idct == null) return m;
    return new LoadedModel(m.config(), m.preprocessing().withJpegIdct(idct), m.classNames(), m.stateDict(), m.format());
  }
}
