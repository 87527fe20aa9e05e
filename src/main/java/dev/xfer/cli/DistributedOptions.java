package dev.xfer.cli;

import dev.xfer.distributed.JobRole;
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

  /** How this process takes part, from these options and else torchrun's environment variables. */
  JobRole role(Map<String, String> env) {
    if (timeoutSeconds < 1) throw new IllegalArgumentException("--dist-timeout: expected >= 1 second, found " + timeoutSeconds);
    return JobRole.of(nproc, rank, worldSize, masterAddr, masterPort, env);
  }

  long timeoutMs() {
    return timeoutSeconds * 1000;
  }
}
