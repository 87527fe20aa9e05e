package dev.xfer.util;

/**
 * JavaCPP settings for xfer's processes, applied before the first native object exists.
 *
 * <p>With {@code org.bytedeco.javacpp.maxPhysicalBytes} above 0 (JavaCPP's default), every native
 * object that registers a deallocator first reads {@code /proc/self/statm} to decide whether to run
 * the garbage collector. A kernel call creates a few such objects, so on this project's CPU machine
 * the check cost about 20 µs per call, more than the head kernel's arithmetic for a small batch.
 * xfer frees native memory deterministically ({@code PointerScope} per step, explicit close), so it
 * turns the check off; JavaCPP's byte-count limit ({@code maxBytes}) stays on. A value the user sets
 * (e.g. {@code -Dorg.bytedeco.javacpp.maxPhysicalBytes=8g}) wins.
 */
public final class NativeMemorySettings {
  static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

  private NativeMemorySettings() {}

  /** JVM options that give a child process (a worker rank) this process's setting. */
  public static java.util.List<String> childJvmOptions() {
    String value = System.getProperty(MAX_PHYSICAL_BYTES);
    return value == null ? java.util.List.of() : java.util.List.of("-D" + MAX_PHYSICAL_BYTES + "=" + value);
  }

  /** Call first thing in {@code main}: later it has no effect (JavaCPP reads it once). */
  public static void apply() {
    if (System.getProperty(MAX_PHYSICAL_BYTES) == null && System.getProperty(MAX_PHYSICAL_BYTES.toLowerCase()) == null) {
      System.setProperty(MAX_PHYSICAL_BYTES, "0");
    }
  }
}
