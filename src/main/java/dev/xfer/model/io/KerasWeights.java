package dev.xfer.model.io;

import java.util.List;
import java.util.Optional;

/**
 * The contents of a Keras HDF5 weights file (from {@code save_weights}, or the {@code model_weights}
 * group of a {@code save} file).
 *
 * @param kerasVersion the root {@code keras_version} attribute, or null when absent, which means
 *     Keras 1 (then Keras itself applies its Keras-1 weight conversions)
 * @param backend the root {@code backend} attribute (e.g. "tensorflow"), or null when absent
 * @param layers every layer in the file's {@code layer_names} order, layers without weights included
 */
public record KerasWeights(String kerasVersion, String backend, List<KerasLayer> layers) {

  /** Copies the list (unmodifiable). */
  public KerasWeights {
    layers = List.copyOf(layers);
  }

  /** The layer called {@code name}, if there is one. */
  public Optional<KerasLayer> layer(String name) {
    return layers.stream().filter(l -> l.name().equals(name)).findFirst();
  }
}
