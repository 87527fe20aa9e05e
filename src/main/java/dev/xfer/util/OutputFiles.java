package dev.xfer.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Plain words for why a file could not be written, for one-line errors that also name the file. */
public final class OutputFiles {
  private OutputFiles() {}

  /** The reason of {@code e} without the path (the caller names the file): "permission denied", "No space left on device", ... */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof NoSuchFileException) return "no such file or directory";
    if (e instanceof FileAlreadyExistsException) return "a file of that name exists";
    if (e instanceof NotDirectoryException) return "a part of the path is a file, not a directory";
    if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
  }
}
