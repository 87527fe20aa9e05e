package dev.xfer.model.io;

import dev.xfer.util.OutputFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes a file completely under a temporary name in the same folder, then renames it into place. */
public final class AtomicFiles {
  /** Fills the temporary file it is given. */
  public interface Content {
    void writeTo(Path temp) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * Readers of {@code target} see either the old file or the complete new one, never a partial
   * write; on failure the temporary file is removed and {@code target} is untouched. The file gets the
   * permissions every other output gets (those of a newly created file under the process's umask). A
   * failure names {@code target} and why: a missing folder, no permission, a full disk.
   */
  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    if (!Files.isDirectory(dir)) {
      throw new IOException(target + ": cannot write: the folder " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
    }
    Path temp;
    try {
      temp = createTemp(dir, WeightFileException.nameOf(absolute));
    } catch (IOException e) {
      throw new IOException(target + ": cannot write: " + OutputFiles.reason(e), e);
    }
    boolean moved = false;
    try {
      content.writeTo(temp);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } catch (WeightFileException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(target + ": cannot write: " + OutputFiles.reason(e), e);
    } finally {
      if (!moved) Files.deleteIfExists(temp);
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
