package dev.xfer.selfcheck;

import dev.xfer.model.XceptionConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which of the requested fast paths a CPU run may use: channels-last first (against NCHW
 * float32), then bf16 autocast in the layout that survived. A path that fails its check is dropped
 * and the run goes on in the safe one; every verdict becomes one line for the run's output.
 */
public final class FastPathGate {
  private FastPathGate() {}

  /**
   * What a run uses.
   *
   * @param channelsLast run the network channels-last
   * @param bf16 run under bf16 autocast
   * @param lines one line per verdict, naming the fallback where there was one
   */
  public record Choice(boolean channelsLast, boolean bf16, List<String> lines) {}

  /** The requested layout and precision, less whatever fails its check on this host. */
  public static Choice choose(boolean channelsLast, boolean bf16, XceptionConfig config, int height, int width,
      SelfCheck check) {
    List<String> lines = new ArrayList<>();
    if (channelsLast) {
      Verdict v = check.check(FastPath.CHANNELS_LAST, config, height, width);
      channelsLast = v.passed();
      lines.add(v.describe() + (v.passed() ? "" : "; running NCHW instead"));
    }
    if (bf16) {
      Verdict v = check.check(FastPath.of(channelsLast, true), config, height, width);
      bf16 = v.passed();
      lines.add(v.describe() + (v.passed() ? "" : "; running float32 instead"));
    }
    return new Choice(channelsLast, bf16, List.copyOf(lines));
  }

  /** The choice when the check is turned off: everything as requested, one line saying it is unchecked. */
  public static Choice unchecked(boolean channelsLast, boolean bf16) {
    FastPath path = FastPath.of(channelsLast, bf16);
    List<String> lines = path == null ? List.of()
        : List.of("self-check: off (--no-self-check): " + path.label() + " runs unchecked against NCHW float32");
    return new Choice(channelsLast, bf16, lines);
  }
}
