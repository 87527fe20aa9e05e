package dev.xfer.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed file is refused with a one-line message that starts with the file name and names the problem. */
class SafeTensorsMalformedTest {
  @TempDir Path dir;

  private static final byte[] DATA = new byte[12];

  private static String entry(String name, String body) {
    return "{\"" + name + "\":{" + body + "}}";
  }

  static Stream<Arguments> malformedHeaders() {
    return Stream.of(
        Arguments.of("[1, 2]", "the header is not a JSON object (found an array)"),
        Arguments.of("{\"a\": ", "the header is not valid JSON: Unexpected end-of-input"),
        Arguments.of("{\"a\": {\"dtype\": \"F32\",}}", "the header is not valid JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name at offset 22"),
        Arguments.of("{\"w\": 5}", "tensor 'w': entry is not a JSON object (found a number)"),
        Arguments.of(entry("w", "\"shape\":[3],\"data_offsets\":[0,12]"), "tensor 'w': no \"dtype\""),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"data_offsets\":[0,12]"), "tensor 'w': no \"shape\""),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"shape\":[3]"), "tensor 'w': no \"data_offsets\""),
        Arguments.of(entry("w", "\"dtype\":\"F8_E4M3\",\"shape\":[3],\"data_offsets\":[0,3]"),
            "tensor 'w': unsupported dtype \"F8_E4M3\" (supported: [F32, F16, BF16, F64, I64, I32, U8])"),
        Arguments.of(entry("w", "\"dtype\":7,\"shape\":[3],\"data_offsets\":[0,12]"), "tensor 'w': dtype is not a string (found a number)"),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"shape\":[-3],\"data_offsets\":[0,12]"),
            "tensor 'w': shape element -3 is not a non-negative integer"),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,12]"),
            "tensor 'w': shape element 1.5 is not a non-negative integer"),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"shape\":\"3\",\"data_offsets\":[0,12]"),
            "tensor 'w': shape is not a JSON array (found a string)"),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0]"),
            "tensor 'w': data_offsets has 1 elements, expected 2"),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[12,0]"),
            "tensor 'w': data_offsets [12, 0] are reversed"),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,400]"),
            "tensor 'w': data_offsets [0, 400] are past the end of the data section (12 bytes)"),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]"),
            "tensor 'w': data_offsets [0, 12] hold 12 bytes but shape (2, 2) of F32 needs 16"),
        Arguments.of(entry("w", "\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,12]"),
            "tensor 'w': data_offsets [0, 12] hold 12 bytes but shape (4294967296, 4294967296) of F32 needs more than 2^63"),
        Arguments.of("{\"__metadata__\": {\"k\": 1}}", "__metadata__ value of 'k' is not a string (found a number)"),
        Arguments.of("{\"__metadata__\": [\"k\"]}", "__metadata__ is not a JSON object (found an array)"),
        Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}",
            "the tensors' sizes add up to more than the data section's 12 bytes (overlapping data_offsets)"));
  }

  @ParameterizedTest
  @MethodSource("malformedHeaders")
  void refusesAMalformedHeader(String header, String expected) throws IOException {
    Path file = dir.resolve("bad.safetensors");
    Files.write(file, ByteBuilder.safetensors(header, DATA));
    assertRefused(file, "bad.safetensors: " + expected);
  }

  @Test
  void refusesAnEmptyFile() throws IOException {
    Path file = dir.resolve("empty.safetensors");
    Files.write(file, new byte[0]);
    assertRefused(file, "empty.safetensors: the file is empty");
  }

  @Test
  void refusesAFileShorterThanTheLength() throws IOException {
    Path file = dir.resolve("five.safetensors");
    Files.write(file, new byte[] {1, 2, 3, 4, 5});
    assertRefused(file, "five.safetensors: the file is 5 bytes, shorter than the 8-byte header length");
  }

  @Test
  void refusesAHeaderLengthPastTheEnd() throws IOException {
    Path file = dir.resolve("model.safetensors");
    Files.write(file, new ByteBuilder().u64(9999999999L).ascii("{}").bytes(new byte[1224]).build());
    assertRefused(file, "model.safetensors: header length 9999999999 is past the end of the file (1234 bytes)");
  }

  @Test
  void refusesHugeZeroAndNegativeHeaderLengthsWithoutAllocating() throws IOException {
    Path file = dir.resolve("m.safetensors");
    Files.write(file, new ByteBuilder().u64(1L << 62).ascii("{}").build());
    assertRefused(file, "m.safetensors: header length 4611686018427387904 is past the end of the file (10 bytes)");
    Files.write(file, new ByteBuilder().u64(-1L).ascii("{}").build());
    assertRefused(file, "m.safetensors: header length 18446744073709551615 is past the end of the file (10 bytes)");
    Files.write(file, new ByteBuilder().u64(0).ascii("{}").build());
    assertRefused(file, "m.safetensors: header length 0 is invalid");
  }

  @Test
  void refusesAHeaderOverTheSizeLimit() throws IOException {
    Path file = dir.resolve("m.safetensors");
    long n = SafeTensors.MAX_HEADER_BYTES + 8;
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.SPARSE)) {
      ch.write(java.nio.ByteBuffer.wrap(new ByteBuilder().u64(n).ascii("{").build()));
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'}'}), 8 + n - 1);
    }
    assertRefused(file, "m.safetensors: header length 100000008 exceeds the limit of 100000000 bytes");
  }

  @Test
  void refusesAHeaderThatIsNotUtf8() throws IOException {
    Path file = dir.resolve("m.safetensors");
    Files.write(file, new ByteBuilder().u64(4).u8('{', 0xff, 0xfe, '}').build());
    assertRefused(file, "m.safetensors: the header is not valid UTF-8");
  }

  private static void assertRefused(Path file, String expected) {
    WeightFileException e = assertThrows(WeightFileException.class, () -> SafeTensors.read(file));
    assertTrue(e.getMessage().startsWith(expected), "message: " + e.getMessage() + "\nexpected: " + expected);
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertEquals(file.getFileName() + ":", e.getMessage().split(" ")[0]);
  }
}
