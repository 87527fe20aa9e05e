package dev.xfer.distributed;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts N local worker JVMs (same java binary and classpath) with torchrun-style environment variables, waits for
 * all of them, and ends the whole job as soon as one fails or the deadline passes: the others are killed and a
 * {@link DistributedException} names the failing rank.
 */
public final class WorkerLauncher {
  /** System property with the workers' heap options, when they differ from the launcher's own. */
  public static final String WORKER_JVM_OPTIONS = "xfer.workerJvmOptions";

  private final int worldSize;
  private final int masterPort;
  private final long timeoutMs;
  private final Path logDirectory;
  private final boolean rank0OnConsole;

  /** Every rank's output goes to {@code logDirectory/rank<r>.log}; {@code timeoutMs <= 0}: no deadline. */
  public WorkerLauncher(int worldSize, int masterPort, long timeoutMs, Path logDirectory) {
    this(worldSize, masterPort, timeoutMs, logDirectory, false);
  }

  /** As above; with {@code rank0OnConsole}, rank 0 writes to this process's standard output and error instead. */
  public WorkerLauncher(int worldSize, int masterPort, long timeoutMs, Path logDirectory, boolean rank0OnConsole) {
    if (worldSize < 1) {
      throw new IllegalArgumentException("--nproc must be at least 1, got " + worldSize);
    }
    this.worldSize = worldSize;
    this.masterPort = masterPort;
    this.timeoutMs = timeoutMs;
    this.logDirectory = logDirectory;
    this.rank0OnConsole = rank0OnConsole;
  }

  /** Runs {@code mainClass args} in every rank; returns normally only if all ranks exit 0. */
  public void run(String mainClass, List<String> args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Ctrl-C or a kill of this launcher must not leave workers behind waiting on a rendezvous
    Thread reaper = new Thread(() -> workers.forEach(Process::destroyForcibly), "xfer-worker-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    try {
      for (int rank = 0; rank < worldSize; rank++) {
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        command.addAll(childJvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments(),
            System.getProperty(WORKER_JVM_OPTIONS)));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("RANK", Integer.toString(rank));
        pb.environment().put("LOCAL_RANK", Integer.toString(rank));
        pb.environment().put("WORLD_SIZE", Integer.toString(worldSize));
        pb.environment().put("LOCAL_WORLD_SIZE", Integer.toString(worldSize));
        pb.environment().put("MASTER_ADDR", "127.0.0.1");
        pb.environment().put("MASTER_PORT", Integer.toString(masterPort));
        pb.environment().put(LauncherWatch.LAUNCHER_PID, Long.toString(ProcessHandle.current().pid())); // workers stop when it dies
        if (rank == 0 && rank0OnConsole) {
          pb.inheritIO();
        } else {
          File log = logDirectory.resolve("rank" + rank + ".log").toFile();
          pb.redirectErrorStream(true).redirectOutput(log);
        }
        workers.add(pb.start());
      }
      waitForAll(workers);
    } finally {
      for (Process p : workers) {
        p.destroyForcibly();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  /**
   * The JVM options a worker gets ({@code launcherOptions}: the launcher's own). The heap settings (-Xms, -Xmx,
   * -XX:[+-]AlwaysPreTouch) are {@code workerOptions} (space-separated; the {@code xfer} script passes the fixed,
   * pre-touched training heap that way and gives the launcher, which only waits, a small one) or, where that is
   * null, the launcher's own; so every rank's resident size stays flat. JavaCPP's memory setting follows the
   * launcher's. Debugger and profiler agents stay with the launcher: N workers cannot share one agent's port.
   */
  static List<String> childJvmOptions(List<String> launcherOptions, String workerOptions) {
    List<String> options = new ArrayList<>();
    List<String> heapSource = workerOptions == null ? launcherOptions : List.of(workerOptions.trim().split("\\s+"));
    for (String option : heapSource) {
      boolean heap = option.startsWith("-Xms") || option.startsWith("-Xmx") || option.equals("-XX:+AlwaysPreTouch")
          || option.equals("-XX:-AlwaysPreTouch");
      if (heap) options.add(option);
    }
    options.addAll(dev.xfer.util.NativeMemorySettings.childJvmOptions());
    return options;
  }

  private void waitForAll(List<Process> workers) throws InterruptedException {
    long start = System.nanoTime();
    boolean[] done = new boolean[workers.size()];
    int remaining = workers.size();
    while (remaining > 0) {
      for (int rank = 0; rank < workers.size(); rank++) {
        Process p = workers.get(rank);
        if (!done[rank] && !p.isAlive()) {
          if (p.exitValue() != 0) {
            Thread.sleep(300); // let near-simultaneous failures show, so the report lists them all
            throw new DistributedException(failures(workers, logDirectory) + "; job stopped (logs in " + logDirectory
                + ")");
          }
          done[rank] = true;
          remaining--;
        }
      }
      if (timeoutMs > 0 && System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
        StringBuilder running = new StringBuilder();
        for (int rank = 0; rank < done.length; rank++) {
          if (!done[rank]) {
            running.append(running.length() == 0 ? "" : ", ").append(rank);
          }
        }
        throw new DistributedException("ranks " + running + " still running after " + timeoutMs
            + " ms; job stopped");
      }
      Thread.sleep(50);
    }
  }

  private static String failures(List<Process> workers, Path logDirectory) {
    StringBuilder sb = new StringBuilder();
    for (int rank = 0; rank < workers.size(); rank++) {
      Process p = workers.get(rank);
      if (!p.isAlive() && p.exitValue() != 0) {
        sb.append(sb.length() == 0 ? "" : ", ").append("worker rank ").append(rank)
            .append(" exited with status ").append(p.exitValue());
        String cause = lastError(logDirectory.resolve("rank" + rank + ".log"));
        if (!cause.isEmpty()) sb.append(" (").append(cause).append(")");
      }
    }
    return sb.toString();
  }

  /** The header line of the last exception in a worker's log ("" when none), so the error says why. */
  private static String lastError(Path log) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(log);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("Exception in thread")) return lines.get(i).strip();
      }
      for (int i = lines.size() - 1; i >= 0; i--) {
        String line = lines.get(i);
        boolean traceLine = line.startsWith("\t") || line.startsWith(" ") || line.startsWith("Caused by")
            || line.startsWith("frame #");
        if (!traceLine && (line.contains("Exception") || line.contains("Error"))) return line.strip();
      }
    } catch (IOException | RuntimeException e) {
      return "";
    }
    return "";
  }

  /** A TCP port that was free on loopback a moment ago. */
  public static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
