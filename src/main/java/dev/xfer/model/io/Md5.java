package dev.xfer.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** MD5 of a file, as Keras' {@code get_file(..., file_hash=...)} checks downloaded weights. */
public final class Md5 {
  private Md5() {}

  /** The lower-case hex MD5 of the file's bytes, read in 1 MiB chunks. */
  public static String hex(Path path) throws IOException {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide MD5", e);
    }
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(path)) {
      for (int n; (n = in.read(buffer)) > 0; ) md5.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(md5.digest());
  }
}
