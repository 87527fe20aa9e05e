package dev.xfer.model.io;

import java.nio.file.Path;

/** An input file (a .npy array of images or features) that cannot be read or written. The message is one line that starts with the file name. */
public class InputFileException extends FileFormatException {
  private static final long serialVersionUID = 1L;

  /** "{file name}: {detail}". */
  public InputFileException(Path file, String detail) {
    super(file, detail);
  }
}
