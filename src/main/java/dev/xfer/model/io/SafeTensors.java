package dev.xfer.model.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes the safetensors format (huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of UTF-8 JSON, then the tensors' bytes. The header maps each tensor name to
 * {@code {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}} (offsets relative to the
 * first byte after the header) and may hold {@code "__metadata__"}, a string-to-string object.
 */
public final class SafeTensors {
  /** Largest header accepted, as in the reference implementation. */
  public static final long MAX_HEADER_BYTES = 100L * 1000 * 1000;

  private SafeTensors() {}

  /**
   * Reads every tensor, converting F16, BF16, F64, I64, I32 and U8 to float32 values (the original
   * type is kept as {@link TensorData#sourceDtype()}). Hostile input is refused with a one-line
   * message before anything large is allocated: a bad header length, a header that is not a JSON
   * object, an entry without {@code dtype}/{@code shape}/{@code data_offsets}, an unsupported dtype,
   * a negative or non-integer dimension, offsets that are reversed, past the data, or inconsistent
   * with shape and dtype, and tensors over {@value ChannelIo#MAX_ELEMENTS} elements.
   *
   * @throws WeightFileException for a malformed or unsupported file (message starts with the file name)
   * @throws IOException when the file cannot be read
   */
  public static SafeTensorsFile read(Path path) throws IOException {
    return SafeTensorsReader.read(path);
  }

  /**
   * Writes {@code tensors} as F32 (whatever their {@code sourceDtype}) in the map's iteration order,
   * contiguously from offset 0, after a header that starts with {@code __metadata__} and is padded
   * with spaces to a multiple of 8 bytes, so every tensor starts 8-byte aligned in the file. The file
   * is written under a temporary name in the same folder and renamed into place.
   *
   * @param tensors names must not be empty or {@code "__metadata__"}
   * @param metadata written as {@code __metadata__}, an empty object when empty
   */
  public static void write(Path path, Map<String, TensorData> tensors, Map<String, String> metadata)
      throws IOException {
    SafeTensorsWriter.write(path, tensors, metadata);
  }
}
