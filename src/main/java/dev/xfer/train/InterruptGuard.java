package dev.xfer.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Ctrl-C during a run: a JVM shutdown hook that waits for a checkpoint write in progress to finish
 * (writes are atomic anyway: temporary file + rename, so the previous checkpoint survives a kill),
 * keeps a new one from starting, and says where the run can continue from.
 */
final class InterruptGuard implements AutoCloseable {
  private static final long WAIT_FOR_WRITE_SECONDS = 60;
  private final ReentrantLock writing = new ReentrantLock();
  private final Path runDir;
  private final PrintStream err;
  private final Thread hook;
  private volatile String lastCheckpoint = "no complete checkpoint yet";

  /** A write of a checkpoint or another run file. */
  interface Write {
    void run() throws IOException;
  }

  InterruptGuard(Path runDir, PrintStream err) {
    this.runDir = runDir;
    this.err = err;
    this.hook = new Thread(this::onInterrupt, "xfer-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Runs {@code write} so that an interrupt waits for it; {@code done} describes the state it saved. */
  void write(Write write, String done) throws IOException {
    writing.lock();
    try {
      write.run();
      lastCheckpoint = done;
    } finally {
      writing.unlock();
    }
  }

  private void onInterrupt() {
    boolean locked = false;
    try {
      locked = writing.tryLock(WAIT_FOR_WRITE_SECONDS, TimeUnit.SECONDS); // held until the JVM halts
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.printf("%ninterrupted%s. %s/%s holds %s; run the same command with --resume to continue from there.%n",
        locked ? "" : " (a checkpoint write did not finish in time; its temporary file is ignored on resume)",
        runDir, Checkpoint.FILE_NAME, lastCheckpoint);
    err.flush();
  }

  /** Unregisters the hook when the run ends normally. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }
}
