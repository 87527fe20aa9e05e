package dev.xfer.transfer.drift;

import dev.xfer.data.stream.WindowStream;
import dev.xfer.model.LoadedModel;
import dev.xfer.transfer.SeedSummary;
import dev.xfer.util.AtomicFiles;
import dev.xfer.util.Machine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code xfer drift}'s seeds: {@link DriftExperiment} once per seed, a markdown table of every window per
 * seed (also printed as it comes), a summary over seeds, windows.md and the first seed's drift.png.
 */
public final class DriftReport {
  private DriftReport() {}

  /** Draws one seed's windows to a PNG file. */
  public interface Chart {
    void chart(DriftExperiment.Result result, long seed, Path png) throws IOException;
  }

  /**
   * Runs every seed and writes {@code out}/windows.md (starting with {@code md}'s text) and {@code out}/drift.png.
   *
   * @param last the number of final windows whose accuracy is summarised
   * @param shiftStart a generated stream's first shifted window, or null for a folder sequence
   * @param firstSeed draws the first seed's chart (drift.png)
   */
  public static void run(LoadedModel weights, LongFunction<WindowStream> streamOf, DriftExperiment.Settings settings,
      List<Long> seeds, int last, Integer shiftStart, StringBuilder md, Path out, Chart firstSeed) throws IOException {
    List<Double> frozenLast = new ArrayList<>();
    List<Double> adaptedLast = new ArrayList<>();
    List<String> detections = new ArrayList<>();
    for (long seed : seeds) {
      WindowStream s = streamOf.apply(seed);
      DriftExperiment.Result r = DriftExperiment.run(weights, s, settings, seed);
      md.append(String.format(Locale.ROOT, "%n## seed %d (threshold %.5f)%n%n| window | strength | MMD² | drift | frozen acc | adapted acc | frozen conf | adapted conf |%n|---|---|---|---|---|---|---|---|%n",
          seed, r.threshold()));
      for (DriftExperiment.Window w : r.windows()) {
        String row = String.format(Locale.ROOT, "| %s | %s | %.5f | %s | %s | %s%s | %.3f | %.3f |%n", w.name(), figure(w.strength(), "%.2f"),
            w.statistic(), w.driftDeclared() ? "yes" : "", figure(w.frozenAccuracy(), "%.4f"), figure(w.adaptedAccuracy(), "%.4f"),
            w.adapted() ? "" : " (= frozen)", w.frozenConfidence(), w.adaptedConfidence());
        md.append(row);
        System.out.printf("seed %d %s", seed, row);
      }
      frozenLast.add(r.lastAccuracy(last, false));
      adaptedLast.add(r.lastAccuracy(last, true));
      detections.add(r.firedAt() < 0 ? "never"
          : shiftStart == null ? r.windows().get(r.firedAt()).name() + " (stream window " + r.firedAt() + ")"
          : r.firedAt() + " (" + (r.firedAt() - shiftStart) + " after the shift starts)");
      if (seed == seeds.get(0)) {
        firstSeed.chart(r, seed, out.resolve("drift.png"));
      }
    }
    String frozen = frozenLast.stream().anyMatch(v -> v.isNaN()) ? "- (unlabelled)" : SeedSummary.of(frozenLast).toString();
    String adapted = adaptedLast.stream().anyMatch(v -> v.isNaN()) ? "- (unlabelled)" : SeedSummary.of(adaptedLast).toString();
    md.append(String.format(Locale.ROOT, "%n## summary%n%n| seeds | drift declared at window | frozen acc, last %d windows | adapted acc, last %d windows |%n|---|---|---|---|%n| %s | %s | %s | %s |%n",
        last, last, seeds, String.join("; ", detections), frozen, adapted));
    md.append(String.format(Locale.ROOT, "%nMachine: %s, LibTorch %d threads; %s.%n", Machine.describe(), torch.get_num_threads(), Instant.now()));
    AtomicFiles.writeString(out.resolve("windows.md"), md.toString());
    System.out.printf(Locale.ROOT, "drift declared at: %s%nlast %d windows: frozen %s, adapted %s (mean ± sd over seeds %s)%nwrote %s and %s%n",
        detections, last, frozen, adapted, seeds, out.resolve("windows.md"), out.resolve("drift.png"));
  }

  private static String figure(double v, String format) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
  }
}
