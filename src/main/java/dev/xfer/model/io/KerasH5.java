package dev.xfer.model.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Keras HDF5 weight files (tf.keras {@code hdf5_format.py}, Keras 1 {@code topology.py}): root
 * attributes {@code layer_names} (possibly split into {@code layer_names0}, {@code layer_names1}, ...),
 * {@code backend} and {@code keras_version}; one group per layer with a {@code weight_names} attribute;
 * each weight a dataset at that name relative to the layer group, so "block1_conv1/kernel:0" is the
 * dataset {@code /block1_conv1/block1_conv1/kernel:0}.
 */
public final class KerasH5 {
  private KerasH5() {}

  /**
   * Reads every layer in {@code layer_names} order with its weights in {@code weight_names} order.
   * A full-model file (from {@code model.save}) is read from its {@code model_weights} group. Datasets
   * must be float16, float32 or float64 (converted to float32). A layer group without a
   * {@code weight_names} attribute is read as a layer without weights.
   *
   * @throws WeightFileException for a file that is not HDF5, is truncated or corrupt, lacks
   *     {@code layer_names}, a layer group or a dataset, or holds a non-float dataset; the message
   *     starts with the file name and names the layer and dataset
   */
  public static KerasWeights read(Path path) throws IOException {
    return KerasH5Reader.read(path);
  }

  /**
   * Writes a Keras-2-layout file with jhdf: root attributes {@code layer_names} and, when not null,
   * {@code backend} and {@code keras_version}; a group per layer with {@code weight_names}; each
   * weight at its name relative to the layer group, intermediate groups created for '/' in names.
   * Written under a temporary name in the same folder and renamed into place.
   *
   * <p>Differences from h5py's output, forced by jhdf 0.13 (both are read back by {@link #read} and
   * by h5py/Keras): strings are fixed-length UTF-8 null-terminated rather than null-padded ASCII,
   * and an empty name list (a layer without weights) is the scalar string "" because jhdf cannot
   * write zero-length arrays (h5py writes an empty float64 array). Tensors with a zero dimension
   * cannot be written.
   *
   * @throws IllegalArgumentException for duplicate layer names or a tensor jhdf cannot write
   */
  public static void write(Path path, KerasWeights weights) throws IOException {
    KerasH5Writer.write(path, weights);
  }
}
