package dev.xfer.model.io;

import java.nio.file.Path;

/** A weight file (safetensors, Keras .h5, an xfer model file) that cannot be read or written. The message is one line that starts with the file name. */
public class WeightFileException extends FileFormatException {
  private static final long serialVersionUID = 1L;

  /** {@code message} must already start with the file name; line breaks are replaced by spaces. */
  public WeightFileException(String message) {
    super(message);
  }

  /** {@code message} must already start with the file name; line breaks are replaced by spaces. */
  public WeightFileException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "{file name}: {detail}". */
  public WeightFileException(Path file, String detail) {
    super(file, detail);
  }

  /** "{file name}: {detail}", keeping the cause. */
  public WeightFileException(Path file, String detail, Throwable cause) {
    super(file, detail, cause);
  }
}
