package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** xfer bench's machine description carries what issue 7 asks a published number to name. */
class BenchCommandTest {
  @Test
  void machineNamesCpuCoresThreadsLibTorchAndDevice() {
    Map<String, Object> m = BenchCommand.machine(1);
    assertFalse(m.get("cpu").toString().isBlank());
    assertEquals(Runtime.getRuntime().availableProcessors(), m.get("cores"));
    assertEquals(1, m.get("threads"));
    assertTrue(m.get("libtorch").toString().startsWith("2.10.0"), "libtorch: " + m.get("libtorch"));
    assertEquals("cpu", m.get("device"));
  }
}
