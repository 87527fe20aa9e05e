package dev.xfer.model.io;

import java.nio.file.Path;

/** An input file (a .npy array of images or features) that cannot be read or written. The message is one line that starts with the file name. */
public class InputFileException extends FileFormatException {
  private static final long serialVersionUID = 1L;

  /** {@code message} must already start with the file name; line breaks are replaced by spaces. */
  public InputFileException(String message) {
    super(message);
  }

  /** {@code message} must already start with the file name; line breaks are replaced by spaces. */
  public InputFileException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "{file name}: {detail}". */
  public InputFileException(Path file, String detail) {
    super(file, detail);
  }

  /** "{file name}: {detail}", keeping the cause. */
  public InputFileException(Path file, String detail, Throwable cause) {
    super(file, detail, cause);
  }
}
