package dev.xfer.data;

/** Derivation of independent RNG seeds from a user seed and counters (SplitMix64 finaliser). */
final class Seeds {
  private Seeds() {}

  /** A well-mixed seed from {@code parts}, e.g. (seed, epoch) or (seed, epoch, position, stream). */
  static long mix(long... parts) {
    long h = 0x9E3779B97F4A7C15L;
    for (long p : parts) h = splitMix64(h ^ splitMix64(p + 0x632BE59BD9B4E019L));
    return h;
  }

  private static long splitMix64(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
