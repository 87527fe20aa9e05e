package dev.xfer.cli;

import dev.xfer.data.DataReport;
import dev.xfer.data.FolderCheck;
import dev.xfer.data.ImageDecoder.ImageInfo;
import dev.xfer.data.ImageDecoder;
import dev.xfer.data.ImageFolder;
import dev.xfer.data.InvalidDataFolderException;
import dev.xfer.report.FolderReport;
import dev.xfer.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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
    List<ImageInfo> infos = FolderCheck.inspect(folder.samples(), new ImageDecoder(exif), report, n);
    double seconds = (System.nanoTime() - start) / 1e9;
    FolderReport found = new FolderReport(folder, infos, report);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.object(found.jsonFields()));
    } else {
      found.printTable(out, seconds, n);
    }
    out.flush();
    return found.ok() ? 0 : 1;
  }
}
