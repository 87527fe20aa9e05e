package dev.xfer.cli;

import dev.xfer.util.ComputeThreads;
import picocli.CommandLine.Option;

/** {@code --threads N}: LibTorch's intra-op threads, shared by the commands that train or run a network ({@code @Mixin}). */
final class ThreadsOption {
  @Option(names = "--threads", description = "LibTorch intra-op threads (default: the number of processors, or OMP_NUM_THREADS when set).")
  Integer count;

  /** Sets LibTorch's thread count when {@code --threads} was given (OpenBLAS stays on one, {@link ComputeThreads}). */
  void apply() {
    if (count != null) ComputeThreads.set(count);
  }
}
