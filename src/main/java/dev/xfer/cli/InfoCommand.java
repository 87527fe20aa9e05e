package dev.xfer.cli;

import dev.xfer.kernels.NativeKernels;
import dev.xfer.util.ComputeThreads;
import dev.xfer.util.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xfer info}: what this installation runs on, and why CUDA is or is not used. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Show the Java runtime, the LibTorch build and its threads, whether CUDA is available (and why not), and which native xfer kernels are loaded (CPU always; CUDA when compiled in and a GPU is visible).")
final class InfoCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  @Override
  public Integer call() {
    Map<String, String> facts = collect();
    if (json) {
      System.out.println(Json.object(facts));
    } else {
      int width = facts.keySet().stream().mapToInt(String::length).max().orElse(0);
      facts.forEach((k, v) -> System.out.printf("%-" + width + "s  %s%n", k, v));
    }
    return 0;
  }

  static Map<String, String> collect() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch")
        + ", " + Runtime.getRuntime().availableProcessors() + " processors");
    facts.put("libtorch", Versions.libTorch() + (torch.hasCUDA() ? " (CUDA build)" : " (CPU build)"));
    facts.put("libtorch threads", torch.get_num_threads() + " intra-op, " + blasThreads());
    facts.put("mkldnn", String.valueOf(torch.hasMKLDNN()));
    facts.put("cuda", cudaStatus());
    facts.put("native kernels", kernelStatus());
    return facts;
  }

  private static String cudaStatus() {
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

  private static String blasThreads() {
    int blas = ComputeThreads.blasThreads();
    return blas == 0 ? "no OpenBLAS loaded" : blas + " OpenBLAS (--threads sets both)";
  }
}
