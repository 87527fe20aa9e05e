package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {
  @TempDir Path dir;

  @Test
  void csvHoldsTheSameRowsAsTheJson() throws Exception {
    List<EpochRecord> h = List.of(
        new EpochRecord("head", 1, 1.25, 0.5, 0.9, 0.625, 0.1, 12.5, 80),
        new EpochRecord("head", 2, 0.75, 0.7, Double.NaN, Double.NaN, 0.09, 11, 81.5),
        new EpochRecord("fine,tune \"2\"", 1, 0.5, 0.8, 0.6, 0.75, 1e-5, 20, 50));
    HistoryFile.write(dir, h);

    List<?> epochs = (List<?>) ((Map<?, ?>) Json.parse(Files.readString(dir.resolve("history.json")))).get("epochs");
    List<String> lines = Files.readAllLines(dir.resolve("history.csv"));
    assertEquals("epoch,phase,loss,accuracy,val_loss,val_accuracy,lr,seconds,images_per_second", lines.get(0));
    assertEquals(epochs.size() + 1, lines.size());
    List<String> columns = List.of(lines.get(0).split(","));
    for (int i = 0; i < epochs.size(); i++) {
      Map<?, ?> json = (Map<?, ?>) epochs.get(i);
      List<String> fields = splitCsv(lines.get(i + 1));
      assertEquals(columns.size(), fields.size(), lines.get(i + 1));
      for (int c = 0; c < columns.size(); c++) {
        Object expected = json.get(columns.get(c));
        String got = fields.get(c);
        if (expected == null) assertEquals("", got, columns.get(c) + " unmeasured");
        else if (expected instanceof Number n) assertEquals(n.doubleValue(), Double.parseDouble(got), columns.get(c));
        else assertEquals(expected, got, columns.get(c));
      }
    }
    assertEquals(h.size(), HistoryFile.read(dir).size(), "history.json reads back");
    try (var files = Files.list(dir)) {
      assertTrue(files.allMatch(p -> p.getFileName().toString().startsWith("history.")), "no temporary files left");
    }
  }

  @Test
  void noHistoryFileMeansNoEpochs() throws Exception {
    assertEquals(List.of(), HistoryFile.read(dir));
  }

  /** RFC 4180 fields: quoted fields may hold commas and doubled quotes. */
  private static List<String> splitCsv(String line) {
    List<String> out = new java.util.ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          f.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(f.toString());
        f.setLength(0);
      } else {
        f.append(ch);
      }
    }
    out.add(f.toString());
    return out;
  }
}
