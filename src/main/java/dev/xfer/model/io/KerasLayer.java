package dev.xfer.model.io;

import java.util.List;
import java.util.Objects;

/**
 * One layer group of a Keras weights file.
 *
 * @param name the layer (and group) name, e.g. "block1_conv1"
 * @param weightNames the group's {@code weight_names} in file order, paths relative to the group,
 *     e.g. "block1_conv1/kernel:0" (Keras 2) or "block1_conv1_W:0" (Keras 1)
 * @param weights the datasets those names lead to, in the same order, in Keras layouts
 *     (conv kernels {@code (kh, kw, in, out)})
 */
public record KerasLayer(String name, List<String> weightNames, List<TensorData> weights) {

  /** Copies both lists (unmodifiable) and checks that they have the same length. */
  public KerasLayer {
    Objects.requireNonNull(name, "name");
    weightNames = List.copyOf(weightNames);
    weights = List.copyOf(weights);
    if (weightNames.size() != weights.size()) {
      throw new IllegalArgumentException("layer " + name + ": " + weightNames.size() + " weight names but "
          + weights.size() + " weights");
    }
  }
}
