package dev.xfer.report;

import dev.xfer.kernels.DepthwiseBackwardKernel;
import dev.xfer.kernels.KerasSgdKernel;
import dev.xfer.kernels.NativeKernels;
import dev.xfer.model.Numerics;
import dev.xfer.model.XceptionConfig;
import dev.xfer.selfcheck.FastPath;
import dev.xfer.selfcheck.SelfCheck;
import dev.xfer.selfcheck.Verdict;
import dev.xfer.selfcheck.XceptionConvShapes;
import dev.xfer.train.MixedPrecision;
import dev.xfer.util.ComputeThreads;
import dev.xfer.util.MemoryAllocator;
import dev.xfer.util.NativeRuntime;
import dev.xfer.util.Versions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;

/** What {@code xfer info} shows about this host and runtime, as name / value lines (also part of a bench report). */
public final class HostFacts {
  private static final int RECIPE_SIZE = 224;
  private static final XceptionConfig RECIPE = XceptionConfig.full(0, Numerics.KERAS);

  private HostFacts() {}

  /** Java, OS, LibTorch build and threads, oneDNN, CUDA, the native kernels and the fast-path self-check. */
  public static Map<String, String> collect() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch")
        + ", " + Runtime.getRuntime().availableProcessors() + " processors");
    facts.put("libtorch", Versions.libTorch() + (torch.hasCUDA() ? " (CUDA build)" : " (CPU build)"));
    facts.put("libtorch threads", torch.get_num_threads() + " intra-op, " + blasThreads());
    facts.put("mkldnn", String.valueOf(torch.hasMKLDNN()));
    facts.put("memory allocator", MemoryAllocator.describe());
    facts.put("cuda", cudaStatus());
    facts.put("native kernels", kernelStatus());
    facts.put("optimizer", optimizerStatus());
    facts.put("depthwise backward", depthwiseStatus());
    facts.put("nnpack", "off (oneDNN serves those convolutions; NNPACK cannot initialise on many CPUs)");
    selfCheck(facts);
    return facts;
  }

  /** The fast-path verdicts for the recipe's network (full Xception at 224 px) on this host. */
  private static void selfCheck(Map<String, String> facts) {
    SelfCheck check = SelfCheck.forHost();
    List<FastPath> paths = MixedPrecision.cpuSupportsBf16()
        ? List.of(FastPath.CHANNELS_LAST, FastPath.CHANNELS_LAST_BF16) : List.of(FastPath.CHANNELS_LAST);
    for (FastPath path : paths) {
      Verdict v = check.check(path, RECIPE, RECIPE_SIZE, RECIPE_SIZE);
      facts.put("self-check " + path.label(), (v.passed() ? "passed" : "FAILED (xfer runs use the safe path)")
          + " for Xception at " + RECIPE_SIZE + " px: " + v.describe().substring("self-check: ".length()));
    }
  }

  private static String cudaStatus() {
    if (NativeRuntime.cudaUnavailable() != null) {
      return "not available: " + NativeRuntime.cudaUnavailable() + "; this GPU build runs on the CPU";
    }
    if (!torch.hasCUDA()) {
      return "not available: this LibTorch build has no CUDA (build with -Pgpu for the CUDA natives)";
    }
    int devices = torch.cuda_device_count();
    return devices > 0 ? "available, " + devices + " device(s)" : "not available: no CUDA device visible";
  }

  private static String kernelStatus() {
    if (NativeKernels.xfer_has_cuda_kernels() == 0) {
      return "CPU (CUDA kernels not compiled: no nvcc at build time)";
    }
    int devices = NativeKernels.xfer_cuda_device_count();
    if (devices > 0) return "CPU + CUDA (" + devices + " device(s))";
    String why = devices == 0 ? "no CUDA device" : NativeKernels.xfer_last_cuda_error();
    return "CPU (CUDA kernels compiled for sm_80/86/89/90, not usable here: " + why + ")";
  }

  private static String optimizerStatus() {
    String verdict = KerasSgdKernel.verdict();
    return verdict == null
        ? "Keras SGD in one native pass on the CPU (bit-identical to LibTorch's update: checked on this host)"
        : "Keras SGD on LibTorch's operations (" + verdict + ")";
  }

  private static String depthwiseStatus() {
    long[][] shapes = XceptionConvShapes.of(RECIPE, RECIPE_SIZE).stream()
        .filter(s -> s.groups() > 1).map(s -> new long[] {s.in(), s.height(), s.width()}).toArray(long[][]::new);
    String verdict = DepthwiseBackwardKernel.check(shapes);
    if (verdict == null) {
      return "native, both gradients in one pass, in channels-last training (matches LibTorch's at the full Xception's "
          + shapes.length + " depthwise shapes at " + RECIPE_SIZE + " px, float32 and bf16, on this host)";
    }
    return "LibTorch's (" + verdict + ")";
  }

  private static String blasThreads() {
    int blas = ComputeThreads.blasThreads();
    return blas == 0 ? "no OpenBLAS loaded" : blas + " OpenBLAS (--threads sets LibTorch's; OpenBLAS runs on the calling thread unless OPENBLAS_NUM_THREADS is set)";
  }
}
