package dev.xfer.model;

/**
 * The memory format a command runs its network in: what {@code --channels-last} or
 * {@code --no-channels-last} says, else channels-last (NHWC) on the CPU, where oneDNN then skips its
 * layout reorders around every convolution (full Xception: training 1.2-1.6x and inference 1.75x faster
 * here, benchmarks/RESULTS.md), and NCHW on CUDA, where it has not been measured. The model and its
 * files are the same either way; results differ by float rounding only.
 *
 * @param channelsLast whether the network runs channels-last
 * @param reason why, for the line a command prints
 */
public record MemoryFormat(boolean channelsLast, String reason) {

  /** @param flag the option's value: true, false, or null when neither form was given */
  public static MemoryFormat resolve(Boolean flag, boolean cuda) {
    if (flag != null) return new MemoryFormat(flag, flag ? "--channels-last" : "--no-channels-last");
    return cuda ? new MemoryFormat(false, "the CUDA default; --channels-last to change")
        : new MemoryFormat(true, "the CPU default; --no-channels-last for NCHW");
  }

  /** This layout, or NCHW when the host self-check refused channels-last ({@code checkedChannelsLast} false). */
  public MemoryFormat afterCheck(boolean checkedChannelsLast) {
    return checkedChannelsLast || !channelsLast ? this : new MemoryFormat(false, "channels-last failed the self-check on this CPU");
  }

  /** "layout: channels-last (NHWC, the CPU default; --no-channels-last for NCHW)". */
  public String describe() {
    return "layout: " + (channelsLast ? "channels-last (NHWC, " : "NCHW (") + reason + ")";
  }

}
