package dev.xfer.benchmarks;

import dev.xfer.bench.SeparableShape;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Entry point of benchmarks.jar: JMH's own command line (same options as {@code org.openjdk.jmh.Main}),
 * then one summary line per result with images/s (score x batch) and, for separable convolutions,
 * achieved GFLOP/s by the count in {@link SeparableShape}.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions options;
    try {
      options = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("Error parsing command line: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams() || options.shouldListProfilers()
        || options.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    Collection<RunResult> results = new Runner(options).run();
    System.out.println();
    System.out.println("xfer summary (images/s = batches/s x batch; GFLOP/s: separable convolutions only,"
        + " fwdbwd counted as 3x forward)");
    for (RunResult r : results) System.out.println(summarize(r));
  }

  /** One line: benchmark, parameters, mean images/s and the iterations' range, GFLOP/s where the FLOPs are known. */
  static String summarize(RunResult run) {
    BenchmarkResult aggregate = run.getAggregatedResult();
    Result<?> primary = aggregate.getPrimaryResult();
    var params = run.getParams();
    String bench = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.', params.getBenchmark()
        .lastIndexOf('.') - 1) + 1);
    StringBuilder keys = new StringBuilder();
    for (String k : params.getParamsKeys()) keys.append(' ').append(k).append('=').append(params.getParam(k));
    double batchesPerSecond = primary.getScore();
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (BenchmarkResult fork : run.getBenchmarkResults()) {
      for (var iteration : fork.getIterationResults()) {
        low = Math.min(low, iteration.getPrimaryResult().getScore());
        high = Math.max(high, iteration.getPrimaryResult().getScore());
      }
    }
    int batch;
    double flopsPerImage = Double.NaN;
    if (bench.startsWith("SeparableConvBench")) {
      batch = Integer.parseInt(params.getParam("batch"));
      SeparableShape shape = SeparableShape.parse(params.getParam("shape"));
      String op = params.getParam("op");
      double forward = "dw".equals(op) ? shape.depthwiseFlopsPerImage()
          : "pw".equals(op) ? shape.pointwiseFlopsPerImage() : shape.forwardFlopsPerImage();
      flopsPerImage = "fwd".equals(params.getParam("mode")) ? forward : 3 * forward;
    } else if (bench.startsWith("TrainStepBench")) {
      batch = TrainStepBench.batchOf(params.getParam("net"));
    } else {
      batch = 1;
    }
    double imagesPerSecond = batchesPerSecond * batch;
    String flops = Double.isNaN(flopsPerImage) ? ""
        : String.format(Locale.ROOT, "  %8.2f GFLOP/s", imagesPerSecond * flopsPerImage / 1e9);
    String range = low > high ? "" : String.format(Locale.ROOT, " (iterations %.2f to %.2f)", low * batch, high * batch);
    return String.format(Locale.ROOT, "%-30s%s  %10.2f images/s%s%s", bench, keys, imagesPerSecond, range, flops);
  }
}
