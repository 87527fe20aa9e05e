package dev.xfer.distributed;

import dev.xfer.kernels.Tensors;
import dev.xfer.util.NativeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Test worker of {@link GlooReduceOpsTest}: one rank (torchrun-style environment from {@link WorkerLauncher}) builds
 * a Gloo process group straight from the presets' classes and all-reduces a 4-element tensor filled with rank + 1
 * twice, with the default op and with AVG. Args: outDir. Writes both results, one line each, to outDir/rank{r}.txt.
 */
public final class GlooReduceOpsWorker {
  private GlooReduceOpsWorker() {}

  public static void main(String[] args) throws Exception {
    NativeRuntime.start();
    int rank = Integer.parseInt(System.getenv("RANK"));
    int world = Integer.parseInt(System.getenv("WORLD_SIZE"));
    int port = Integer.parseInt(System.getenv("MASTER_PORT"));
    TCPStore store = new TCPStore("127.0.0.1", new TCPStoreOptions().port((short) port).isServer(rank == 0)
        .numWorkers(new SizeTPointer(1).put(world)).waitWorkers(true).timeout(new Milliseconds(30_000)));
    ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(new Milliseconds(30_000));
    options.devices(new GlooDeviceVector(ProcessGroupGloo.createDeviceForHostname("127.0.0.1")));
    ProcessGroupGloo group = new ProcessGroupGloo(store, rank, world, options);
    Tensor summed = torch.full(new long[] {4}, new Scalar((float) (rank + 1)));
    group.allreduce(new TensorVector(summed))._wait();
    Tensor averaged = torch.full(new long[] {4}, new Scalar((float) (rank + 1)));
    AllreduceOptions avg = new AllreduceOptions();
    avg.reduceOp(new ReduceOp(ReduceOp.RedOpType.AVG));
    group.allreduce(new TensorVector(averaged), avg)._wait();
    Files.writeString(Path.of(args[0]).resolve("rank" + rank + ".txt"),
        Arrays.toString(Tensors.toFloatArray(summed)) + "\n" + Arrays.toString(Tensors.toFloatArray(averaged)) + "\n");
  }
}
