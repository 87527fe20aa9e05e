package dev.xfer.data;

import java.nio.file.Path;

/**
 * Loading stopped: a bad image under {@link BadImagePolicy#FAIL} (its path first in the message), or
 * an unexpected error in a decode thread. Unchecked, because it surfaces from an iterator.
 */
public final class DataLoadingException extends RuntimeException {
  private final Path file;

  /** A bad image that aborts the run. */
  public DataLoadingException(BadImageException cause) {
    super(cause.file() + ": " + cause.reason() + " (bad-image policy is 'fail'; use 'skip' to go on without it)", cause);
    this.file = cause.file();
  }

  public DataLoadingException(String message, Throwable cause) {
    super(message, cause);
    this.file = null;
  }

  /** The file at fault, or null when the error is not about one file. */
  public Path file() {
    return file;
  }
}
