package dev.xfer.selfcheck;

import dev.xfer.model.XceptionConfig;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks a fast path at a network's own convolution shapes against NCHW float32, forward and
 * backward, on the host that will run it, before a run trusts it. Libraries pick convolution kernels
 * per CPU and per release, and their bugs come with them (one oneDNN release computed one
 * channels-last 1x1 stride-2 shape 60% wrong on one CPU generation and every other shape right), so
 * nothing short of the real shapes on the real host tells. Verdicts are cached per host, LibTorch
 * release, thread count, fast path and shape list ({@link VerdictCache}).
 *
 * <p>Test hook: the environment variable {@value #FAULT_ENV} names a shape (a substring of {@link
 * ConvShape#describe()}, e.g. {@code conv 728->1024 1x1/2 at 14x14}) whose fast-path output the check
 * then scales by 1.5, as a wrong kernel would; such runs neither read nor write the cache.
 */
public final class SelfCheck {
  /** Names a shape whose fast-path result the check corrupts (testing the fallback). */
  public static final String FAULT_ENV = "XFER_SELF_CHECK_FAULT";
  private static final double FAULT_SCALE = 1.5;

  private final VerdictCache cache;
  private final String fault;

  SelfCheck(VerdictCache cache, String fault) {
    this.cache = cache;
    this.fault = fault == null || fault.isBlank() ? null : fault;
  }

  /** The same hook as a system property (for tests that run commands in-process). */
  public static final String FAULT_PROPERTY = "xfer.selfCheck.fault";

  /** The user's cache and the fault named in {@value #FAULT_PROPERTY} or {@value #FAULT_ENV}, if any. */
  public static SelfCheck forHost() {
    return new SelfCheck(VerdictCache.userCache(), System.getProperty(FAULT_PROPERTY, System.getenv(FAULT_ENV)));
  }

  /** Checks {@code path} at the convolution shapes of {@code config} at {@code height} x {@code width} inputs. */
  public Verdict check(FastPath path, XceptionConfig config, int height, int width) {
    return check(path, XceptionConvShapes.of(config, height, width));
  }

  /** Checks {@code path} at {@code shapes}, stopping at the first shape beyond the tolerance. */
  public Verdict check(FastPath path, List<ConvShape> shapes) {
    String key = "v1|" + HostKey.describe() + "|" + path.name() + "|"
        + shapes.stream().map(ConvShape::describe).collect(Collectors.joining(";"));
    if (fault == null) {
      Verdict known = cache.read(key, path);
      if (known != null) return known;
    }
    long start = System.nanoTime();
    ConvParity.Mismatch worst = null;
    int checked = 0;
    boolean passed = true;
    for (ConvShape shape : shapes) {
      boolean faulty = fault != null && shape.describe().contains(fault);
      ConvParity.Mismatch m = ConvParity.measure(shape, path, faulty ? FAULT_SCALE : 1);
      checked++;
      if (worst == null || !(m.error() <= worst.error())) worst = m;
      if (!(m.error() <= path.tolerance())) {
        passed = false;
        worst = m;
        break;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Verdict verdict = worst == null
        ? new Verdict(path, true, 0, "", "", 0, seconds, false)
        : new Verdict(path, passed, checked, worst.shape().describe(), worst.part(), worst.error(), seconds, false);
    if (fault == null) cache.write(key, verdict);
    return verdict;
  }
}
