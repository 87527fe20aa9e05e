package dev.xfer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.pytorch.Tensor;

/** What to do with a file that cannot be decoded: skip it (reported once, counted) or abort. */
public enum BadImagePolicy {
  /** Report the file once with its reason, count it in the {@link DataReport}, and go on without it. */
  SKIP,
  /** Abort with the file's path and reason. */
  FAIL;

  /** Parses {@code skip} or {@code fail} (any case). */
  public static BadImagePolicy parse(String text) {
    for (BadImagePolicy p : values()) {
      if (p.name().equalsIgnoreCase(text.strip())) return p;
    }
    throw new IllegalArgumentException("--on-bad-image: expected skip or fail, found '" + text + "'");
  }

  /**
   * The files that pass the checks needing no decode ({@link ImageDecoder#checkStructure}); under FAIL the
   * first bad one is an error, under SKIP it is reported on standard error.
   */
  public List<Path> structurallySound(List<Path> files) throws BadImageException {
    List<Path> usable = new ArrayList<>();
    for (Path p : files) {
      try {
        ImageDecoder.checkStructure(p);
        usable.add(p);
      } catch (BadImageException e) {
        if (this == FAIL) throw e;
        System.err.println("skipped " + e.getMessage());
      }
    }
    return usable;
  }

  /** The decoded image, or null when it is skipped under this policy (reported on standard error). */
  public Tensor decode(ImageDecoder decoder, Path file) throws BadImageException {
    try {
      return decoder.decode(file);
    } catch (BadImageException e) {
      if (this == FAIL) throw e;
      System.err.println("skipped " + e.getMessage());
      return null;
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
