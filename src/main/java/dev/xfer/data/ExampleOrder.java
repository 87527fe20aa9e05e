package dev.xfer.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The deterministic order of a folder's examples, which is what split slices are taken from.
 *
 * <p>{@link #tfds()} reproduces tensorflow_datasets (spec §4.5): examples sorted ascending by
 * {@code int(md5(b"train" + key.encode("utf-8")).hexdigest(), 16)} with key {@code "<classdir>/<file>"}
 * (tfds' {@code Hasher(salt=split_name)}; the ImageFolder is tfds' single "train" split). So
 * {@code train[:10%]} here holds the same files as tfds' {@code train[:10%]} of tf_flowers.
 *
 * <p>{@link #seeded(long)} is the same rule with the salt {@code "seed:<seed>:"}: in Python,
 * {@code sorted(keys, key=lambda k: int(hashlib.md5(f"seed:{seed}:{k}".encode()).hexdigest(), 16))}.
 * It gives a different, reproducible order per seed that, like tfds', does not move an example when
 * other files are added or removed.
 */
public final class ExampleOrder {
  private final String salt;

  private ExampleOrder(String salt) {
    this.salt = salt;
  }

  /** tfds' order for the "train" split. */
  public static ExampleOrder tfds() {
    return new ExampleOrder("train");
  }

  /** A documented seeded order (salt {@code "seed:<seed>:"}). */
  public static ExampleOrder seeded(long seed) {
    return new ExampleOrder("seed:" + seed + ":");
  }

  /** The salt prepended to each key before hashing. */
  public String salt() {
    return salt;
  }

  /** {@code md5(salt_utf8 + key_utf8)}, 16 bytes; compared as an unsigned big-endian integer. */
  public byte[] hash(String key) {
    return md5(salt + key);
  }

  /** A new list of {@code samples} sorted by hash (ties, which md5 makes vanishingly rare, by key). */
  public List<Sample> sort(List<Sample> samples) {
    record Keyed(byte[] hash, Sample sample) {}
    List<Keyed> keyed = new ArrayList<>(samples.size());
    for (Sample s : samples) keyed.add(new Keyed(hash(s.key()), s));
    keyed.sort(Comparator.<Keyed, byte[]>comparing(Keyed::hash, Arrays::compareUnsigned)
        .thenComparing(k -> k.sample().key()));
    List<Sample> out = new ArrayList<>(keyed.size());
    for (Keyed k : keyed) out.add(k.sample());
    return out;
  }

  @Override
  public String toString() {
    return salt.equals("train") ? "tfds (md5 of \"train\" + key)" : "seeded (md5 of \"" + salt + "\" + key)";
  }

  private static byte[] md5(String text) {
    try {
      return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every Java platform", e);
    }
  }
}
