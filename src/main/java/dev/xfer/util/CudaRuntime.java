package dev.xfer.util;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Whether the CUDA runtime that LibTorch's CUDA natives link against can be found, before they are
 * loaded. Loading them without it does not fail cleanly: the dynamic linker gives up on {@code
 * libtorch_cuda.so}, and JavaCPP's fallback can then pick up another LibTorch from the system and
 * crash the JVM. So xfer looks for the libraries first, by the names the CUDA build needs.
 */
public final class CudaRuntime {
  /** The CUDA 13 / cuDNN 9 libraries {@code libtorch_cuda.so} of the LibTorch 2.13 presets needs (its ELF NEEDED list). */
  static final List<String> REQUIRED = List.of("libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcudnn.so.9",
      "libcusparse.so.12", "libcufft.so.12", "libcurand.so.10", "libnvrtc.so.13", "libnccl.so.2", "libcufile.so.0");
  private static final List<String> STANDARD_DIRECTORIES = List.of("/usr/local/cuda/lib64", "/usr/local/cuda/lib",
      "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib");

  private CudaRuntime() {}

  /** Which of {@link #REQUIRED} are in none of {@code directories}, the bundled redistributables or the linker cache. */
  public static List<String> missing() {
    Set<String> known = new LinkedHashSet<>(linkerCache());
    List<String> missing = new ArrayList<>();
    for (String library : REQUIRED) {
      if (!known.contains(library) && !bundled(library) && searchPath().stream().noneMatch(d -> Files.exists(d.resolve(library)))) {
        missing.add(library);
      }
    }
    return missing;
  }

  /** LD_LIBRARY_PATH's folders, then the usual CUDA and system library folders. */
  static List<Path> searchPath() {
    List<Path> dirs = new ArrayList<>();
    String env = System.getenv("LD_LIBRARY_PATH");
    if (env != null) {
      for (String d : env.split(File.pathSeparator)) if (!d.isBlank()) dirs.add(Path.of(d));
    }
    STANDARD_DIRECTORIES.forEach(d -> dirs.add(Path.of(d)));
    return dirs;
  }

  private static boolean bundled(String library) {
    return CudaRuntime.class.getResource("/org/bytedeco/cuda/" + org.bytedeco.javacpp.Loader.getPlatform() + "/" + library) != null;
  }

  /** Library names in the dynamic linker's cache ({@code ldconfig -p}), or none where it cannot be read. */
  private static List<String> linkerCache() {
    for (String ldconfig : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig")) {
      if (!Files.isExecutable(Path.of(ldconfig))) continue;
      try {
        Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
        List<String> names = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            String t = line.strip();
            int space = t.indexOf(' ');
            if (space > 0 && t.startsWith("lib")) names.add(t.substring(0, space));
          }
        }
        p.waitFor(5, TimeUnit.SECONDS);
        return names;
      } catch (Exception e) {
        return List.of();
      }
    }
    return List.of();
  }
}
