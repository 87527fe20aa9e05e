package dev.xfer.distributed;

import java.util.Optional;

/**
 * A worker started by a local {@code --nproc} launcher stops when that launcher is gone (killed with
 * SIGKILL, say, which leaves it no chance to stop its workers): a daemon thread checks the launcher's pid
 * twice a second and, once it has ended, runs what the caller gives (the command exits with a line saying why).
 */
public final class LauncherWatch {
  /** The environment variable through which the launcher gives its workers its pid. */
  public static final String LAUNCHER_PID = "XFER_LAUNCHER_PID";
  private static final long PERIOD_MS = 500;

  private LauncherWatch() {}

  /**
   * Starts the watch when this process is a launched worker (its environment names the launcher):
   * {@code whenGone} gets the launcher's pid once it has ended.
   */
  public static void startIfLaunched(java.util.Map<String, String> environment, java.util.function.LongConsumer whenGone) {
    String pid = environment.get(LAUNCHER_PID);
    if (pid == null) return;
    long launcher = Long.parseLong(pid.strip());
    start(launcher, () -> whenGone.accept(launcher));
  }

  /** Runs {@code whenGone} once, from a daemon thread, as soon as process {@code pid} is no longer running. */
  public static Thread start(long pid, Runnable whenGone) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    Thread t = new Thread(() -> {
      try {
        while (handle.isPresent() && handle.get().isAlive()) Thread.sleep(PERIOD_MS);
        whenGone.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "xfer-launcher-watch");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
