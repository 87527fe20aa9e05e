package dev.xfer.train;

import dev.xfer.util.AtomicFiles;
import dev.xfer.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's per-epoch log in two forms, both replaced atomically after every epoch: {@code history.json}
 * ({@code {"epochs": [...]}}, one object per epoch with Keras' metric names) and {@code history.csv}, the same
 * rows as Keras' CSVLogger and timm's summary.csv lay them out (a header line, then one line per epoch; an
 * unmeasured value is an empty field).
 */
public final class HistoryFile {
  /** The JSON file's name in a run directory. */
  public static final String JSON = "history.json";
  /** The CSV file's name in a run directory. */
  public static final String CSV = "history.csv";

  private HistoryFile() {}

  /** Writes {@code history.json} and {@code history.csv} into {@code dir}. */
  public static void write(Path dir, List<EpochRecord> history) throws IOException {
    AtomicFiles.writeString(dir.resolve(JSON), json(history) + "\n");
    AtomicFiles.writeString(dir.resolve(CSV), csv(history));
  }

  /** The history as one line of JSON, {@code {"epochs": [...]}}. */
  public static String json(List<EpochRecord> history) {
    List<Object> rows = new ArrayList<>();
    for (EpochRecord r : history) rows.add(r.toMap());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("epochs", rows);
    return Json.object(doc);
  }

  /** The history as CSV: columns {@code epoch} first, then the JSON fields in their order. */
  public static String csv(List<EpochRecord> history) {
    List<String> columns = columns();
    StringBuilder sb = new StringBuilder(String.join(",", columns)).append('\n');
    for (EpochRecord r : history) {
      Map<String, Object> m = r.toMap();
      List<String> fields = new ArrayList<>();
      for (String c : columns) fields.add(field(m.get(c)));
      sb.append(String.join(",", fields)).append('\n');
    }
    return sb.toString();
  }

  /** The CSV header's column names. */
  public static List<String> columns() {
    List<String> columns = new ArrayList<>(List.of("epoch"));
    for (String key : new EpochRecord("", 0, 0, 0, 0, 0, 0, 0, 0).toMap().keySet()) {
      if (!key.equals("epoch")) columns.add(key);
    }
    return columns;
  }

  /** The epochs recorded in {@code dir}'s history.json; none when there is no such file. */
  public static List<EpochRecord> read(Path dir) throws IOException {
    Path file = dir.resolve(JSON);
    if (!Files.isRegularFile(file)) return List.of();
    return epochs(Json.parseObject(file));
  }

  /** The epochs of a history document given as JSON text. */
  public static List<EpochRecord> parse(String json) {
    return epochs((Map<?, ?>) Json.parse(json));
  }

  private static List<EpochRecord> epochs(Map<?, ?> doc) {
    List<EpochRecord> out = new ArrayList<>();
    for (Object o : (List<?>) doc.get("epochs")) out.add(EpochRecord.fromMap((Map<?, ?>) o));
    return out;
  }

  private static String field(Object v) {
    if (v == null) return "";
    if (v instanceof Number n) return Double.isFinite(n.doubleValue()) ? Json.value(n) : "";
    String s = v.toString();
    boolean quote = s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r");
    return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
