package dev.xfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** xfer bench's machine description carries what a published number must name: CPU, cores, threads, library, allocator, device, time and load. */
class BenchMachineTest {
  @Test
  void machineNamesCpuCoresThreadsLibTorchAndDevice() {
    Map<String, Object> m = BenchMachine.describe(1);
    assertFalse(m.get("cpu").toString().isBlank());
    assertEquals(Runtime.getRuntime().availableProcessors(), m.get("cores"));
    assertEquals(1, m.get("threads"));
    assertEquals(pytorchJarVersion(), m.get("libtorch"), "the version of the pytorch jar on the class path");
    assertEquals("cpu", m.get("device"));
    // the C allocator moves the train step's figures: the one this JVM was started with (LD_PRELOAD) is recorded
    String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
    assertEquals(preload.contains("tcmalloc") ? "tcmalloc" : preload.contains("jemalloc") ? "jemalloc" : "glibc",
        m.get("memory_allocator"));
    // when it was measured, and how busy the machine was
    java.time.Instant started = java.time.Instant.parse(m.get("started_utc").toString());
    assertTrue(Math.abs(java.time.Duration.between(started, java.time.Instant.now()).toSeconds()) < 60, "started " + started);
    Object load = m.get("load_average_start");
    assertTrue(load == null || (Double) load >= 0, "load average " + load);
  }

  @Test
  void loadNoteWarnsOnlyWhenTheMachineIsBusierThanItsCores() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals("", BenchMachine.loadNote(null));
    assertEquals("; load average 0.50 on " + cores + " cores", BenchMachine.loadNote(0.5));
    assertTrue(BenchMachine.loadNote(cores + 1.0).contains("busy"), BenchMachine.loadNote(cores + 1.0));
    assertFalse(BenchMachine.loadNote((double) cores).contains("busy"));
  }

  /** The version in the file name of the jar that holds the LibTorch classes ("pytorch-2.13.0-1.5.14.jar"). */
  private static String pytorchJarVersion() {
    String jar = org.bytedeco.pytorch.global.torch.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("pytorch-(\\d[^/]*)\\.jar$").matcher(jar);
    if (!m.find()) throw new AssertionError("LibTorch classes not loaded from a pytorch jar: " + jar);
    return m.group(1);
  }
}
