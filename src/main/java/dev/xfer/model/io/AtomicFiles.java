package dev.xfer.model.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes a file completely under a temporary name in the same folder, then renames it into place. */
final class AtomicFiles {
  /** Fills the temporary file it is given. */
  interface Content {
    void writeTo(Path temp) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * Readers of {@code target} see either the old file or the complete new one, never a partial
   * write; on failure the temporary file is removed and {@code target} is untouched.
   */
  static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path temp = Files.createTempFile(dir, "." + WeightFileException.nameOf(absolute) + ".", ".tmp");
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
    } finally {
      if (!moved) Files.deleteIfExists(temp);
    }
  }
}
