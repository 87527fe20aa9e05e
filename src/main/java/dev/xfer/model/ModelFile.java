package dev.xfer.model;

import dev.xfer.kernels.JpegIdct;
import dev.xfer.kernels.Normalization;
import dev.xfer.util.Json;
import dev.xfer.model.io.SafeTensors;
import dev.xfer.model.io.SafeTensorsFile;
import dev.xfer.model.io.TensorData;
import dev.xfer.model.io.WeightFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * xfer's own model file: a safetensors file with timm-compatible tensor names whose
 * {@code __metadata__} (string to string, as the format requires) describes everything needed to
 * use it, so Python and C++ programs can read it too:
 *
 * <pre>
 * xfer.format            "xfer-model/1"
 * xfer.width_multiplier  "1.0"        xfer.middle_blocks "8"      xfer.num_classes "5"
 * xfer.numerics          "keras"      xfer.bn_eps "0.001"  xfer.bn_momentum "0.01"  xfer.same_pooling "true"
 * xfer.image_size        "224"        xfer.scale_div "127.5"  xfer.mean "1,1,1"  xfer.std "1,1,1"
 * xfer.class_names       JSON array of strings, e.g. ["daisy","roses"] (empty without a classifier)
 * </pre>
 */
public final class ModelFile {
  public static final String FORMAT = "xfer-model/1";
  static final String FORMAT_KEY = "xfer.format";

  private ModelFile() {}

  /** Writes {@code model} with its preprocessing and class names, atomically. */
  public static void save(Path path, Xception model, Preprocessing preprocessing, List<String> classNames)
      throws IOException {
    XceptionConfig c = model.config();
    int classes = model.hasClassifier() ? (int) model.named_parameters().get("fc.bias").size(0) : 0;
    if (classNames.size() != classes) {
      throw new IllegalArgumentException("class names: expected " + classes + " (the classifier's outputs), found " + classNames.size());
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(FORMAT_KEY, FORMAT);
    meta.put("xfer.width_multiplier", Double.toString(c.widthMultiplier()));
    meta.put("xfer.middle_blocks", Integer.toString(c.middleBlocks()));
    meta.put("xfer.num_classes", Integer.toString(classes));
    meta.put("xfer.numerics", c.numerics().name());
    meta.put("xfer.bn_eps", Double.toString(c.numerics().bnEps()));
    meta.put("xfer.bn_momentum", Double.toString(c.numerics().bnMomentum()));
    meta.put("xfer.same_pooling", Boolean.toString(c.numerics().samePooling()));
    Normalization norm = preprocessing.normalization();
    meta.put("xfer.image_size", Integer.toString(preprocessing.imageSize()));
    meta.put("xfer.scale_div", Float.toString(norm.scaleDiv()));
    meta.put("xfer.mean", join(norm.mean()));
    meta.put("xfer.std", join(norm.std()));
    meta.put("xfer.jpeg_idct", preprocessing.jpegIdct().label());
    meta.put("xfer.class_names", jsonArray(classNames));
    SafeTensors.write(path, StateDict.export(model), meta);
  }

  /** True when a safetensors file's metadata marks it as an xfer model file. */
  public static boolean isModelFile(SafeTensorsFile file) {
    return file.metadata().containsKey(FORMAT_KEY);
  }

  /** Reads the architecture, numerics, preprocessing and class names of an xfer model file. */
  public static LoadedModel read(Path path, SafeTensorsFile file) throws WeightFileException {
    Map<String, String> m = file.metadata();
    String name = path.getFileName().toString();
    if (!FORMAT.equals(m.get(FORMAT_KEY))) {
      throw new WeightFileException(name + ": expected " + FORMAT_KEY + " = " + FORMAT + ", found " + m.get(FORMAT_KEY));
    }
    try {
      Numerics numerics = new Numerics(m.get("xfer.numerics"), Double.parseDouble(m.get("xfer.bn_eps")),
          Double.parseDouble(m.get("xfer.bn_momentum")), Boolean.parseBoolean(m.get("xfer.same_pooling")));
      XceptionConfig config = new XceptionConfig(Double.parseDouble(m.get("xfer.width_multiplier")),
          Integer.parseInt(m.get("xfer.middle_blocks")), Integer.parseInt(m.get("xfer.num_classes")), numerics);
      Normalization norm =
          new Normalization(Float.parseFloat(m.get("xfer.scale_div")), floats(m.get("xfer.mean")), floats(m.get("xfer.std")));
      // Files written before the IDCT was recorded: the default of their normalisation's pipeline.
      String idct = m.get("xfer.jpeg_idct");
      Preprocessing pre = new Preprocessing(Integer.parseInt(m.get("xfer.image_size")), norm,
          idct == null ? JpegIdct.defaultFor(norm) : JpegIdct.parse(idct));
      List<String> classes = new ArrayList<>();
      for (Object o : (List<?>) Json.parse(m.get("xfer.class_names"))) classes.add((String) o);
      Map<String, TensorData> tensors = file.tensors();
      requireAgreement(name, config, classes, tensors.get("fc.bias"));
      return new LoadedModel(config, pre, classes, tensors, "xfer");
    } catch (RuntimeException e) {
      throw new WeightFileException(name + ": bad xfer metadata: " + e.getMessage());
    }
  }

  /** The metadata's class count and class names must match the classifier the tensors hold. */
  private static void requireAgreement(String name, XceptionConfig config, List<String> classes, TensorData fcBias)
      throws WeightFileException {
    if (fcBias == null) return;
    long outputs = fcBias.numel();
    if (config.numClasses() != outputs) {
      throw new WeightFileException(name + ": the metadata says xfer.num_classes = " + config.numClasses()
          + " but the classifier 'fc.bias' has " + outputs + " outputs");
    }
    if (!classes.isEmpty() && classes.size() != outputs) {
      throw new WeightFileException(name + ": the metadata lists " + classes.size() + " class names (xfer.class_names)"
          + " but the classifier 'fc.bias' has " + outputs + " outputs");
    }
  }

  private static String join(float[] v) {
    return v[0] + "," + v[1] + "," + v[2];
  }

  private static float[] floats(String csv) {
    String[] parts = csv.split(",");
    if (parts.length != 3) throw new IllegalArgumentException("expected 3 comma-separated values, found " + csv);
    float[] out = new float[3];
    for (int i = 0; i < 3; i++) out[i] = Float.parseFloat(parts[i].strip());
    return out;
  }

  private static String jsonArray(List<String> names) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) sb.append(',');
      sb.append('"');
      for (char ch : names.get(i).toCharArray()) {
        if (ch == '"' || ch == '\\') sb.append('\\').append(ch);
        else if (ch < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
        else sb.append(ch);
      }
      sb.append('"');
    }
    return sb.append(']').toString();
  }
}
