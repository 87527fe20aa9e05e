package dev.xfer.report;

import dev.xfer.data.DataReport;
import dev.xfer.data.ImageDecoder.ImageInfo;
import dev.xfer.data.ImageFolder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a check of an image folder found ({@code xfer verify-data}): per class the number of images, bad
 * files and the smallest and largest image, then every bad file, the files that are not images and the
 * hidden files skipped; as a table or as JSON fields.
 */
public final class FolderReport {
  private record Stats(int images, int bad, int[] smallest, int[] largest) {}

  private final ImageFolder folder;
  private final DataReport report;
  private final Map<String, Stats> stats;

  /** @param infos each image's size, in the folder's order, null for a bad image */
  public FolderReport(ImageFolder folder, List<ImageInfo> infos, DataReport report) {
    this.folder = folder;
    this.report = report;
    this.stats = perClass(folder, infos, report);
  }

  /** True when every image decodes. */
  public boolean ok() {
    return report.badImages().isEmpty();
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

  /** The table {@code xfer verify-data} prints: per class, then the bad and skipped files, then the verdict. */
  public void printTable(PrintWriter out, double seconds, int n) {
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

  /** The same as one JSON object's fields. */
  public Map<String, Object> jsonFields() {
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
