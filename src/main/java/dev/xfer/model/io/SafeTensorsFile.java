package dev.xfer.model.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The contents of a safetensors file.
 *
 * @param tensors tensors by name, in the order of the file's header (unmodifiable, iteration order kept)
 * @param metadata the header's {@code __metadata__} (string to string; empty when absent)
 */
public record SafeTensorsFile(Map<String, TensorData> tensors, Map<String, String> metadata) {

  /** Copies both maps into unmodifiable, order-keeping maps. */
  public SafeTensorsFile {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tensors, "tensors")));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
  }
}
