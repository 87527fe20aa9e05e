package dev.xfer.model.io;

import dev.xfer.util.AtomicFiles;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The writing half of {@link KerasH5}. */
final class KerasH5Writer {
  private KerasH5Writer() {}

  static void write(Path path, KerasWeights weights) throws IOException {
    check(weights);
    AtomicFiles.write(path, temp -> {
      try (WritableHdfFile hdf = HdfFile.write(temp)) {
        hdf.putAttribute("layer_names", names(weights.layers().stream().map(KerasLayer::name).toList()));
        if (weights.backend() != null) hdf.putAttribute("backend", weights.backend());
        if (weights.kerasVersion() != null) hdf.putAttribute("keras_version", weights.kerasVersion());
        for (KerasLayer layer : weights.layers()) writeLayer(hdf.putGroup(layer.name()), layer);
      } catch (RuntimeException e) {
        throw new WeightFileException(path, "jhdf could not write the file: " + e, e);
      }
    });
  }

  private static void writeLayer(WritableGroup group, KerasLayer layer) {
    group.putAttribute("weight_names", names(layer.weightNames()));
    Map<String, WritableGroup> subgroups = new HashMap<>();
    for (int i = 0; i < layer.weights().size(); i++) {
      String name = layer.weightNames().get(i);
      String[] parts = name.split("/", -1);
      WritableGroup parent = group;
      String prefix = "";
      for (int p = 0; p < parts.length - 1; p++) {
        prefix += parts[p] + "/";
        WritableGroup outer = parent;
        String child = parts[p];
        parent = subgroups.computeIfAbsent(prefix, k -> outer.putGroup(child));
      }
      parent.putDataset(parts[parts.length - 1], HdfArrays.nested(layer.weights().get(i)));
    }
  }

  /** Refuses, before anything is written, what jhdf or the HDF5 layout cannot hold. */
  private static void check(KerasWeights weights) {
    Set<String> layers = new HashSet<>();
    for (KerasLayer layer : weights.layers()) {
      if (!layers.add(layer.name())) throw new IllegalArgumentException("duplicate layer name " + layer.name());
      if (!isPathElement(layer.name())) {
        throw new IllegalArgumentException("layer name \"" + layer.name() + "\" cannot be an HDF5 group name");
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < layer.weights().size(); i++) {
        String name = layer.weightNames().get(i);
        String at = "layer " + layer.name() + " weight " + name + ": ";
        if (!names.add(name)) throw new IllegalArgumentException(at + "duplicate weight name");
        for (String part : name.split("/", -1)) {
          if (!isPathElement(part)) throw new IllegalArgumentException(at + "not a relative HDF5 path");
        }
        for (long d : layer.weights().get(i).shape()) {
          if (d == 0) throw new IllegalArgumentException(at + "jhdf 0.13 cannot write a dataset with a zero dimension");
          if (d > Integer.MAX_VALUE) throw new IllegalArgumentException(at + "dimension " + d + " is too large");
        }
      }
    }
  }

  private static boolean isPathElement(String s) {
    return !s.isEmpty() && !s.contains("/") && !s.equals(".") && !s.equals("..");
  }

  /** A string-array attribute value; "" for an empty list (jhdf cannot write empty arrays). */
  private static Object names(List<String> names) {
    return names.isEmpty() ? "" : names.toArray(new String[0]);
  }
}
