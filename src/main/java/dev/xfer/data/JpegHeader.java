package dev.xfer.data;

/**
 * What the marker segments of a JPEG file say before its image data: where the first scan starts and
 * the frame's size. Reading them is a walk over segment lengths (a few dozen steps), so checking a
 * file and sizing its decode buffer costs nothing next to decoding it.
 *
 * @param firstScan offset of the first start-of-scan marker (FF DA), or -1 when there is none
 * @param width frame width from the start-of-frame segment, 0 when unknown
 * @param height frame height, 0 when unknown (or defined later by a DNL marker)
 * @param components colour components in the frame, 0 when unknown
 * @param problem why the header is unusable, or {@code null}
 */
public record JpegHeader(int firstScan, int width, int height, int components, String problem) {
  /** Walks the segments of {@code bytes}, which start with the SOI marker (FF D8). */
  public static JpegHeader read(byte[] bytes) {
    int width = 0;
    int height = 0;
    int components = 0;
    int i = 2; // after SOI
    while (true) {
      if (i >= bytes.length) {
        return new JpegHeader(-1, width, height, components,
            "truncated JPEG (no start-of-scan marker: the image data is missing)");
      }
      if (u(bytes, i) != 0xFF) {
        return new JpegHeader(-1, width, height, components,
            "corrupt JPEG header (no start-of-scan marker: expected a marker at byte " + i + ")");
      }
      while (i < bytes.length && u(bytes, i) == 0xFF) i++; // fill bytes before the marker code
      if (i >= bytes.length) continue; // reported as truncated above
      int marker = u(bytes, i++);
      if (marker == 0xDA) return new JpegHeader(i - 2, width, height, components, null);
      if (marker == 0xD9) {
        return new JpegHeader(-1, width, height, components,
            "truncated JPEG (no start-of-scan marker: end of image before any image data)");
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // no length field
      if (i + 1 >= bytes.length) {
        i = bytes.length;
        continue;
      }
      int length = (u(bytes, i) << 8) | u(bytes, i + 1);
      if (isStartOfFrame(marker) && length >= 8 && i + 7 < bytes.length) {
        height = (u(bytes, i + 3) << 8) | u(bytes, i + 4);
        width = (u(bytes, i + 5) << 8) | u(bytes, i + 6);
        components = u(bytes, i + 7);
      }
      if (length < 2) {
        return new JpegHeader(-1, width, height, components,
            "corrupt JPEG header (no start-of-scan marker: segment length " + length + " at byte " + i + ")");
      }
      i += length;
    }
  }

  /**
   * Why complete file contents are unusable, or {@code null}: the header must reach a scan, and an
   * end-of-image marker (FF D9) must follow it. Entropy-coded data never contains FF D9, so the
   * last one in the file is found by a short backward scan; bytes after it are tolerated. libjpeg
   * "decodes" a truncated file into grey rows and reports success, so this check is what catches it.
   */
  public String structuralProblem(byte[] bytes) {
    if (problem != null) return problem;
    for (int i = bytes.length - 2; i > firstScan; i--) {
      if (u(bytes, i) == 0xFF && u(bytes, i + 1) == 0xD9) return null;
    }
    return "truncated JPEG (no end-of-image marker after the first scan)";
  }

  /** True when the frame header gave a usable size and 1 or 3 components (gray or colour). */
  public boolean knownSize() {
    return width > 0 && height > 0 && (components == 1 || components == 3);
  }

  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static int u(byte[] b, int i) {
    return b[i] & 0xff;
  }
}
