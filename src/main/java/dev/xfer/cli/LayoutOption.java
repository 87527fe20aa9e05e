package dev.xfer.cli;

import dev.xfer.model.Xception;
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

  /** For the commands that run on the CPU only (evaluate, predict, embed): puts {@code model} in the resolved layout. */
  void applyOnCpu(Xception model) {
    if (resolve(false).channelsLast()) model.useChannelsLast();
  }
}
