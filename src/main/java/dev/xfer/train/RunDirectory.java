package dev.xfer.train;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A training run's output directory, owned by this process from before anything is written in it
 * ({@link RunDirectoryLock}) until {@link #close}. Opening refuses a directory inside the data folder,
 * a path that is a file, a directory that is not empty (unless resuming) and a resume without a
 * checkpoint, each in one line naming {@code --out}. A start that fails before the first checkpoint
 * removes what it wrote ({@link #failedStart}); a resumed run's files are never removed.
 */
public final class RunDirectory implements AutoCloseable {
  /** Files a run writes before its first checkpoint, removed again when that start fails. */
  private static final Set<String> START_FILES = Set.of("config.json");

  private final Path path;
  private final boolean created;
  private final boolean resume;
  private final RunDirectoryLock lock;

  private RunDirectory(Path path, boolean created, boolean resume, RunDirectoryLock lock) {
    this.path = path;
    this.created = created;
    this.resume = resume;
    this.lock = lock;
  }

  /**
   * Creates (when missing) and locks {@code out}, then checks it.
   *
   * @param data the data folder, which must not contain the run
   * @param ignored names that do not make a new run's directory non-empty (e.g. the launcher's log folder)
   */
  public static RunDirectory open(Path out, Path data, boolean resume, Set<String> ignored) throws IOException {
    if (isInside(out, data)) {
      throw new IllegalArgumentException("--out: " + out + " is inside the data folder " + data
          + "; a run directory there would be read as a class: choose one outside it");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out: " + out + " exists and is not a directory (expected a run directory)");
    }
    if (resume && !Files.isRegularFile(out.resolve(Checkpoint.FILE_NAME))) {
      throw new IllegalArgumentException("--resume: no " + Checkpoint.FILE_NAME + " in " + out);
    }
    boolean created = !Files.exists(out);
    try {
      Files.createDirectories(out);
    } catch (FileSystemException e) {
      throw new IOException("--out: cannot create the run directory " + out + ": " + dev.xfer.util.OutputFiles.reason(e), e);
    }
    RunDirectoryLock lock = RunDirectoryLock.acquire(out);
    RunDirectory run = new RunDirectory(out, created, resume, lock);
    if (!resume && hasEntriesBesides(out, ignored)) {
      run.close();
      throw new IllegalArgumentException("--out: " + out + " is not empty (use --resume to continue that run, or another directory)");
    }
    return run;
  }

  /** True when {@code path} is {@code folder} or lies under it, after symbolic links of their existing parts. */
  static boolean isInside(Path path, Path folder) throws IOException {
    if (!Files.isDirectory(folder)) return false;
    return resolved(path).startsWith(folder.toRealPath());
  }

  /** The real path of the longest existing prefix of {@code path}, with the rest appended. */
  private static Path resolved(Path path) throws IOException {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing == null) return absolute;
    return existing.toRealPath().resolve(existing.relativize(absolute));
  }

  private static boolean hasEntriesBesides(Path dir, Set<String> ignored) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString())
          .anyMatch(n -> !ignored.contains(n) && !n.startsWith(RunDirectoryLock.FILE_NAME));
    }
  }

  public Path path() {
    return path;
  }

  /**
   * After a failure: when no checkpoint was written (and this is not a resumed run), removes the files
   * written at the start, the lock, and the directory itself if this run created it and it is now empty.
   */
  public void failedStart() {
    if (resume || Files.exists(path.resolve(Checkpoint.FILE_NAME))) return;
    try {
      for (String name : START_FILES) Files.deleteIfExists(path.resolve(name));
      lock.close();
      if (created) {
        try (Stream<Path> entries = Files.list(path)) {
          if (entries.findAny().isEmpty()) Files.delete(path);
        }
      }
    } catch (IOException e) {
      System.err.println("note: could not remove " + path + " after the failed start: " + e.getMessage());
    }
  }

  /** A run's work, which may fail. */
  public interface Work<T> {
    T run() throws Exception;
  }

  /** Runs {@code work}; should it fail, {@link #failedStart} cleans {@code run} (when not null) before the error goes on. */
  public static <T> T failingStart(RunDirectory run, Work<T> work) throws Exception {
    try {
      return work.run();
    } catch (Exception | Error e) {
      if (run != null) run.failedStart();
      throw e;
    }
  }

  @Override
  public void close() {
    lock.close();
  }

  /** Refuses {@code dir} (an {@code --out} folder) when it is a file or a folder that is not empty; absent is fine. */
  public static void requireEmpty(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--out: " + dir + " is a file, expected a folder");
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) throw new IllegalArgumentException("--out: " + dir + " is not empty");
    }
  }
}
