package dev.xfer.train;

import dev.xfer.data.Sample;
import dev.xfer.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code --resume} continues a run only with the settings it started with: the data (its classes and a
 * fingerprint of its image files), image size, seed, batching, splits, schedule and optimizer settings
 * are compared with those {@code config.json} recorded, and every difference is named in one line.
 * With {@code --resume-with-changes} the learning rates and epoch counts may change; the changes are
 * recorded in the new config.json under {@code resume_changes}.
 */
public final class ResumeCheck {
  /** A recorded setting: the option that sets it, where config.json keeps it, and whether --resume-with-changes may change it. */
  public record Setting(String option, String key, boolean changeable) {}

  public static final List<Setting> SETTINGS = List.of(
      new Setting("--data (its classes)", "classes", false),
      new Setting("--data (its image files)", "data_fingerprint", false),
      new Setting("--numerics", "numerics", false),
      new Setting("--image-size", "image_size", false),
      new Setting("--jpeg-idct", "jpeg_idct", false),
      new Setting("--seed", "seed", false),
      new Setting("--batch-size", "batch_size", false),
      new Setting("--shuffle-buffer", "shuffle_buffer", false),
      new Setting("--train-split", "splits.train", false),
      new Setting("--valid-split", "splits.valid", false),
      new Setting("--test-split", "splits.test", false),
      new Setting("--head-epochs", "head.epochs", true),
      new Setting("--head-lr", "head.lr", true),
      new Setting("--head-decay", "head.decay", false),
      new Setting("--momentum", "head.momentum", false),
      new Setting("--finetune-epochs", "finetune.epochs", true),
      new Setting("--finetune-lr", "finetune.lr", true),
      new Setting("--finetune-decay", "finetune.decay", false),
      new Setting("--unfreeze-from", "finetune.unfreeze_from", false),
      new Setting("--optimizer", "optimizer", false),
      new Setting("--weight-decay", "weight_decay", false),
      new Setting("--schedule", "schedule", false),
      new Setting("--label-smoothing", "label_smoothing", false),
      new Setting("--backbone-lr-mult", "backbone_lr_multiplier", false),
      new Setting("--early-stopping (and its options)", "early_stopping", false),
      new Setting("--random-flip", "augmentation.random_flip", false),
      new Setting("--random-resized-crop", "augmentation.random_resized_crop", false),
      new Setting("--amp", "amp", false));

  private ResumeCheck() {}

  /**
   * Compares {@code now} (this command's config) with the one recorded in {@code runDir}; returns the config to
   * record, which lists the allowed changes under {@code resume_changes} (after those of earlier resumes).
   *
   * @throws IllegalArgumentException naming every setting that differs (and is not allowed to)
   */
  public static Map<String, Object> compare(Path runDir, Map<String, Object> now, boolean withChanges) throws IOException {
    Path file = runDir.resolve("config.json");
    if (!Files.isRegularFile(file)) return now; // a run from before config.json recorded settings
    Map<?, ?> recorded = Json.parseObject(file);
    Map<String, Object> parsedNow = asRecorded(now);
    List<String> refused = new ArrayList<>();
    List<Object> changes = new ArrayList<>();
    if (recorded.get("resume_changes") instanceof List<?> earlier) changes.addAll(earlier);
    for (Setting s : SETTINGS) {
      Object before = lookup(recorded, s.key());
      Object after = lookup(parsedNow, s.key());
      if (before == null && !s.key().equals("early_stopping") && !s.key().equals("weight_decay")) continue; // not recorded
      if (same(before, after)) continue;
      if (s.changeable() && withChanges) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("option", s.option());
        change.put("from", before);
        change.put("to", after);
        changes.add(change);
      } else {
        refused.add(s.option() + " " + show(before) + " (now " + show(after) + ")" + (s.changeable() ? "*" : ""));
      }
    }
    if (!refused.isEmpty()) {
      boolean anyChangeable = refused.stream().anyMatch(r -> r.endsWith("*"));
      throw new IllegalArgumentException("--resume: " + runDir + " was started with other settings: "
          + String.join(", ", refused).replace("*", "") + "; resume with the same options"
          + (anyChangeable && !withChanges ? " (--resume-with-changes allows new learning rates and epoch counts)" : ""));
    }
    Map<String, Object> out = new LinkedHashMap<>(now);
    if (!changes.isEmpty()) out.put("resume_changes", changes);
    return out;
  }

  /** A run continues only with the world size it started with: the epoch shards and the batches depend on it. */
  public static void requireSameWorldSize(Path runDir, int worldSize) throws IOException {
    Path config = runDir.resolve("config.json");
    if (!Files.isRegularFile(config)) return;
    Object recorded = Json.parseObject(config).get("world_size");
    int previous = recorded == null ? 1 : ((Number) recorded).intValue();
    if (previous != worldSize) {
      throw new IllegalArgumentException("--resume: " + runDir + " was trained with world size " + previous
          + ", this run has " + worldSize + "; resume with the same number of ranks");
    }
  }

  /**
   * A fingerprint of the data: SHA-256 over the class names and every image's key and size. Another folder,
   * an added, removed, renamed or resized file changes it.
   */
  public static String fingerprint(List<String> classes, List<Sample> samples) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
    sha.update(String.join("\n", classes).getBytes(StandardCharsets.UTF_8));
    for (Sample s : samples) {
      sha.update(("\n" + s.label() + "/" + s.key() + ":" + Files.size(s.path())).getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** {@code config} as it reads back from config.json (numbers as Long or Double), so values compare alike. */
  private static Map<String, Object> asRecorded(Map<String, Object> config) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) Json.parse(dev.xfer.util.Json.object(config));
    return m;
  }

  private static Object lookup(Map<?, ?> config, String key) {
    Object v = config;
    for (String part : key.split("\\.")) {
      if (!(v instanceof Map<?, ?> m)) return null;
      v = m.get(part);
    }
    return v;
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
    return Objects.equals(a, b);
  }

  private static String show(Object v) {
    if (v == null) return "(not set)";
    if (v instanceof String s && s.length() == 64 && s.matches("[0-9a-f]+")) return s.substring(0, 12);
    return String.valueOf(v);
  }
}
