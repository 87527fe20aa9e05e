package dev.xfer.data;

import java.util.Locale;

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

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
