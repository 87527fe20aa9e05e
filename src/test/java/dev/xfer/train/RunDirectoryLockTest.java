package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory lock: one owner, stale locks by pid and start time, other hosts, and release. */
class RunDirectoryLockTest {
  @TempDir Path dir;

  private static long pid() {
    return ProcessHandle.current().pid();
  }

  private void writeLock(long pid, String host, String started) throws IOException {
    Files.writeString(dir.resolve(RunDirectoryLock.FILE_NAME), "pid=" + pid + "\nhost=" + host + "\nstarted=" + started + "\n");
  }

  private String lockText() throws IOException {
    return Files.readString(dir.resolve(RunDirectoryLock.FILE_NAME));
  }

  @Test
  void oneOwnerAtATimeAndTheSecondIsToldWho() throws Exception {
    try (RunDirectoryLock first = RunDirectoryLock.acquire(dir)) {
      assertTrue(lockText().startsWith("pid=" + pid() + "\nhost=" + RunDirectoryLock.hostName() + "\n"), lockText());
      IOException e = assertThrows(IOException.class, () -> RunDirectoryLock.acquire(dir));
      assertTrue(e.getMessage().startsWith("--out: " + dir + " is in use by another xfer run, pid " + pid() + " on host "),
          e.getMessage());
    }
    assertFalse(Files.exists(dir.resolve(RunDirectoryLock.FILE_NAME)), "released on close");
    try (var stream = Files.list(dir)) {
      assertEquals(0, stream.count(), "no temporary files left");
    }
    RunDirectoryLock.acquire(dir).close(); // free again
  }

  @Test
  void aLockOfAnEndedProcessOnThisHostIsTakenOver() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    writeLock(ended.pid(), RunDirectoryLock.hostName(), "2026-01-01T00:00:00Z");
    try (RunDirectoryLock lock = RunDirectoryLock.acquire(dir)) {
      assertTrue(lockText().startsWith("pid=" + pid() + "\n"), lockText());
    }
  }

  @Test
  void aReusedPidIsRecognisedByItsStartTime() throws Exception {
    // this very process, but recorded as started at another time: the pid was reused, the holder ended
    writeLock(pid(), RunDirectoryLock.hostName(), "1999-01-01T00:00:00Z");
    try (RunDirectoryLock lock = RunDirectoryLock.acquire(dir)) {
      assertTrue(lockText().contains("started=") && !lockText().contains("started=1999"), lockText()); // taken over: a fresh start time
    }
  }

  @Test
  void aLockFromAnotherHostIsNeverTakenOver() throws Exception {
    writeLock(1, "some-other-host", "2026-01-01T00:00:00Z");
    IOException e = assertThrows(IOException.class, () -> RunDirectoryLock.acquire(dir));
    assertTrue(e.getMessage().contains("pid 1 on host some-other-host"), e.getMessage());
    assertTrue(e.getMessage().contains("if that run is gone, delete " + dir.resolve(RunDirectoryLock.FILE_NAME)), e.getMessage());
    assertTrue(lockText().contains("host=some-other-host"), "left as it was");
  }
}
