package dev.xfer.model.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that cannot be read or written in its format. The message is one line that starts with the file
 * name, e.g. {@code "model.safetensors: header length 9999999999 is past the end of the file (1234 bytes)"}.
 * {@link WeightFileException} is for weight files, {@link InputFileException} for input arrays.
 */
public class FileFormatException extends IOException {
  private static final long serialVersionUID = 1L;


  /** {@code message} must already start with the file name; line breaks are replaced by spaces. */
  public FileFormatException(String message) {
    super(oneLine(message));
  }

  /** {@code message} must already start with the file name; line breaks are replaced by spaces. */
  public FileFormatException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  /** "{file name}: {detail}". */
  public FileFormatException(Path file, String detail) {
    this(nameOf(file) + ": " + detail);
  }

  /** "{file name}: {detail}", keeping the cause. */
  public FileFormatException(Path file, String detail, Throwable cause) {
    this(nameOf(file) + ": " + detail, cause);
  }

  /** The last element of {@code file}, as messages show it. */
  static String nameOf(Path file) {
    Path name = file.getFileName();
    return name == null ? file.toString() : name.toString();
  }

  private static String oneLine(String message) {
    return message == null ? null : message.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
