package dev.xfer.cli;

import picocli.CommandLine.Option;

/** {@code --channels-last / --no-channels-last}, shared by the commands that run a network ({@code @Mixin}). */
final class LayoutOption {
  @Option(names = "--channels-last", negatable = true,
      description = "Run the network channels-last (NHWC), so oneDNN skips its layout reorders around every convolution: "
          + "1.2-1.6x faster CPU training and 2x faster CPU inference here (benchmarks/RESULTS.md). On by default on "
          + "the CPU, off on CUDA; --no-channels-last runs NCHW. Same model and files; results equal up to float rounding.")
  Boolean channelsLast;

  /** The layout to run in on CUDA ({@code cuda}) or the CPU. */
  NetworkLayout resolve(boolean cuda) {
    return NetworkLayout.resolve(channelsLast, cuda);
  }
}
