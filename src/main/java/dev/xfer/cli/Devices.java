package dev.xfer.cli;

import java.util.Locale;
import org.bytedeco.pytorch.global.torch;

/** Resolves {@code --device cpu|cuda|auto} against what this LibTorch build can do. */
final class Devices {
  private Devices() {}

  /** "cpu" or "cuda"; a clear error for cuda where LibTorch has no CUDA or sees no GPU. */
  static String resolve(String requested) {
    String d = requested.toLowerCase(Locale.ROOT);
    boolean cuda = torch.cuda_is_available();
    return switch (d) {
      case "cpu" -> "cpu";
      case "auto" -> cuda ? "cuda" : "cpu";
      case "cuda" -> {
        if (!cuda) {
          throw new IllegalArgumentException("--device cuda: this LibTorch build has no CUDA or sees no GPU (xfer ships"
              + " the CPU natives of org.bytedeco:pytorch); use --device cpu or auto");
        }
        yield "cuda";
      }
      default -> throw new IllegalArgumentException("--device " + requested + ": expected cpu, cuda or auto");
    };
  }
}
