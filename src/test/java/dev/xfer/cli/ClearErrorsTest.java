package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xfer.kernels.Tensors;
import dev.xfer.model.io.Npy;
import dev.xfer.util.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Misused paths and options end in one line naming the path or option and what was expected. */
class ClearErrorsTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  @TempDir Path dir;

  /** The lines an error printed: exactly one, starting with "COMMAND: error: ". */
  private static String errorLine(CliRun r, String command) {
    List<String> lines = r.output().lines().filter(l -> l.startsWith(command + ": error: ")).toList();
    assertEquals(1, lines.size(), r.output());
    assertFalse(r.output().contains("frame #") || r.output().contains("\tat "), "no stack frames: " + r.output());
    return lines.get(0);
  }

  private String[] train(Path data, Path weights, Path out, String... extra) {
    List<String> a = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--weights", weights.toString(),
        "--out", out.toString(), "--device", "cpu"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void runDirectoryPathsThatCannotBeOneAreNamed() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 1);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
    CliRun r = CliRun.run(train(data, weights, file));
    assertEquals(1, r.code());
    assertEquals("train: error: --out: " + file + " exists and is not a directory (expected a run directory)", errorLine(r, "train"));
    assertEquals("keep me", Files.readString(file));

    Path under = file.resolve("run");
    CliRun r2 = CliRun.run(train(data, weights, under));
    assertEquals(1, r2.code());
    assertTrue(errorLine(r2, "train").startsWith("train: error: --out: cannot create the run directory " + under + ": "),
        r2.output());

    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc");
    Path proc = Path.of("/proc/xfer-no-such/run");
    CliRun r3 = CliRun.run(train(data, weights, proc));
    assertEquals(1, r3.code());
    assertTrue(errorLine(r3, "train").startsWith("train: error: --out: cannot create the run directory " + proc + ": "), r3.output());
  }

  @Test
  void anOutputInAMissingFolderNamesTheFileAndTheFolder() throws Exception {
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path img = ColourFolder.write(dir.resolve("data"), CLASSES, 1).resolve("red/img0.png");
    Path out = dir.resolve("missing/dir/o.npy");
    CliRun r = CliRun.run("embed", "--weights", weights.toString(), "--out", out.toString(), img.toString());
    assertEquals(1, r.code());
    assertEquals("embed: error: " + out + ": cannot write: the folder " + out.getParent() + " does not exist", errorLine(r, "embed"));
  }

  @Test
  void anImageSizeOutOfRangeIsRefusedBeforeAnyAllocation() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 1);
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    CliRun r = CliRun.run(train(data, weights, dir.resolve("run"), "--image-size", "100000"));
    assertEquals(1, r.code());
    assertEquals("train: error: --image-size: expected 71 to 2048, found 100000 (Xception needs at least 71 x 71)",
        errorLine(r, "train"));
    assertFalse(Files.exists(dir.resolve("run")), "nothing left behind");
    CliRun e = CliRun.run("embed", "--weights", weights.toString(), "--image-size", "70", "--out",
        dir.resolve("e.npy").toString(), data.resolve("red/img0.png").toString());
    assertEquals("embed: error: --image-size: expected 71 to 2048, found 70 (Xception needs at least 71 x 71)", errorLine(e, "embed"));
  }

  @Test
  void aFullDiskNamesTheFileAndKeepsWhatWasWritten() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full");
    Path metrics = dir.resolve("metrics.json");
    AtomicFiles.writeString(metrics, "{\"accuracy\": 0.9}\n");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(metrics, temp -> {
      Files.writeString(temp, "{\"accu"); // half written, then the disk is full
      Files.writeString(Path.of("/dev/full"), "racy\": 0.8}\n");
    }));
    assertEquals(metrics + ": cannot write: No space left on device", e.getMessage());
    assertEquals("{\"accuracy\": 0.9}\n", Files.readString(metrics), "the previous file is intact");
    try (var left = Files.list(dir)) {
      assertEquals(List.of(metrics), left.toList(), "no temporary file left behind");
    }
  }

  @Test
  void libTorchErrorsShowOneLineUnlessDebugging() {
    RuntimeException nativeError;
    try (PointerScope scope = new PointerScope()) {
      nativeError = assertThrows(RuntimeException.class,
          () -> Tensors.ofFloats(new float[6], 2, 3).matmul(Tensors.ofFloats(new float[6], 2, 3)));
    }
    assertTrue(nativeError.getMessage().strip().contains("\n"), "LibTorch's message has several lines: " + nativeError.getMessage());

    for (boolean debug : new boolean[] {false, true}) {
      CommandLine cli = new CommandLine(new XferCommand());
      cli.parseArgs(debug ? new String[] {"summary", "--debug", "--weights", "w"} : new String[] {"summary", "--weights", "w"});
      CommandLine summary = cli.getSubcommands().get("summary");
      StringWriter err = new StringWriter();
      summary.setErr(new PrintWriter(err, true));
      assertEquals(1, new ErrorReporter().handleExecutionException(nativeError, summary, cli.getParseResult()));
      List<String> lines = err.toString().lines().toList();
      String first = nativeError.getMessage().strip().lines().findFirst().orElseThrow().strip();
      if (debug) {
        assertTrue(lines.size() > 2 && lines.get(0).equals("summary: error: " + first), err.toString());
      } else {
        assertEquals(List.of("summary: error: " + first + " (LibTorch error; --debug shows its trace)"), lines);
      }
    }
  }

  @Test
  void everyOutputFileGetsThePermissionsOfANewFile() throws Exception {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path plain = Files.writeString(dir.resolve("plain.json"), "{}"); // the policy: a new file under this umask
    Path npy = dir.resolve("x.npy");
    Npy.writeFloat32(npy, new long[] {2}, new float[] {1, 2});
    Path model = ColourFolder.tinyWeights(dir.resolve("model.safetensors"), CLASSES);
    String expected = PosixFilePermissions.toString(Files.getPosixFilePermissions(plain));
    assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(npy)), ".npy");
    assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(model)), "model file");
  }
}
