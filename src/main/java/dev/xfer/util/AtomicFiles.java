package dev.xfer.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file completely under a temporary name in the same folder, then renames it into place:
 * readers of the target see either the old file or the complete new one, never a partial write.
 */
public final class AtomicFiles {
  /** Fills the temporary file it is given. */
  public interface Content {
    void writeTo(Path temp) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * Writes {@code target} through {@code content}; on failure the temporary file is removed and {@code target}
   * is untouched. The file gets the permissions every other output gets (those of a newly created file under
   * the process's umask). A failure names {@code target} and why: a missing folder, no permission, a full
   * disk. Exceptions of xfer's own that {@code content} throws (they name their file) pass through unchanged.
   */
  public static void write(Path target, Content content) throws IOException {
    try (Pending pending = open(target)) {
      try {
        content.writeTo(pending.temp());
      } catch (IOException e) {
        if (!e.getClass().getName().startsWith("java.")) throw e;
        throw new IOException(target + ": cannot write: " + OutputFiles.reason(e), e);
      }
      pending.commit();
    }
  }

  /** Writes {@code text} (UTF-8) to {@code target} atomically. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, temp -> Files.writeString(temp, text, StandardCharsets.UTF_8));
  }

  /**
   * Starts a write whose content arrives over time (a stream of rows): fill {@link Pending#temp()}, then
   * {@link Pending#commit()}; closing without a commit removes the temporary file.
   */
  public static Pending open(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    if (!Files.isDirectory(dir)) {
      throw new IOException(target + ": cannot write: the folder " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
    }
    try {
      return new Pending(target, absolute, createTemp(dir, absolute.getFileName().toString()));
    } catch (IOException e) {
      throw new IOException(target + ": cannot write: " + OutputFiles.reason(e), e);
    }
  }

  /** A temporary file that becomes the target on {@link #commit()} and disappears on {@link #close()} otherwise. */
  public static final class Pending implements AutoCloseable {
    private final Path target;
    private final Path absolute;
    private final Path temp;
    private boolean committed;

    private Pending(Path target, Path absolute, Path temp) {
      this.target = target;
      this.absolute = absolute;
      this.temp = temp;
    }

    /** The temporary file, next to the target (same file system, so the rename is atomic). */
    public Path temp() {
      return temp;
    }

    /** Forces the temporary file to disk and renames it over the target. */
    public void commit() throws IOException {
      try {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        try {
          Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
      } catch (IOException e) {
        throw new IOException(target + ": cannot write: " + OutputFiles.reason(e), e);
      }
    }

    @Override
    public void close() throws IOException {
      if (!committed) Files.deleteIfExists(temp);
    }
  }

  /**
   * A new empty file next to the target. Not {@link Files#createTempFile}: that one is created mode 0600,
   * which the rename would carry over to the output.
   */
  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path temp = dir.resolve("." + name + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
      try {
        return Files.createFile(temp);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) throw e;
      }
    }
  }
}
