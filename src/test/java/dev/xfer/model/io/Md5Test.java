package dev.xfer.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Md5Test {
  @TempDir Path dir;

  @Test
  void matchesTheRfc1321TestSuite() throws IOException {
    assertEquals("d41d8cd98f00b204e9800998ecf8427e", md5Of(""));
    assertEquals("900150983cd24fb0d6963f7d28e17f72", md5Of("abc"));
    assertEquals("57edf4a22be3c955ac49da2e2107b67a", md5Of("1234567890".repeat(8)));
  }

  @Test
  void streamsFilesLargerThanItsBuffer() throws IOException {
    // md5 of one million 'a' characters (a classic test vector), read in several 1 MiB chunks
    assertEquals("7707d6ae4e027c70eea2a935c2296f21", md5Of("a".repeat(1_000_000)));
    assertEquals(Md5.hex(write("a".repeat(3_000_000))), Md5.hex(write("a".repeat(3_000_000))));
  }

  private String md5Of(String content) throws IOException {
    return Md5.hex(write(content));
  }

  private Path write(String content) throws IOException {
    Path file = Files.createTempFile(dir, "md5", ".txt");
    Files.writeString(file, content);
    return file;
  }
}
