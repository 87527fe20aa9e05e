package dev.xfer.data;

import java.util.Locale;
import java.util.Set;

/**
 * Image formats recognised by their first bytes ("magic"), so that a folder can be classified quickly
 * without trusting file extensions. Recognition is only a pre-filter: a file that looks like an image
 * can still fail to decode, and the decoder is the final judge.
 */
public enum ImageFormat {
  JPEG, PNG, BMP, TIFF, WEBP, GIF, PNM, JPEG2000, AVIF;

  /** How many leading bytes {@link #sniff} looks at. */
  public static final int SNIFF_BYTES = 16;

  private static final Set<String> IMAGE_EXTENSIONS =
      Set.of("jpg", "jpeg", "jpe", "jfif", "png", "bmp", "dib", "tif", "tiff", "webp", "gif",
          "pbm", "pgm", "ppm", "pnm", "jp2", "j2k", "avif");

  /** The format whose signature starts {@code head}, or {@code null} when none matches. */
  public static ImageFormat sniff(byte[] head, int length) {
    if (length >= 3 && u(head, 0) == 0xFF && u(head, 1) == 0xD8 && u(head, 2) == 0xFF) return JPEG;
    if (startsWith(head, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return PNG;
    if (startsWith(head, length, 'B', 'M') && length >= 14) return BMP;
    if (startsWith(head, length, 'I', 'I', 0x2A, 0x00) || startsWith(head, length, 'M', 'M', 0x00, 0x2A)) return TIFF;
    if (startsWith(head, length, 'R', 'I', 'F', 'F') && length >= 12
        && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') return WEBP;
    if (startsWith(head, length, 'G', 'I', 'F', '8')) return GIF;
    if (length >= 3 && head[0] == 'P' && head[1] >= '1' && head[1] <= '6' && Character.isWhitespace(head[2])) return PNM;
    if (startsWith(head, length, 0x00, 0x00, 0x00, 0x0C, 'j', 'P', ' ', ' ')
        || startsWith(head, length, 0xFF, 0x4F, 0xFF, 0x51)) return JPEG2000;
    if (length >= 12 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p'
        && head[8] == 'a' && head[9] == 'v' && head[10] == 'i') return AVIF;
    return null;
  }

  /** True when the file name ends with an extension commonly used for images. */
  public static boolean hasImageExtension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot >= 0 && IMAGE_EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** A short printable description of the first bytes, for "not an image" messages. */
  public static String describeHead(byte[] head, int length) {
    int n = Math.min(length, 8);
    StringBuilder hex = new StringBuilder();
    boolean text = n > 0;
    for (int i = 0; i < n; i++) {
      if (i > 0) hex.append(' ');
      hex.append(String.format("%02X", head[i] & 0xff));
      int c = head[i] & 0xff;
      if (c < 0x09 || (c > 0x0D && c < 0x20) || c > 0x7E) text = false;
    }
    return "starts with " + hex + (text ? " (text)" : "");
  }

  private static boolean startsWith(byte[] head, int length, int... sig) {
    if (length < sig.length) return false;
    for (int i = 0; i < sig.length; i++) {
      if (u(head, i) != sig[i]) return false;
    }
    return true;
  }

  private static int u(byte[] b, int i) {
    return b[i] & 0xff;
  }
}
