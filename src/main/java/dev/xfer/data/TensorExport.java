package dev.xfer.data;

import dev.xfer.util.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact input tensor a model would see, written as .npy ({@code xfer preprocess}): X.npy, float32
 * (N, 3, S, S); X.labels.npy, int64 (N), for a labelled folder; X.files.txt, one path per line in tensor order.
 *
 * @param tensor X.npy
 * @param labels X.labels.npy
 * @param files X.files.txt
 */
public record TensorExport(Path tensor, Path labels, Path files) {
  /** The three files named after {@code tensor} (X.npy). */
  public static TensorExport of(Path tensor) {
    String base = tensor.getFileName().toString().replaceFirst("\\.npy$", "");
    return new TensorExport(tensor, tensor.resolveSibling(base + ".labels.npy"), tensor.resolveSibling(base + ".files.txt"));
  }

  /**
   * Reads {@code samples} in order through a loader with {@code config} (no shuffling is the caller's choice)
   * and writes the files, the labels only {@code withLabels}. Returns the number of images written.
   *
   * @throws IllegalStateException when no image could be decoded (nothing is written)
   */
  public long write(List<Sample> samples, LoaderConfig config, DataReport report, boolean withLabels) throws IOException {
    int size = config.imageSize();
    List<String> names = new ArrayList<>();
    long written;
    try (Loader loader = new Loader(samples, config, report);
        NpyStreamWriter x = new NpyStreamWriter(tensor, NpyStreamWriter.Type.FLOAT32, 3, size, size);
        NpyStreamWriter y = withLabels ? new NpyStreamWriter(labels, NpyStreamWriter.Type.INT64) : null;
        Epoch epoch = loader.epoch(0)) {
      for (Batch b : epoch) {
        try (b) {
          x.write(b.images());
          if (y != null) y.write(b.labels());
          for (Path p : b.files()) names.add(p.toString());
        }
      }
      if (x.rows() == 0) throw new IllegalStateException("no image could be decoded; nothing written (" + report.summary() + ")");
      written = x.rows();
      x.finish();
      if (y != null) y.finish();
    }
    AtomicFiles.write(files, temp -> Files.write(temp, names, StandardCharsets.UTF_8));
    return written;
  }
}
