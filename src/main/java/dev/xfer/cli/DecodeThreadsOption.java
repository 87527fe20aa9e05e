package dev.xfer.cli;

import picocli.CommandLine.Option;

/** {@code --threads N}: image decode threads, shared by the commands that read an image folder ({@code @Mixin}). */
final class DecodeThreadsOption {
  @Option(names = "--threads", paramLabel = "N", description = "Decode threads (default: min(4, cores)).")
  Integer count;
}
