package dev.xfer.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The side-by-side table of the demo's arms, as text and as a JSON-friendly map. */
public final class ComparisonTable {
  private final List<RunResult> runs;
  private final double reach;
  private final int testImages;

  public ComparisonTable(List<RunResult> runs, double reachAccuracy, int testImages) {
    this.runs = List.copyOf(runs);
    this.reach = reachAccuracy;
    this.testImages = testImages;
  }

  /** Rows: test accuracy, best validation accuracy (epoch), epochs to reach the stated accuracy, wall time. */
  public String text() {
    List<String[]> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of(""));
    runs.forEach(r -> header.add(r.name()));
    rows.add(header.toArray(String[]::new));
    rows.add(row(String.format(Locale.ROOT, "test accuracy (%d images)", testImages), r -> pct(r.testAccuracy())));
    rows.add(row("weights tested", r -> "epoch " + r.testedEpoch() + " of " + r.history().size()));
    rows.add(row("best validation accuracy", r -> pct(r.bestValidAccuracy()) + " (epoch " + r.bestEpoch() + ")"));
    rows.add(row(String.format(Locale.ROOT, "epochs to %.0f%% validation accuracy", 100 * reach),
        r -> r.epochsToReach(reach) > 0 ? Integer.toString(r.epochsToReach(reach)) : "not in " + r.history().size()));
    rows.add(row("wall time", r -> String.format(Locale.ROOT, "%.0f s", r.seconds())));
    int[] width = new int[header.size()];
    for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      sb.append(String.format("%-" + width[0] + "s", r[0]));
      for (int i = 1; i < r.length; i++) sb.append("   ").append(String.format("%" + width[i] + "s", r[i]));
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The same figures for comparison.json. */
  public Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("reach_accuracy", reach);
    out.put("test_images", testImages);
    for (RunResult r : runs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("test_accuracy", r.testAccuracy());
      m.put("test_loss", r.testLoss());
      m.put("tested_epoch", r.testedEpoch());
      m.put("best_val_accuracy", r.bestValidAccuracy());
      m.put("best_val_epoch", r.bestEpoch());
      m.put("epochs_to_reach", r.epochsToReach(reach) > 0 ? r.epochsToReach(reach) : null);
      m.put("epochs", r.history().size());
      m.put("seconds", r.seconds());
      out.put(r.name(), m);
    }
    return out;
  }

  private String[] row(String label, java.util.function.Function<RunResult, String> cell) {
    String[] r = new String[runs.size() + 1];
    r[0] = label;
    for (int i = 0; i < runs.size(); i++) r[i + 1] = cell.apply(runs.get(i));
    return r;
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}
