package dev.xfer.selfcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xfer.model.Numerics;
import dev.xfer.model.XceptionConfig;
import dev.xfer.train.MixedPrecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-check passes healthy paths, catches a corrupted shape, caches verdicts, and the gate falls back. */
class SelfCheckTest {
  private static final XceptionConfig COMPACT = new XceptionConfig(0.0625, 1, 0, Numerics.KERAS);
  private static final ConvShape EXIT_SKIP = new ConvShape(64, 64, 1, 2, 0, 1, 5, 5);
  @TempDir Path cacheDir;

  @Test
  void channelsLastMatchesOnThisHostAndTheVerdictIsCached() throws IOException {
    SelfCheck check = new SelfCheck(new VerdictCache(cacheDir), null);
    Verdict first = check.check(FastPath.CHANNELS_LAST, COMPACT, 71, 71);
    assertTrue(first.passed(), first.describe());
    assertEquals(XceptionConvShapes.of(COMPACT, 71).size(), first.shapes());
    assertTrue(first.worstError() < FastPath.CHANNELS_LAST.tolerance(), first.describe());
    assertFalse(first.cached());
    assertEquals(1, files(cacheDir).size());

    Verdict second = check.check(FastPath.CHANNELS_LAST, COMPACT, 71, 71);
    assertTrue(second.cached(), "read back, not measured again");
    assertEquals(first.worstError(), second.worstError());
    assertEquals(first.shapes(), second.shapes());
    assertTrue(second.describe().contains("cached"), second.describe());

    check.check(FastPath.CHANNELS_LAST, COMPACT, 80, 80);
    assertEquals(2, files(cacheDir).size(), "another image size is another set of shapes, another entry");
  }

  @Test
  void aCorruptedShapeFailsNamingItAndIsNeverCached() throws IOException {
    String target = XceptionConvShapes.of(COMPACT, 71).get(5).describe();
    SelfCheck faulty = new SelfCheck(new VerdictCache(cacheDir), target);
    Verdict v = faulty.check(FastPath.CHANNELS_LAST, COMPACT, 71, 71);
    assertFalse(v.passed());
    assertEquals(target, v.worstShape());
    assertEquals("output", v.worstPart());
    assertEquals(0.5, v.worstError(), 1e-4, "the hook scales the output by 1.5: relative error 0.5");
    assertEquals(6, v.shapes(), "stops at the first failing shape");
    assertTrue(v.describe().contains(target) && v.describe().contains("wrong"), v.describe());
    assertEquals(List.of(), files(cacheDir), "a run with an injected fault leaves the cache alone");
  }

  @Test
  void aDamagedCacheEntryIsMeasuredAgain() throws IOException {
    SelfCheck check = new SelfCheck(new VerdictCache(cacheDir), null);
    List<ConvShape> one = List.of(EXIT_SKIP);
    check.check(FastPath.CHANNELS_LAST, one);
    Path entry = files(cacheDir).get(0);
    Files.writeString(entry, "passed=maybe\n");
    Verdict again = check.check(FastPath.CHANNELS_LAST, one);
    assertFalse(again.cached());
    assertTrue(again.passed());
  }

  @Test
  void theGateFallsBackToNchwAndKeepsBf16WhenItsCheckPasses() {
    assumeTrue(MixedPrecision.cpuSupportsBf16(), "bf16 autocast needs AVX512-BF16 or AMX");
    String target = XceptionConvShapes.of(COMPACT, 71).get(0).describe();
    FastPathGate.Choice c = FastPathGate.choose(true, true, COMPACT, 71, 71, new SelfCheck(new VerdictCache(cacheDir), target));
    // the fault corrupts that shape on every fast path: channels-last fails, then NCHW bf16 fails too
    assertFalse(c.channelsLast());
    assertFalse(c.bf16());
    assertEquals(2, c.lines().size());
    assertTrue(c.lines().get(0).endsWith("running NCHW instead"), c.lines().get(0));
    assertTrue(c.lines().get(1).contains("NCHW bf16 autocast") && c.lines().get(1).endsWith("running float32 instead"), c.lines().get(1));

    FastPathGate.Choice healthy = FastPathGate.choose(true, true, COMPACT, 71, 71, new SelfCheck(new VerdictCache(cacheDir), null));
    assertTrue(healthy.channelsLast() && healthy.bf16(), healthy.lines().toString());
  }

  @Test
  void turnedOffItSaysSo() {
    FastPathGate.Choice c = FastPathGate.unchecked(true, false);
    assertTrue(c.channelsLast());
    assertEquals(List.of("self-check: off (--no-self-check): channels-last float32 runs unchecked against NCHW float32"), c.lines());
    assertEquals(List.of(), FastPathGate.unchecked(false, false).lines());
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
