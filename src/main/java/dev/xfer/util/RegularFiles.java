package dev.xfer.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * xfer reads data only from regular files. Opening a named pipe blocks until a writer comes, and a
 * device can be endless, so the kind of a path is checked from its metadata (a stat, which never
 * opens it; symbolic links are followed to what they name) before anything reads it.
 */
public final class RegularFiles {
  private static final int TYPE_MASK = 0170000;
  private static final int FIFO = 0010000;
  private static final int CHARACTER_DEVICE = 0020000;
  private static final int BLOCK_DEVICE = 0060000;
  private static final int SOCKET = 0140000;

  private RegularFiles() {}

  /**
   * Why {@code path} cannot be read as a data file ("a named pipe (FIFO), not a regular file", "no
   * such file", ...), or null when it is a regular file.
   */
  public static String problem(Path path) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Files.isSymbolicLink(path) ? "a symbolic link to nothing (no such file)" : "no such file";
    } catch (IOException e) {
      return "cannot read its metadata: " + e.getMessage();
    }
    if (attributes.isRegularFile()) return null;
    if (attributes.isDirectory()) return "a directory, not a regular file";
    return kindOfSpecial(path) + ", not a regular file";
  }

  /** Throws {@link IOException} naming {@code path} and what was expected unless it is a regular file. */
  public static void require(Path path, String expected) throws IOException {
    String problem = problem(path);
    if (problem != null) throw new IOException(path + ": " + problem + " (expected " + expected + ")");
  }

  private static String kindOfSpecial(Path path) {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(path, "unix:mode");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "a special file";
    }
    return switch (mode & TYPE_MASK) {
      case FIFO -> "a named pipe (FIFO)";
      case SOCKET -> "a socket";
      case CHARACTER_DEVICE -> "a character device";
      case BLOCK_DEVICE -> "a block device";
      default -> "a special file";
    };
  }
}
