package dev.xfer.model.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reading half of {@link KerasH5}. jhdf reports problems with unchecked exceptions (and may
 * throw ordinary ones, e.g. on a truncated file); each is wrapped in a {@link WeightFileException}
 * that names the layer and dataset being read.
 */
final class KerasH5Reader {
  private final Path path;

  private KerasH5Reader(Path path) {
    this.path = path;
  }

  static KerasWeights read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) throw new WeightFileException(path, "no such file");
    if (Files.size(path) == 0) throw new WeightFileException(path, "the file is empty");
    KerasH5Reader reader = new KerasH5Reader(path);
    try (HdfFile hdf = new HdfFile(path)) {
      return reader.read(hdf);
    } catch (RuntimeException e) {
      String what = WeightFormat.sniff(path) == WeightFormat.KERAS_H5 ? "truncated or corrupt" : "not a readable";
      throw reader.fail(what + " HDF5 file (" + describe(e) + ")", e);
    }
  }

  private KerasWeights read(HdfFile hdf) throws IOException {
    long end = hdf.getUserBlockSize() + hdf.getHdfBackingStorage().getSuperblock().getEndOfFileAddress();
    long size = Files.size(path);
    if (end > size) throw fail("the file is truncated: HDF5 says it ends at byte " + end + ", the file has " + size);
    Group root = hdf;
    if (!hasList(root, "layer_names") && hdf.getChild("model_weights") instanceof Group weightsGroup) {
      root = weightsGroup;
    }
    List<String> layerNames = strings(root, "layer_names", "");
    if (layerNames == null) {
      throw fail("no layer_names attribute (not a Keras weights file)");
    }
    String version = first(strings(root, "keras_version", ""), strings(hdf, "keras_version", ""));
    String backend = first(strings(root, "backend", ""), strings(hdf, "backend", ""));
    List<KerasLayer> layers = new ArrayList<>();
    for (String name : layerNames) layers.add(layer(root, name));
    return new KerasWeights(version, backend, layers);
  }

  private KerasLayer layer(Group root, String name) throws WeightFileException {
    String at = "layer '" + name + "': ";
    try {
      if (!(root.getChild(name) instanceof Group group)) {
        throw fail(at + "no group of that name" + (root == root.getHdfFile() ? "" : " in " + root.getPath()));
      }
      List<String> weightNames = strings(group, "weight_names", at);
      if (weightNames == null) weightNames = List.of();
      List<TensorData> weights = new ArrayList<>();
      for (String weightName : weightNames) weights.add(tensor(group, weightName, at));
      return new KerasLayer(name, weightNames, weights);
    } catch (RuntimeException e) {
      throw fail(at + describe(e), e);
    }
  }

  private TensorData tensor(Group group, String weightName, String layerAt) throws WeightFileException {
    String at = layerAt + "dataset '" + weightName + "': ";
    Node node;
    try {
      node = group.getByPath(weightName);
    } catch (RuntimeException e) {
      throw fail(at + "not found in group " + group.getPath());
    }
    if (!(node instanceof Dataset ds)) throw fail(at + "is not a dataset");
    try {
      Class<?> type = ds.getJavaType();
      int bytes = ds.getDataType().getSize();
      DType dtype;
      if ((type == float.class || type == Float.class) && (bytes == 2 || bytes == 4)) dtype = bytes == 2 ? DType.F16 : DType.F32;
      else if (type == double.class || type == Double.class) dtype = DType.F64;
      else throw fail(at + "element type " + type.getSimpleName() + " (" + bytes + " bytes), expected float16, float32 or float64");
      long[] shape = ds.isScalar() ? new long[0] : ds.getDimensionsAsLong();
      long numel = TensorData.numel(shape);
      if (numel > ChannelIo.MAX_ELEMENTS) {
        throw fail(at + "shape " + TensorData.shapeString(shape) + " has more elements than a Java array can hold");
      }
      long fileSize = group.getHdfFile().size();
      if (ds.getFilters().isEmpty() && numel > fileSize / bytes) {
        // Uncompressed data must lie inside the file: refuse before jhdf allocates for a hostile shape.
        throw fail(at + "shape " + TensorData.shapeString(shape) + " needs more bytes than the file's " + fileSize);
      }
      float[] values = numel == 0 ? new float[0] : HdfArrays.toFloats(ds.getDataFlat());
      if (values.length != numel) {
        throw fail(at + "read " + values.length + " values for shape " + TensorData.shapeString(shape));
      }
      return new TensorData(shape, values, dtype);
    } catch (RuntimeException e) {
      throw fail(at + describe(e), e);
    }
  }

  private static boolean hasList(Node node, String name) {
    return node.getAttribute(name) != null || node.getAttribute(name + "0") != null;
  }

  /**
   * A string-list attribute, joined from {@code name0}, {@code name1}, ... when Keras split it, or null
   * when absent. An attribute without elements (h5py's empty float64 array or the scalar "") is an
   * empty list.
   */
  private List<String> strings(Node node, String name, String at) throws WeightFileException {
    Attribute whole = node.getAttribute(name);
    if (whole != null) return strings(whole, at);
    if (node.getAttribute(name + "0") == null) return null;
    List<String> out = new ArrayList<>();
    for (int i = 0; node.getAttribute(name + i) != null; i++) out.addAll(strings(node.getAttribute(name + i), at));
    return out;
  }

  private List<String> strings(Attribute attribute, String at) throws WeightFileException {
    if (attribute.isEmpty() || attribute.getSize() == 0) return List.of();
    Object data = attribute.getData();
    List<String> out = new ArrayList<>();
    if (data instanceof String s) {
      if (!s.isEmpty()) out.add(trimNuls(s));
    } else if (data instanceof String[] array) {
      for (String s : array) out.add(trimNuls(s));
    } else if (data instanceof byte[][] rows) {
      for (byte[] row : rows) out.add(trimNuls(new String(row, StandardCharsets.UTF_8)));
    } else {
      String found = data == null ? "nothing" : data.getClass().getSimpleName();
      throw fail(at + "attribute " + attribute.getName() + " is not a list of strings (found " + found + ")");
    }
    return out;
  }

  private static String trimNuls(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\0') end--;
    return s.substring(0, end);
  }

  private static String first(List<String> a, List<String> b) {
    if (a != null && !a.isEmpty()) return a.get(0);
    return b != null && !b.isEmpty() ? b.get(0) : null;
  }

  private static String describe(RuntimeException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private WeightFileException fail(String detail) {
    return new WeightFileException(path, detail);
  }

  private WeightFileException fail(String detail, Throwable cause) {
    return new WeightFileException(path, detail, cause);
  }
}
