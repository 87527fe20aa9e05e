package dev.xfer.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Brings up the native side of an xfer process so that only the bundled libraries run in it and the
 * console shows what xfer says.
 *
 * <ul>
 *   <li><b>Every bundled library is unpacked before the first one loads.</b> JavaCPP unpacks a
 *       preset's libraries one at a time as it loads them. On a first run the bundled {@code
 *       libtorch.so} is then loaded while {@code libtorch_cpu.so} is not yet beside it, and the
 *       dynamic linker resolves that dependency from the system: on a machine with Debian's
 *       LibTorch that pulls a second, older LibTorch (and its OpenCV, oneDNN, gloo) into the
 *       process, which crashes. Unpacking the whole native folders first lets every {@code
 *       $ORIGIN} run path find the bundled copy.
 *   <li><b>JavaCPP's own warnings are routed to SLF4J</b> (a no-op binding): the one it prints on
 *       every start is that the OpenCV and OpenBLAS presets are one release older than JavaCPP
 *       itself, which is intended (no newer build of them is published). A user who sets {@code
 *       -Dorg.bytedeco.javacpp.logger} keeps their choice.
 *   <li><b>NNPACK is switched off.</b> LibTorch's CPU build asks NNPACK first for some
 *       convolutions; on CPUs NNPACK does not know it fails to initialise and logs a line for every
 *       call (hundreds per run). oneDNN serves those convolutions either way.
 *   <li><b>A GPU build falls back to the CPU</b> where the CUDA runtime it links against is missing,
 *       with one line naming the missing libraries ({@link CudaRuntime}), instead of crashing.
 *   <li><b>glibc's malloc keeps two arenas</b> unless {@code MALLOC_ARENA_MAX} is exported ({@link
 *       NativeHeap}): with one per thread, freed activations stayed resident and a long run grew.
 *   <li><b>The intra-op thread count is set</b> to the number of processors the JVM sees unless
 *       {@code OMP_NUM_THREADS} is exported: LibTorch 2.13's own default is one thread on some
 *       virtual machines. A command's {@code --threads} overrides it afterwards.
 * </ul>
 */
public final class NativeRuntime {
  static final String LOGGER_PROPERTY = "org.bytedeco.javacpp.logger";
  private static final List<String> BUNDLED_FOLDERS = List.of(
      "/org/bytedeco/javacpp/", "/org/bytedeco/openblas/", "/org/bytedeco/pytorch/", "/org/bytedeco/opencv/",
      "/org/bytedeco/cuda/", "/dev/xfer/kernels/");
  static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
  private static boolean prepared;
  private static boolean configured;
  private static String cudaUnavailable;

  private NativeRuntime() {}

  /**
   * Call first thing in {@code main}, before any LibTorch class is used: JavaCPP settings, then every
   * bundled native library unpacked into JavaCPP's cache. Idempotent; about 2 s on an empty cache,
   * milliseconds afterwards.
   */
  public static synchronized void prepare() {
    if (prepared) return;
    NativeMemorySettings.apply();
    if (System.getProperty(LOGGER_PROPERTY) == null) System.setProperty(LOGGER_PROPERTY, "slf4j");
    chooseNatives();
    unpackBundledLibraries();
    prepared = true;
  }

  /**
   * {@link #prepare()}, then loads LibTorch and applies xfer's process-wide settings (NNPACK off, two
   * malloc arenas, the default thread count, OpenBLAS on the calling thread). Idempotent.
   */
  public static synchronized void start() {
    prepare();
    if (configured) return;
    torch.globalContext().setUserEnabledNNPACK(false);
    NativeHeap.limitArenas();
    if (System.getenv("OMP_NUM_THREADS") == null) {
      torch.set_num_threads(Math.max(1, Runtime.getRuntime().availableProcessors()));
    }
    ComputeThreads.keepBlasOnCallingThread();
    configured = true;
  }

  /**
   * Why a GPU build runs on the CPU here (the CUDA libraries it did not find), or null when it does
   * not (a CPU build, or a GPU build with its CUDA runtime present).
   */
  public static String cudaUnavailable() {
    return cudaUnavailable;
  }

  /**
   * A GPU build (LibTorch's CUDA natives in the class path) on a machine without the CUDA runtime
   * they link against loads the CPU natives that ship beside them, and says so in one line.
   */
  private static void chooseNatives() {
    String platform = Loader.getPlatform();
    boolean gpuNatives = NativeRuntime.class.getResource("/org/bytedeco/pytorch/" + platform + "-gpu/") != null;
    if (!gpuNatives || System.getProperty(EXTENSION_PROPERTY) != null) return;
    List<String> missing = CudaRuntime.missing();
    if (missing.isEmpty()) return;
    cudaUnavailable = "the CUDA runtime is missing (" + String.join(", ", missing) + " not found)";
    if (NativeRuntime.class.getResource("/org/bytedeco/pytorch/" + platform + "/") == null) {
      throw new IllegalStateException("this xfer build has only LibTorch's CUDA natives, and " + cudaUnavailable
          + ": install CUDA 13 and cuDNN 9, or build without -Pgpu");
    }
    System.setProperty(EXTENSION_PROPERTY, ""); // JavaCPP then loads the CPU natives
    System.err.println("xfer: " + cudaUnavailable + "; running on the CPU (a GPU server needs CUDA 13 and cuDNN 9)");
  }

  /** The folders (one per preset and platform) that {@link #prepare()} unpacks, for diagnostics. */
  static List<String> folders() {
    String platform = Loader.getPlatform();
    return BUNDLED_FOLDERS.stream()
        .flatMap(f -> cudaUnavailable == null ? java.util.stream.Stream.of(f + platform + "/", f + platform + "-gpu/")
            : java.util.stream.Stream.of(f + platform + "/"))
        .toList();
  }

  private static void unpackBundledLibraries() {
    for (String folder : folders()) {
      try {
        Loader.cacheResources(NativeRuntime.class, folder);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot unpack the bundled native libraries of " + folder
            + " into JavaCPP's cache " + cacheDirectory() + " (set -Dorg.bytedeco.javacpp.cachedir=DIR to use another"
            + " folder): " + e.getMessage(), e);
      }
    }
  }

  private static String cacheDirectory() {
    try {
      return Loader.getCacheDir().getPath();
    } catch (IOException e) {
      return "(unavailable: " + e.getMessage() + ")";
    }
  }
}
