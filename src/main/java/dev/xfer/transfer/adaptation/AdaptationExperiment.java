package dev.xfer.transfer.adaptation;

import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.transfer.SeedSummary;
import dev.xfer.transfer.SupervisedTraining;
import dev.xfer.util.Machine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code xfer adapt}'s seeds: {@link DomainAdaptation} once per seed (each seed's data from {@code dataOf}),
 * a row per seed printed as it finishes, and the markdown table of every row with mean ± sd over seeds.
 */
public final class AdaptationExperiment {
  private AdaptationExperiment() {}

  /**
   * Runs every seed; writes the first seed's adapted model to {@code out} (unless null) and returns the table.
   *
   * @param labelsPerClass labelled target images per class (the last column's heading)
   */
  public static String run(LoadedModel weights, LongFunction<DomainAdaptation.Data> dataOf, SupervisedTraining fineTune,
      List<Long> seeds, int labelsPerClass, int evalBatch, Path out) throws IOException {
    List<String> names = weights.classNames();
    List<DomainAdaptation.Result> results = new ArrayList<>();
    StringBuilder table = new StringBuilder("| seed | source, unadapted | target, unadapted | target, AdaBN | source, after AdaBN | target, AdaBN + "
        + labelsPerClass + " labels/class |\n|---|---|---|---|---|---|\n");
    for (long seed : seeds) {
      torch.manual_seed(seed);
      DomainAdaptation.Result r;
      try (DomainAdaptation.Data data = dataOf.apply(seed)) {
        r = DomainAdaptation.run(weights, data, fineTune, evalBatch);
      }
      results.add(r);
      if (out != null && seed == seeds.get(0)) {
        ModelFile.save(out, r.adapted(), weights.preprocessing(), names);
        System.out.println("wrote " + out);
      }
      String row = String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", seed, figure(r.sourceBefore()), figure(r.targetBefore()),
          figure(r.targetAdaBn()), figure(r.sourceAdaBn()), figure(r.fineTuned()));
      System.out.print(row);
      table.append(row);
    }
    table.append(String.format(Locale.ROOT, "| mean ± sd | %s | %s | %s | %s | %s |%n",
        summary(results, DomainAdaptation.Result::sourceBefore), summary(results, DomainAdaptation.Result::targetBefore),
        summary(results, DomainAdaptation.Result::targetAdaBn), summary(results, DomainAdaptation.Result::sourceAdaBn),
        summary(results, DomainAdaptation.Result::fineTuned)));
    table.append(String.format(Locale.ROOT, "%nMachine: %s, LibTorch %d threads; %s.%n", Machine.describe(), torch.get_num_threads(), Instant.now()));
    return table.toString();
  }

  private static String figure(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String summary(List<DomainAdaptation.Result> results, ToDoubleFunction<DomainAdaptation.Result> f) {
    List<Double> values = results.stream().map(f::applyAsDouble).toList();
    return values.stream().anyMatch(v -> Double.isNaN(v)) ? "-" : SeedSummary.of(values).toString();
  }
}
