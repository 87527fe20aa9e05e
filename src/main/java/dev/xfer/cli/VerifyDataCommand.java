package dev.xfer.cli;

import dev.xfer.data.BadImageException;
import dev.xfer.data.DataReport;
import dev.xfer.data.ImageDecoder.ImageInfo;
import dev.xfer.data.ImageDecoder;
import dev.xfer.data.ImageFolder;
import dev.xfer.data.InvalidDataFolderException;
import dev.xfer.data.Sample;
import dev.xfer.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code xfer verify-data}: decodes every file of a data folder and reports what is unusable. */
@Command(name = "verify-data", mixinStandardHelpOptions = true,
    description = {
      "Check a data folder (one sub-folder per class) before training: every file is decoded, in parallel, "
          + "exactly as training would decode it. Prints per class the number of images, bad files and the "
          + "smallest and largest image (width x height), then every bad file with its reason, files that are "
          + "not images, and hidden files skipped.",
      "Exit codes: 0 all images decode, 1 at least one bad file (empty, truncated, corrupt, unsupported, or "
          + "non-image content under an image name), 2 bad usage (including a folder that is not a data set)."
    })
public final class VerifyDataCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data folder: DIR/<class>/<image>.")
  Path data;

  @Option(names = "--classes", split = ",", paramLabel = "NAME", description = "Explicit class order (default: sorted folder names).")
  List<String> classes;

  @Mixin DecodeThreadsOption threads;

  @Option(names = "--exif", description = "Apply EXIF orientation when decoding (default: ignored, as tfds and Keras do).")
  boolean exif;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  private record Stats(int images, int bad, int[] smallest, int[] largest) {}

  @Override
  public Integer call() throws Exception {
    int n = threads.count == null ? Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())) : threads.count;
    if (n < 1) throw new ParameterException(spec.commandLine(), "--threads: expected at least 1, found " + n);
    DataReport report = new DataReport();
    ImageFolder folder;
    try {
      folder = ImageFolder.scan(data, classes, report);
    } catch (InvalidDataFolderException e) {
      throw new ParameterException(spec.commandLine(), "--data: " + e.getMessage());
    }
    long start = System.nanoTime();
    List<ImageInfo> infos = decodeAll(folder.samples(), report, n);
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Stats> stats = perClass(folder, infos, report);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.object(jsonFields(folder, stats, report)));
    } else {
      printTable(out, folder, stats, report, seconds, n);
    }
    out.flush();
    return report.badImages().isEmpty() ? 0 : 1;
  }

  private List<ImageInfo> decodeAll(List<Sample> samples, DataReport report, int n) throws Exception {
    ImageDecoder decoder = new ImageDecoder(exif);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<ImageInfo>> futures = new ArrayList<>();
      for (Sample s : samples) {
        futures.add(pool.submit(() -> {
          try {
            return decoder.inspect(s.path());
          } catch (BadImageException e) {
            report.addBad(e);
            return null;
          }
        }));
      }
      List<ImageInfo> infos = new ArrayList<>();
      for (Future<ImageInfo> f : futures) infos.add(f.get());
      return infos;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<String, Stats> perClass(ImageFolder folder, List<ImageInfo> infos, DataReport report) {
    Map<String, Stats> out = new LinkedHashMap<>();
    for (String c : folder.classes()) out.put(c, new Stats(0, 0, null, null));
    for (int i = 0; i < infos.size(); i++) {
      ImageInfo info = infos.get(i);
      if (info == null) continue;
      String c = folder.classes().get(folder.samples().get(i).label());
      Stats s = out.get(c);
      int[] wh = {info.width(), info.height()};
      int[] small = s.smallest() == null || area(wh) < area(s.smallest()) ? wh : s.smallest();
      int[] large = s.largest() == null || area(wh) > area(s.largest()) ? wh : s.largest();
      out.put(c, new Stats(s.images() + 1, s.bad(), small, large));
    }
    for (DataReport.Issue issue : report.badImages()) {
      Path parent = issue.file().getParent();
      String c = parent == null ? null : parent.getFileName().toString();
      Stats s = out.get(c);
      if (s != null) out.put(c, new Stats(s.images(), s.bad() + 1, s.smallest(), s.largest()));
    }
    return out;
  }

  private static long area(int[] wh) {
    return (long) wh[0] * wh[1];
  }

  private static String size(int[] wh) {
    return wh == null ? "-" : wh[0] + "x" + wh[1];
  }

  private void printTable(PrintWriter out, ImageFolder folder, Map<String, Stats> stats, DataReport report, double seconds, int n) {
    out.printf("data folder %s: %d classes%n", folder.root(), folder.classes().size());
    int width = Math.max(5, folder.classes().stream().mapToInt(String::length).max().orElse(5));
    String row = "%-" + width + "s  %7s  %5s  %11s  %11s%n";
    out.printf(row, "class", "images", "bad", "smallest", "largest");
    int images = 0;
    int bad = 0;
    for (Map.Entry<String, Stats> e : stats.entrySet()) {
      Stats s = e.getValue();
      out.printf(row, e.getKey(), s.images(), s.bad(), size(s.smallest()), size(s.largest()));
      images += s.images();
      bad += s.bad();
    }
    out.printf(row, "total", images, bad, "", "");
    List<DataReport.Issue> badFiles = report.badImages();
    if (!badFiles.isEmpty()) {
      out.printf("%nbad files (%d):%n", badFiles.size());
      for (DataReport.Issue i : badFiles) out.println("  " + i);
    }
    List<DataReport.Issue> notImages = report.notImages();
    if (!notImages.isEmpty()) {
      out.printf("%nskipped, not images (%d):%n", notImages.size());
      for (DataReport.Issue i : notImages) out.println("  " + i);
    }
    out.printf("%nhidden files skipped: %d; files directly in the data folder ignored: %d%n",
        report.hiddenCount(), folder.ignoredTopLevelFiles());
    out.printf("decoded %d files in %.2f s with %d threads%n", folder.samples().size(), seconds, n);
    out.println(badFiles.isEmpty() ? "OK: every image decodes" : "NOT OK: " + badFiles.size() + " bad files");
  }

  private static Map<String, Object> jsonFields(ImageFolder folder, Map<String, Stats> stats, DataReport report) {
    List<Object> classes = new ArrayList<>();
    for (Map.Entry<String, Stats> e : stats.entrySet()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", e.getKey());
      c.put("images", e.getValue().images());
      c.put("bad", e.getValue().bad());
      c.put("smallest", size(e.getValue().smallest()));
      c.put("largest", size(e.getValue().largest()));
      classes.add(c);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("data", folder.root().toString());
    m.put("classes", classes);
    m.put("bad_files", issues(report.badImages()));
    m.put("not_images", issues(report.notImages()));
    m.put("hidden_files", report.hiddenCount());
    m.put("ignored_top_level_files", folder.ignoredTopLevelFiles());
    m.put("ok", report.badImages().isEmpty());
    return m;
  }

  private static List<Object> issues(List<DataReport.Issue> list) {
    List<Object> out = new ArrayList<>();
    for (DataReport.Issue i : list) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", i.file().toString());
      m.put("reason", i.reason());
      out.add(m);
    }
    return out;
  }
}
