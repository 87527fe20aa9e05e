package dev.xfer.distributed;

import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;

/**
 * Smallest proof that c10d works through the presets: run as
 * {@code GlooProbe <rank> <worldSize> <port> [timeoutMs [halt]]} in N processes on loopback; each all-reduces
 * a tensor filled with (rank+1) and prints the sum, which must be 4 N(N+1)/2. {@code timeoutMs} (default 20000)
 * bounds the rendezvous and the collectives; {@code halt} makes rank 1 die right after joining, to observe how
 * the survivor fails. Each rank prints the seconds from start to joining; a failure prints the call that threw,
 * the exception's class and first line, and the seconds from start, then rethrows (exit status 1).
 *
 * <p>Runs as a single source file on the runtime dependencies alone, loading the natives as JavaCPP does by default
 * (without {@code dev.xfer.util.NativeRuntime}):
 * {@code java -cp "$(ls target/lib/*.jar | tr '\n' :)" src/test/java/dev/xfer/distributed/GlooProbe.java 0 2 45679}.
 */
public final class GlooProbe {
  public static void main(String[] args) {
    long start = System.nanoTime();
    int rank = Integer.parseInt(args[0]);
    int world = Integer.parseInt(args[1]);
    short port = (short) Integer.parseInt(args[2]); // the native side reads it as unsigned
    long timeoutMs = args.length > 3 ? Long.parseLong(args[3]) : 20_000;
    boolean halt = args.length > 4 && args[4].equals("halt");
    String step = "TCPStore";
    try {
      TCPStoreOptions so = new TCPStoreOptions();
      so.port(port).isServer(rank == 0).numWorkers(new SizeTPointer(1).put(world))
       .waitWorkers(true).timeout(new Milliseconds(timeoutMs));
      TCPStore store = new TCPStore("127.0.0.1", so);
      step = "ProcessGroupGloo";
      ProcessGroupGloo.Options opts = ProcessGroupGloo.Options.create(new Milliseconds(timeoutMs));
      opts.devices(new GlooDeviceVector(ProcessGroupGloo.createDeviceForHostname("127.0.0.1")));
      ProcessGroupGloo pg = new ProcessGroupGloo(store, rank, world, opts);
      System.out.printf("rank %d joined after %.1f s%n", rank, (System.nanoTime() - start) / 1e9);
      System.out.flush();
      if (halt && rank == 1) {
        Runtime.getRuntime().halt(3);
      }
      Tensor t = torch.full(new long[] {4}, new Scalar((float) (rank + 1)));
      step = "allreduce";
      Work w = pg.allreduce(new TensorVector(t));
      step = "Work._wait";
      w._wait();
      System.out.println("rank " + rank + " result " + t.sum().item_float());
    } catch (RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      int nl = message.indexOf('\n');
      System.out.printf("rank %d failed in %s after %.1f s: %s: %s%n", rank, step,
          (System.nanoTime() - start) / 1e9, e.getClass().getName(), nl < 0 ? message : message.substring(0, nl));
      throw e;
    }
  }
}
