package dev.xfer.distributed;

/** A distributed job failed: rendezvous timed out, a peer died, or a worker exited with an error. */
public final class DistributedException extends RuntimeException {
  public DistributedException(String message, Throwable cause) {
    super(message, cause);
  }

  public DistributedException(String message) {
    super(message);
  }
}
