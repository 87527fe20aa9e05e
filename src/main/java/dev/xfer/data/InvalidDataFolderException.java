package dev.xfer.data;

import java.nio.file.Path;

/** A data folder that cannot be used at all (missing, too few classes, an empty class); names the folder. */
public final class InvalidDataFolderException extends RuntimeException {
  private final Path folder;

  public InvalidDataFolderException(Path folder, String message) {
    super(message);
    this.folder = folder;
  }

  /** The folder at fault. */
  public Path folder() {
    return folder;
  }
}
