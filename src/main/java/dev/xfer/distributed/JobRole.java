package dev.xfer.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How this process takes part in training: alone, as the launcher of local workers, or as one rank of a job.
 *
 * @param kind which of the three
 * @param rank this process's rank (0 alone or as launcher)
 * @param worldSize the number of ranks
 * @param masterAddr host of rank 0's rendezvous store
 * @param masterPort its port (0: a launcher picks a free one)
 */
public record JobRole(Kind kind, int rank, int worldSize, String masterAddr, int masterPort) {
  public enum Kind { SINGLE, LAUNCHER, RANK }

  /**
   * The role given by {@code --nproc}, {@code --rank}, {@code --world-size}, {@code --master-addr} and
   * {@code --master-port} (each null when not given), else by torchrun's RANK, WORLD_SIZE, MASTER_ADDR and
   * MASTER_PORT in {@code env}.
   */
  public static JobRole of(Integer nproc, Integer rank, Integer worldSize, String masterAddr, Integer masterPort,
      Map<String, String> env) {
    Integer r = rank != null ? rank : intVar(env, "RANK");
    Integer w = worldSize != null ? worldSize : intVar(env, "WORLD_SIZE");
    String addr = masterAddr != null ? masterAddr : env.getOrDefault("MASTER_ADDR", "127.0.0.1");
    Integer port = masterPort != null ? masterPort : intVar(env, "MASTER_PORT");
    if (r != null || w != null) {
      if (nproc != null) throw new IllegalArgumentException("--nproc: starts its own workers; not with --rank/--world-size or RANK/WORLD_SIZE");
      if (r == null || w == null) throw new IllegalArgumentException("joining a job needs both a rank and a world size (--rank and --world-size, or RANK and WORLD_SIZE)");
      if (w < 1 || r < 0 || r >= w) throw new IllegalArgumentException("--rank " + r + ": expected in [0, " + w + ")");
      if (w > 1 && port == null) throw new IllegalArgumentException("joining a job needs --master-port or MASTER_PORT");
      return new JobRole(w == 1 ? Kind.SINGLE : Kind.RANK, r, w, addr, port == null ? 0 : port);
    }
    if (nproc != null) {
      if (nproc < 1) throw new IllegalArgumentException("--nproc: expected >= 1, found " + nproc);
      if (nproc > 1) return new JobRole(Kind.LAUNCHER, 0, nproc, "127.0.0.1", port == null ? 0 : port);
    }
    return new JobRole(Kind.SINGLE, 0, 1, addr, 0);
  }

  /** The command line for the workers: {@code args} without --nproc and its value. */
  public static List<String> withoutNproc(List<String> args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--nproc")) {
        i++;
      } else if (!a.startsWith("--nproc=")) {
        out.add(a);
      }
    }
    return out;
  }

  private static Integer intVar(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) return null;
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + name + "='" + v + "': expected an integer");
    }
  }
}
