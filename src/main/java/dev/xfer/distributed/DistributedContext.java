package dev.xfer.distributed;

import java.util.Map;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * One rank's membership in a c10d process group (Gloo over TCP, rendezvous through a TCPStore hosted by
 * rank 0). Collective failures (peer died, timeout) are rethrown as {@link DistributedException} naming this rank.
 */
public final class DistributedContext implements AutoCloseable {
  private final int rank;
  private final int worldSize;
  private final TCPStore store; // kept reachable: the process group holds a native reference
  private final ProcessGroupGloo group;

  private DistributedContext(int rank, int worldSize, TCPStore store, ProcessGroupGloo group) {
    this.rank = rank;
    this.worldSize = worldSize;
    this.store = store;
    this.group = group;
  }

  /** Joins the job: blocks until all {@code worldSize} ranks connected, or throws after {@code timeoutMs}. */
  public static DistributedContext join(int rank, int worldSize, String masterAddr, int masterPort, long timeoutMs) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank " + rank + " is not within world size " + worldSize);
    }
    if (masterPort < 1 || masterPort > 65535) {
      throw new IllegalArgumentException("master port " + masterPort + " is not a TCP port");
    }
    try {
      TCPStoreOptions storeOptions = new TCPStoreOptions()
          .port((short) masterPort)
          .isServer(rank == 0)
          .numWorkers(new SizeTPointer(1).put(worldSize))
          .waitWorkers(true)
          .timeout(new Milliseconds(timeoutMs));
      TCPStore store = new TCPStore(masterAddr, storeOptions);
      ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(new Milliseconds(timeoutMs));
      String host = masterAddr.equals("127.0.0.1") || masterAddr.equals("localhost") ? "127.0.0.1" : hostName();
      options.devices(new GlooDeviceVector(ProcessGroupGloo.createDeviceForHostname(host)));
      return new DistributedContext(rank, worldSize, store, new ProcessGroupGloo(store, rank, worldSize, options));
    } catch (RuntimeException e) {
      throw new DistributedException("rank " + rank + " of " + worldSize + ": rendezvous at " + masterAddr + ":"
          + masterPort + " did not complete: " + firstLine(e), e);
    }
  }

  /** Joins from torchrun-style variables RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT. */
  public static DistributedContext fromEnvironment(Map<String, String> env, long timeoutMs) {
    return join(intVar(env, "RANK"), intVar(env, "WORLD_SIZE"), env.getOrDefault("MASTER_ADDR", "127.0.0.1"),
        intVar(env, "MASTER_PORT"), timeoutMs);
  }

  private static int intVar(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null) {
      throw new IllegalArgumentException("environment variable " + name + " is not set");
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + name + "='" + value + "' is not an integer");
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return worldSize;
  }

  /** Sums {@code t} in place across all ranks (blocking). */
  public void allReduceSum(Tensor t) {
    try {
      group.allreduce(new TensorVector(t))._wait();
    } catch (RuntimeException e) {
      throw new DistributedException("rank " + rank + " of " + worldSize
          + ": all-reduce failed, a peer rank probably died: " + firstLine(e), e);
    }
  }

  /** Sums a small vector of doubles across ranks (metrics: loss·count, correct, count). */
  public double[] allReduceSum(double[] values) {
    Tensor t;
    try (org.bytedeco.javacpp.DoublePointer p = new org.bytedeco.javacpp.DoublePointer(values)) {
      t = org.bytedeco.pytorch.global.torch.from_blob(p, new long[] {values.length},
          new org.bytedeco.pytorch.TensorOptions(org.bytedeco.pytorch.global.torch.ScalarType.Double)).clone();
    }
    allReduceSum(t);
    double[] out = new double[values.length];
    t.contiguous().data_ptr_double().get(out);
    return out;
  }

  /** Blocks until every rank reached this point. */
  public void barrier() {
    allReduceSum(new double[] {0});
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  @Override
  public void close() {
    group.close();
    store.close();
  }
}
