package dev.xfer.cli;

import dev.xfer.model.MemoryFormat;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.selfcheck.FastPathGate;
import dev.xfer.selfcheck.SelfCheck;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/**
 * {@code --channels-last / --no-channels-last} and {@code --self-check / --no-self-check}, shared by
 * the commands that run a network ({@code @Mixin}).
 */
final class MemoryFormatOption {
  @Option(names = "--channels-last", negatable = true,
      description = "Run the network channels-last (NHWC), so oneDNN skips its layout reorders around every convolution: "
          + "1.2-1.6x faster CPU training and 1.75x faster CPU inference here (benchmarks/RESULTS.md). On by default on "
          + "the CPU, off on CUDA; --no-channels-last runs NCHW. Same model and files; results equal up to float rounding.")
  Boolean channelsLast;

  @Option(names = "--self-check", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Before a CPU run uses channels-last or bf16 autocast, check the network's own convolution shapes on "
          + "this host against NCHW float32, forward and backward, and fall back (saying so) where they disagree. "
          + "Cached per CPU, LibTorch release and shape (about 3 s once, milliseconds after). On by default; "
          + "--no-self-check trusts the fast paths unchecked.")
  boolean selfCheck = true;

  /** The layout to run in on CUDA ({@code cuda}) or the CPU, before any check. */
  MemoryFormat resolve(boolean cuda) {
    return MemoryFormat.resolve(channelsLast, cuda);
  }

  /**
   * For a CPU run at {@code height} x {@code width} inputs: the layout and precision that pass the host
   * self-check (unless {@code --no-self-check}), with each verdict printed to {@code out}.
   */
  FastPathGate.Choice checkOnCpu(MemoryFormat layout, boolean bf16, XceptionConfig config, int height, int width,
      PrintStream out) {
    FastPathGate.Choice choice = choose(layout, bf16, config, height, width);
    choice.lines().forEach(out::println);
    return choice;
  }

  private FastPathGate.Choice choose(MemoryFormat layout, boolean bf16, XceptionConfig config, int height, int width) {
    return selfCheck
        ? FastPathGate.choose(layout.channelsLast(), bf16, config, height, width, SelfCheck.forHost())
        : FastPathGate.unchecked(layout.channelsLast(), bf16);
  }

  /**
   * For the commands that run on the CPU only (evaluate, predict, embed): puts {@code model} in the
   * layout that passes the self-check at {@code height} x {@code width} inputs. Only a fallback is
   * reported, on standard error: standard output is the command's result, often read by other tools.
   */
  void applyOnCpu(Xception model, int height, int width) {
    MemoryFormat layout = resolve(false);
    FastPathGate.Choice choice = choose(layout, false, model.config(), height, width);
    if (choice.channelsLast()) {
      model.useChannelsLast();
    } else if (layout.channelsLast()) {
      choice.lines().forEach(System.err::println);
    }
  }
}
