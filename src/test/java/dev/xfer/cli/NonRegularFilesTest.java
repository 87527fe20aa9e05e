package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xfer.util.RegularFiles;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths that are not regular files (a named pipe, a socket, a device behind a symbolic link) are
 * refused from their metadata, never opened: opening a FIFO without a writer would block for ever,
 * so every command here runs under a timeout, and the oracle is the kind each fixture was made as.
 */
class NonRegularFilesTest {
  private static final List<String> CLASSES = List.of("blue", "green", "red");
  private static final Duration LIMIT = Duration.ofSeconds(60);
  @TempDir Path dir;

  private static Path fifo(Path path) throws Exception {
    Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    assumeTrue(p.waitFor() == 0 && Files.exists(path), "mkfifo is not available");
    return path;
  }

  @Test
  void eachKindIsNamedFromItsMetadata() throws Exception {
    Path pipe = fifo(dir.resolve("pipe.png"));
    Path socketFile = dir.resolve("sock.png");
    try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      socket.bind(UnixDomainSocketAddress.of(socketFile));
      assertEquals("a socket, not a regular file", RegularFiles.problem(socketFile));
    }
    Path device = Files.createSymbolicLink(dir.resolve("zero.png"), Path.of("/dev/zero"));
    Path dangling = Files.createSymbolicLink(dir.resolve("gone.png"), dir.resolve("nothing-here"));
    Path regular = Files.writeString(dir.resolve("plain.txt"), "x");
    Path viaLink = Files.createSymbolicLink(dir.resolve("link.txt"), regular);
    assertEquals("a named pipe (FIFO), not a regular file", RegularFiles.problem(pipe));
    assertEquals("a character device, not a regular file", RegularFiles.problem(device));
    assertEquals("a directory, not a regular file", RegularFiles.problem(dir));
    assertEquals("a symbolic link to nothing (no such file)", RegularFiles.problem(dangling));
    assertEquals("no such file", RegularFiles.problem(dir.resolve("absent")));
    assertEquals(null, RegularFiles.problem(regular));
    assertEquals(null, RegularFiles.problem(viaLink));
  }

  @Test
  void aFifoInTheDataIsABadFileForVerifyDataAndTrain() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 4);
    Path pipe = fifo(data.resolve("red").resolve("pipe.png"));
    Path weights = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);

    CliRun verify = assertTimeoutPreemptively(LIMIT, () -> CliRun.run("verify-data", "--data", data.toString()));
    assertEquals(1, verify.code(), verify.output());
    assertTrue(verify.output().contains(pipe + ": a named pipe (FIFO), not a regular file"), verify.output());
    assertTrue(verify.output().contains("NOT OK: 1 bad files"), verify.output());

    Path run = dir.resolve("run");
    CliRun train = assertTimeoutPreemptively(LIMIT, () -> CliRun.run("train", "--data", data.toString(), "--weights",
        weights.toString(), "--out", run.toString(), "--on-bad-image", "fail", "--device", "cpu", "--head-epochs", "1",
        "--finetune-epochs", "0"));
    assertEquals(1, train.code(), train.output());
    assertTrue(train.output().contains(pipe + ": a named pipe (FIFO)"), train.output());
  }

  @Test
  void predictSkipsOrFailsOnAFifoAndOnABadImage() throws Exception {
    Path data = ColourFolder.write(dir.resolve("data"), CLASSES, 1);
    Path model = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path good = data.resolve("red").resolve("img0.png");
    Path other = data.resolve("blue").resolve("img0.png");
    Path pipe = fifo(dir.resolve("pipe.png"));
    Path bad = Files.writeString(dir.resolve("bad.jpg"), "not an image");

    CliRun fail = assertTimeoutPreemptively(LIMIT, () -> CliRun.run("predict", "--model", model.toString(),
        good.toString(), pipe.toString(), other.toString()));
    assertEquals(1, fail.code(), fail.output());
    assertTrue(fail.output().contains(pipe + ": a named pipe (FIFO), not a regular file"), fail.output());
    assertFalse(fail.output().contains(good + "  "), "nothing predicted under fail: " + fail.output());

    CliRun skip = assertTimeoutPreemptively(LIMIT, () -> CliRun.run("predict", "--model", model.toString(),
        "--on-bad-image", "skip", "--batch-size", "2", good.toString(), pipe.toString(), bad.toString(), other.toString()));
    assertEquals(0, skip.code(), skip.output());
    assertTrue(skip.output().contains("skipped " + pipe + ": a named pipe (FIFO)"), skip.output());
    assertTrue(skip.output().contains("skipped " + bad + ": not an image"), skip.output());
    assertTrue(skip.output().contains(good + "  ") && skip.output().contains(other + "  "), skip.output());
  }

  @Test
  void weightsAndNpyInputsThatAreNotRegularFilesAreNamed() throws Exception {
    Path pipe = fifo(dir.resolve("pipe.npy"));
    Path model = ColourFolder.tinyWeights(dir.resolve("tiny.safetensors"), CLASSES);
    Path out = dir.resolve("emb.npy");

    CliRun npy = assertTimeoutPreemptively(LIMIT, () -> CliRun.run("embed", "--weights", model.toString(),
        "--input", pipe.toString(), "--out", out.toString()));
    assertEquals(1, npy.code(), npy.output());
    assertTrue(npy.output().contains("pipe.npy: a named pipe (FIFO), not a regular file (expected a .npy file)"), npy.output());
    assertFalse(Files.exists(out));

    CliRun weights = assertTimeoutPreemptively(LIMIT, () -> CliRun.run("summary", "--weights", pipe.toString()));
    assertEquals(1, weights.code(), weights.output());
    assertTrue(weights.output().contains(pipe + ": a named pipe (FIFO), not a regular file (expected a weight file"),
        weights.output());

    CliRun folder = CliRun.run("summary", "--weights", dir.toString());
    assertEquals(1, folder.code(), folder.output());
    assertTrue(folder.output().contains(dir + ": a directory, not a regular file (expected a weight file"), folder.output());
  }
}
