package dev.xfer.train;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * Exclusive ownership of a run directory: a lock file holding the owner's pid, host and process start
 * time, created atomically (a hard link to a complete temporary file, so nobody reads half a lock).
 * A lock whose process is gone from this host (or whose pid now names another process) is stale and
 * taken over; a live holder, or one on another host, makes {@link #acquire} fail at once naming it.
 * The workers of a local {@code --nproc} launcher share their launcher's lock. Released by
 * {@link #close} and, should the JVM be stopped, by a shutdown hook.
 */
public final class RunDirectoryLock implements AutoCloseable {
  /** The lock file's name inside the run directory. */
  public static final String FILE_NAME = ".xfer-run.lock";

  private final Path file;
  private final boolean owned;
  private final Thread hook;

  private RunDirectoryLock(Path file, boolean owned) {
    this.file = file;
    this.owned = owned;
    this.hook = owned ? new Thread(this::release, "xfer-run-lock") : null;
    if (owned) Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Who holds a lock: what its file says. */
  record Holder(long pid, String host, String started) {
    static Holder current() {
      ProcessHandle self = ProcessHandle.current();
      return new Holder(self.pid(), hostName(), startOf(self).orElse("unknown"));
    }

    String text() {
      return "pid=" + pid + "\nhost=" + host + "\nstarted=" + started + "\n";
    }

    static Holder parse(String text) {
      long pid = -1;
      String host = "";
      String started = "unknown";
      for (String line : text.split("\n")) {
        int eq = line.indexOf('=');
        if (eq < 0) continue;
        String key = line.substring(0, eq);
        String value = line.substring(eq + 1).strip();
        if (key.equals("pid")) pid = parsePid(value);
        if (key.equals("host")) host = value;
        if (key.equals("started")) started = value;
      }
      return new Holder(pid, host, started);
    }

    /**
     * False only when this holder is known to have ended: a process of this host that is gone (or whose pid
     * now names a process started at another time). Another host's process, or an unreadable lock, may be alive.
     */
    boolean mayBeAlive() {
      if (!host.equals(hostName())) return true;
      if (pid <= 0) return false;
      Optional<ProcessHandle> p = ProcessHandle.of(pid);
      if (p.isEmpty() || !p.get().isAlive()) return false;
      Optional<String> start = startOf(p.get());
      return start.isEmpty() || started.equals("unknown") || start.get().equals(started);
    }

    @Override
    public String toString() {
      return "pid " + pid + " on host " + host + " (started " + started + ")";
    }
  }

  /**
   * Takes the lock of {@code runDir} (which must exist), taking over a stale one.
   *
   * @throws IOException naming the holder when another live process owns the directory
   */
  public static RunDirectoryLock acquire(Path runDir) throws IOException {
    Path file = runDir.resolve(FILE_NAME);
    Holder me = Holder.current();
    for (int attempt = 0; attempt < 3; attempt++) {
      if (create(file, me)) return new RunDirectoryLock(file, true);
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException released) {
        continue;
      }
      Holder holder = Holder.parse(text);
      if (isParent(holder)) return new RunDirectoryLock(file, false);
      if (holder.mayBeAlive()) {
        throw new IOException("--out: " + runDir + " is in use by another xfer run, " + holder
            + "; wait for it to end or choose another directory" + (holder.host().equals(me.host()) ? ""
            : " (if that run is gone, delete " + file + ")"));
      }
      breakStale(file, text);
      System.err.println("note: removed the stale lock of " + runDir + " left by " + holder + ", which has ended");
    }
    throw new IOException("--out: could not take the lock " + file + " (other runs keep taking it)");
  }

  private static boolean create(Path file, Holder me) throws IOException {
    Path temp = file.resolveSibling(FILE_NAME + "." + me.pid() + ".tmp");
    Files.writeString(temp, me.text(), StandardCharsets.UTF_8);
    try {
      Files.createLink(file, temp); // atomic, and the lock is complete the moment it exists
      return true;
    } catch (FileAlreadyExistsException held) {
      return false;
    } catch (UnsupportedOperationException | IOException noHardLinks) {
      return createWithoutLink(file, me);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static boolean createWithoutLink(Path file, Holder me) throws IOException {
    try {
      Files.writeString(file, me.text(), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
          java.nio.file.StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException held) {
      return false;
    }
  }

  /** Moves the stale lock aside; should it no longer be the one judged stale, another run has just taken it: put it back. */
  private static void breakStale(Path file, String staleText) throws IOException {
    Path aside = file.resolveSibling(FILE_NAME + ".stale." + ProcessHandle.current().pid());
    try {
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException gone) {
      return;
    }
    if (Files.readString(aside, StandardCharsets.UTF_8).equals(staleText)) {
      Files.delete(aside);
    } else {
      try {
        Files.createLink(file, aside);
      } catch (FileAlreadyExistsException taken) {
        // a third run took it meanwhile; it owns the directory
      }
      Files.delete(aside);
    }
  }

  private static boolean isParent(Holder holder) {
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    return parent.isPresent() && parent.get().pid() == holder.pid() && holder.host().equals(hostName());
  }

  private static Optional<String> startOf(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toString);
  }

  private static long parsePid(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException unknown) {
        return "localhost";
      }
    }
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  private void release() {
    if (!owned) return;
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (Holder.parse(text).pid() == ProcessHandle.current().pid()) Files.deleteIfExists(file);
    } catch (IOException gone) {
      // already removed
    }
  }

  /** Removes the lock file (when this process took it). */
  @Override
  public void close() {
    release();
    if (hook == null) return;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }
}
