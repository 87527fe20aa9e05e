package dev.xfer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Data-parallel options of {@code xfer train}: start N local workers, or join a job as one rank (options, or the
 * torchrun variables RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; options win).
 */
final class DistributedOptions {
  @Option(names = "--nproc", paramLabel = "N", description = "Start N local worker processes (Gloo on loopback);"
      + " --batch-size is per worker, so the global batch is N x it (default: one process).")
  Integer nproc;

  @Option(names = "--rank", paramLabel = "R", description = "Join a job as rank R (or env RANK).")
  Integer rank;

  @Option(names = "--world-size", paramLabel = "W", description = "Number of ranks in the job (or env WORLD_SIZE).")
  Integer worldSize;

  @Option(names = "--master-addr", paramLabel = "HOST", description = "Host of rank 0's rendezvous store (or env"
      + " MASTER_ADDR; default 127.0.0.1).")
  String masterAddr;

  @Option(names = "--master-port", paramLabel = "PORT", description = "Port of rank 0's rendezvous store (or env"
      + " MASTER_PORT; with --nproc, default: a free port).")
  Integer masterPort;

  @Option(names = "--sync-bn", description = "Distributed runs: BatchNorm statistics of the global batch (all ranks)"
      + " in training, instead of each rank's own.")
  boolean syncBatchNorm;

  @Option(names = "--dist-timeout", defaultValue = "300", paramLabel = "SECONDS", description = "Rendezvous and"
      + " collective timeout; a dead or stuck rank ends the job after at most this (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  /** How this process takes part: alone, as the launcher of local workers, or as one rank. */
  record Role(Kind kind, int rank, int worldSize, String masterAddr, int masterPort) {
    enum Kind { SINGLE, LAUNCHER, RANK }
  }

  Role role(Map<String, String> env) {
    Integer r = rank != null ? rank : intVar(env, "RANK");
    Integer w = worldSize != null ? worldSize : intVar(env, "WORLD_SIZE");
    String addr = masterAddr != null ? masterAddr : env.getOrDefault("MASTER_ADDR", "127.0.0.1");
    Integer port = masterPort != null ? masterPort : intVar(env, "MASTER_PORT");
    if (timeoutSeconds < 1) throw new IllegalArgumentException("--dist-timeout: expected >= 1 second, found " + timeoutSeconds);
    if (r != null || w != null) {
      if (nproc != null) throw new IllegalArgumentException("--nproc: starts its own workers; not with --rank/--world-size or RANK/WORLD_SIZE");
      if (r == null || w == null) throw new IllegalArgumentException("joining a job needs both a rank and a world size (--rank and --world-size, or RANK and WORLD_SIZE)");
      if (w < 1 || r < 0 || r >= w) throw new IllegalArgumentException("--rank " + r + ": expected in [0, " + w + ")");
      if (w > 1 && port == null) throw new IllegalArgumentException("joining a job needs --master-port or MASTER_PORT");
      return new Role(w == 1 ? Role.Kind.SINGLE : Role.Kind.RANK, r, w, addr, port == null ? 0 : port);
    }
    if (nproc != null) {
      if (nproc < 1) throw new IllegalArgumentException("--nproc: expected >= 1, found " + nproc);
      if (nproc > 1) return new Role(Role.Kind.LAUNCHER, 0, nproc, "127.0.0.1", port == null ? 0 : port);
    }
    return new Role(Role.Kind.SINGLE, 0, 1, addr, 0);
  }

  long timeoutMs() {
    return timeoutSeconds * 1000;
  }

  /** The command line for the workers: {@code args} without --nproc and its value. */
  static List<String> withoutNproc(List<String> args) {
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
