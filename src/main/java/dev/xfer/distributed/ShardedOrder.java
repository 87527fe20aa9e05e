package dev.xfer.distributed;

import java.util.Arrays;

/**
 * This rank's disjoint shard of a (seeded, globally identical) epoch order. Ranks take every
 * {@code worldSize}-th example starting at their rank, after trimming the order to a multiple of the world size,
 * so that global step k of N ranks with batch b sees exactly the examples of step k of one process with batch N·b.
 */
public final class ShardedOrder {
  private ShardedOrder() {
  }

  public static int[] shard(int[] epochOrder, int rank, int worldSize) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank " + rank + " is not within world size " + worldSize);
    }
    int perRank = epochOrder.length / worldSize;
    int[] out = new int[perRank];
    for (int i = 0; i < perRank; i++) {
      out[i] = epochOrder[i * worldSize + rank];
    }
    return out;
  }

  /**
   * Every {@code worldSize}-th example from {@code rank}, without trimming: the shards together cover the order
   * exactly once (evaluation, where every example must count once).
   */
  public static int[] cover(int[] order, int rank, int worldSize) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank " + rank + " is not within world size " + worldSize);
    }
    int[] out = new int[(order.length - rank + worldSize - 1) / worldSize];
    for (int i = 0; i < out.length; i++) {
      out[i] = order[i * worldSize + rank];
    }
    return out;
  }

  /** The examples a single process would use for the same trimmed epoch (for equivalence checks). */
  public static int[] trimmed(int[] epochOrder, int worldSize) {
    return Arrays.copyOf(epochOrder, epochOrder.length / worldSize * worldSize);
  }
}
