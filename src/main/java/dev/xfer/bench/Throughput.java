package dev.xfer.bench;

/**
 * A throughput measurement of one workload (no baseline in the same process: PyTorch's figures come
 * from {@code benchmarks/compare/}).
 *
 * @param name what ran ("separable conv fwd+bwd", "train step")
 * @param config the shape or network, e.g. {@code 728@14} or {@code compact-96-b8}
 * @param batch images per operation
 * @param millisPerBatch median wall time of one operation
 * @param flopsPerImage FLOPs per image by a stated formula, or NaN where none is counted
 * @param bytesPerImage compulsory bytes per image by a stated formula, or NaN where none is counted
 */
public record Throughput(String name, String config, int batch, double millisPerBatch, double flopsPerImage,
    double bytesPerImage) {

  public double imagesPerSecond() {
    return batch * 1000.0 / millisPerBatch;
  }

  /** Achieved GFLOP/s (NaN where FLOPs are not counted). */
  public double gflopsPerSecond() {
    return imagesPerSecond() * flopsPerImage / 1e9;
  }

  /** Achieved GB/s of compulsory traffic (NaN where bytes are not counted). */
  public double gigabytesPerSecond() {
    return imagesPerSecond() * bytesPerImage / 1e9;
  }
}
