package dev.xfer.model;

import dev.xfer.util.RegularFiles;
import dev.xfer.model.io.KerasH5;
import dev.xfer.model.io.KerasLayer;
import dev.xfer.model.io.KerasWeights;
import dev.xfer.model.io.Md5;
import dev.xfer.model.io.SafeTensors;
import dev.xfer.model.io.SafeTensorsFile;
import dev.xfer.model.io.TensorData;
import dev.xfer.model.io.WeightFileException;
import dev.xfer.model.io.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Xception weights from any supported file and works out what they imply. The numerics
 * follow the framework the weights came from (Keras: BN eps 1e-3 and TF 'same' max-pools; timm:
 * eps 1e-5 and symmetric pools) unless overridden.
 */
public final class ModelLoader {
  /** Which reader to use; AUTO decides from the file's content. */
  public enum Format { AUTO, KERAS, TIMM, XFER }

  private static final Pattern KERAS_BLOCK = Pattern.compile("block(\\d+)_sepconv\\d+");
  private static final Pattern TIMM_BLOCK = Pattern.compile("block(\\d+)\\..*");

  private ModelLoader() {}

  /**
   * @param numericsOverride replaces the weights' own numerics when not null
   * @param expectMd5 when not null, the file's md5 must match (hex, case-insensitive)
   */
  public static LoadedModel load(Path path, Format format, Numerics numericsOverride, String expectMd5)
      throws IOException {
    return load(path, format, numericsOverride, expectMd5, false);
  }

  /**
   * As {@link #load(Path, Format, Numerics, String)}; weights with a NaN or infinity, or a negative BatchNorm
   * running variance, are refused naming the tensor, unless {@code allowNonFinite}, which loads them with a
   * warning on standard error.
   */
  public static LoadedModel load(Path path, Format format, Numerics numericsOverride, String expectMd5,
      boolean allowNonFinite) throws IOException {
    LoadedModel loaded = read(path, format, numericsOverride, expectMd5);
    List<String> problems = FiniteCheck.problems(loaded.stateDict());
    if (!problems.isEmpty()) {
      String line = path + ": " + FiniteCheck.summary(problems);
      if (!allowNonFinite) throw new WeightFileException(line + "; weights must be finite (--allow-nonfinite loads them anyway)");
      System.err.println("warning: " + line + " (loaded anyway: --allow-nonfinite)");
    }
    return loaded;
  }

  private static LoadedModel read(Path path, Format format, Numerics numericsOverride, String expectMd5)
      throws IOException {
    String name = path.getFileName().toString();
    String notRegular = RegularFiles.problem(path);
    if (notRegular != null) throw new WeightFileException(path + ": " + notRegular + " (expected a weight file: .h5 or .safetensors)");
    if (expectMd5 != null) {
      String actual = Md5.hex(path);
      if (!actual.equalsIgnoreCase(expectMd5.strip())) {
        throw new WeightFileException(name + ": md5 " + actual + " does not match the expected " + expectMd5.strip().toLowerCase(Locale.ROOT));
      }
    }
    WeightFormat detected = WeightFormat.detect(path);
    Format resolved = resolve(format, detected, path);
    LoadedModel loaded = switch (resolved) {
      case KERAS -> fromKeras(path, KerasH5.read(path));
      case TIMM -> fromTimm(path, SafeTensors.read(path));
      case XFER -> ModelFile.read(path, SafeTensors.read(path));
      case AUTO -> throw new AssertionError("resolved above");
    };
    if (numericsOverride == null) return loaded;
    return new LoadedModel(loaded.config().withNumerics(numericsOverride), loaded.preprocessing(),
        loaded.classNames(), loaded.stateDict(), loaded.format());
  }

  private static Format resolve(Format requested, WeightFormat detected, Path path) throws IOException {
    String name = path.getFileName().toString();
    return switch (requested) {
      case AUTO -> switch (detected) {
        case KERAS_H5 -> Format.KERAS;
        case SAFETENSORS -> ModelFile.isModelFile(SafeTensors.read(path)) ? Format.XFER : Format.TIMM;
        case NPY -> throw new WeightFileException(name + ": is a .npy array, not weights");
      };
      case KERAS -> {
        if (detected != WeightFormat.KERAS_H5) throw new WeightFileException(name + ": --format keras expects an HDF5 (.h5) file, found " + detected);
        yield requested;
      }
      case TIMM, XFER -> {
        if (detected != WeightFormat.SAFETENSORS) throw new WeightFileException(name + ": --format " + requested.name().toLowerCase(Locale.ROOT) + " expects a safetensors file, found " + detected);
        yield requested;
      }
    };
  }

  static LoadedModel fromKeras(Path path, KerasWeights weights) throws WeightFileException {
    String name = path.getFileName().toString();
    int lastBlock = 0;
    int stemChannels = -1;
    int classes = 0;
    for (KerasLayer layer : weights.layers()) {
      Matcher m = KERAS_BLOCK.matcher(layer.name());
      if (m.matches()) lastBlock = Math.max(lastBlock, Integer.parseInt(m.group(1)));
      if (layer.name().equals("block1_conv1") && !layer.weights().isEmpty()) stemChannels = (int) layer.weights().get(0).shape()[3];
      if (layer.name().equals("predictions") && layer.weights().size() == 2) classes = (int) layer.weights().get(1).shape()[0];
    }
    if (stemChannels < 0 || lastBlock < 6) {
      throw new WeightFileException(name + ": not Keras Xception weights (no block1_conv1 kernel or too few blocks)");
    }
    int blockCount = lastBlock - 2; // Keras block14 is timm's conv3/conv4 after block12
    XceptionConfig config = new XceptionConfig(stemChannels / 32.0, blockCount - 4, classes, Numerics.KERAS);
    try {
      Map<String, TensorData> sd = KerasXceptionMapping.toStateDict(weights, blockCount, name);
      return new LoadedModel(config, Preprocessing.keras(299), List.of(), sd, "keras");
    } catch (IllegalArgumentException e) {
      throw new WeightFileException(e.getMessage());
    }
  }

  static LoadedModel fromTimm(Path path, SafeTensorsFile file) throws WeightFileException {
    String name = path.getFileName().toString();
    Map<String, TensorData> sd = new LinkedHashMap<>();
    int blocks = 0;
    for (Map.Entry<String, TensorData> e : file.tensors().entrySet()) {
      if (e.getKey().endsWith("num_batches_tracked")) continue;
      sd.put(e.getKey(), e.getValue());
      Matcher m = TIMM_BLOCK.matcher(e.getKey());
      if (m.matches()) blocks = Math.max(blocks, Integer.parseInt(m.group(1)));
    }
    TensorData conv1 = sd.get("conv1.weight");
    if (conv1 == null || conv1.shape().length != 4 || blocks < 4) {
      throw new WeightFileException(name + ": not a timm legacy_xception state dict (no conv1.weight or too few blocks)");
    }
    TensorData fcBias = sd.get("fc.bias");
    int classes = fcBias == null ? 0 : (int) fcBias.shape()[0];
    XceptionConfig config = new XceptionConfig(conv1.shape()[0] / 32.0, blocks - 4, classes, Numerics.TIMM);
    return new LoadedModel(config, Preprocessing.timm(299), List.of(), sd, "timm");
  }
}
