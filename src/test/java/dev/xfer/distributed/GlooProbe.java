package dev.xfer.distributed;

import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;

/**
 * Smallest proof that c10d works through the presets: run as
 * {@code GlooProbe <rank> <worldSize> <port>} in N processes on loopback; each all-reduces
 * a tensor filled with (rank+1) and prints the sum, which must be 4 N(N+1)/2. A fourth argument
 * makes rank 1 die right after joining, to observe how the survivor fails.
 */
public final class GlooProbe {
  public static void main(String[] args) {
    int rank = Integer.parseInt(args[0]);
    int world = Integer.parseInt(args[1]);
    short port = (short) Integer.parseInt(args[2]);
    TCPStoreOptions so = new TCPStoreOptions();
    so.port(port).isServer(rank == 0).numWorkers(new SizeTPointer(1).put(world))
     .waitWorkers(true).timeout(new Milliseconds(20_000));
    TCPStore store = new TCPStore("127.0.0.1", so);
    ProcessGroupGloo.Options opts = ProcessGroupGloo.Options.create(new Milliseconds(20_000));
    opts.devices(new GlooDeviceVector(ProcessGroupGloo.createDeviceForHostname("127.0.0.1")));
    ProcessGroupGloo pg = new ProcessGroupGloo(store, rank, world, opts);
    if (args.length > 3 && rank == 1) {
      Runtime.getRuntime().halt(3);
    }
    Tensor t = torch.full(new long[] {4}, new Scalar((float) (rank + 1)));
    Work w = pg.allreduce(new TensorVector(t));
    w._wait();
    System.out.println("rank " + rank + " result " + t.sum().item_float());
  }
}
