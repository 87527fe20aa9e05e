package dev.xfer.train;

import dev.xfer.util.CpuInfo;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * bf16 autocast on the CPU through LibTorch's thread-local autocast state: inside {@link #run},
 * convolutions and matrix products run in bfloat16 on bf16 copies of the float32 master weights
 * (autograd keeps the float32 parameters as leaves, so updates stay in float32). bf16 has float32's
 * exponent range, so no loss scaling is needed. Autocast state is per thread: enable it on the
 * thread that runs the forward pass.
 */
public final class MixedPrecision {
  private MixedPrecision() {}

  /** True when the CPU advertises bf16 arithmetic (AVX512-BF16 or AMX-BF16 in /proc/cpuinfo). */
  public static boolean cpuSupportsBf16() {
    String flags = cpuFlags();
    return flags.contains(" avx512_bf16") || flags.contains(" amx_bf16");
  }

  /** The CPU flags line of /proc/cpuinfo (with a leading space), or "" where it cannot be read. */
  static String cpuFlags() {
    return " " + CpuInfo.firstProcessor().getOrDefault("flags", "") + " ";
  }

  /** Refuses --amp on a CPU without bf16 support, with a message saying why. */
  public static void requireCpuSupport() {
    if (!cpuSupportsBf16()) {
      throw new IllegalArgumentException("--amp: this CPU has no bf16 support (neither avx512_bf16 nor amx_bf16 among the"
          + " /proc/cpuinfo flags), so bf16 autocast would be slower than float32; run without --amp");
    }
  }

  /** Runs {@code work} with CPU bf16 autocast on (when {@code enabled}), restoring the previous state after. */
  public static <T> T run(boolean enabled, Supplier<T> work) {
    return run(enabled, DeviceType.CPU, work);
  }

  /** As {@link #run(boolean, Supplier)} for the autocast state of {@code device} (CPU or CUDA). */
  public static <T> T run(boolean enabled, DeviceType device, Supplier<T> work) {
    if (!enabled) return work.get();
    boolean wasEnabled = torch.is_autocast_enabled(device);
    ScalarType wasType = torch.get_autocast_dtype(device);
    torch.set_autocast_dtype(device, ScalarType.BFloat16);
    torch.set_autocast_enabled(device, true);
    torch.increment_nesting();
    try {
      return work.get();
    } finally {
      if (torch.decrement_nesting() == 0) torch.clear_cache(); // the bf16 weight copies of this pass
      torch.set_autocast_enabled(device, wasEnabled);
      torch.set_autocast_dtype(device, wasType);
    }
  }

  /** Runs {@code work} under autocast for the device {@code model}'s parameters live on. */
  public static <T> T run(boolean enabled, dev.xfer.model.Xception model, Supplier<T> work) {
    return run(enabled, ModelDevice.isCuda(model) ? DeviceType.CUDA : DeviceType.CPU, work);
  }

  /** {@code t} as float32 (autocast outputs may be bf16). */
  public static Tensor toFloat(Tensor t) {
    return t.scalar_type().intern() == ScalarType.Float ? t : t.to(ScalarType.Float);
  }
}
