package dev.xfer.benchmarks;

import dev.xfer.util.ComputeThreads;
import dev.xfer.util.NativeRuntime;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * How precise LibTorch's training-mode BatchNorm is in each memory layout on this host: one float32
 * batch of the given shape (normal, standard deviation {@code std}, offset by each {@code means} value)
 * normalised with batch statistics in NCHW and in channels-last, against the same op on the float64 copy.
 * Prints, per mean, the largest absolute error of the normalised output and the relative error of the
 * batch variance LibTorch carries into the running statistics. A large offset is where a one-pass
 * variance loses digits; it is not a speed figure.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.BatchNormPrecision
 * [batch=8] [channels=728] [size=14] [std=0.5] [means=0,3,30] [threads=2] [seed=5]}
 */
public final class BatchNormPrecision {
  private static final double EPS = 1e-3;

  private BatchNormPrecision() {}

  public static void main(String[] args) {
    BenchArgs a = BenchArgs.parse(args, "batch", "channels", "size", "std", "means", "threads", "seed");
    int batch = a.integer("batch", 8);
    int channels = a.integer("channels", 728);
    int size = a.integer("size", 14);
    double std = a.decimal("std", 0.5);
    String[] means = a.text("means", "0,3,30").split(",");
    NativeRuntime.start();
    ComputeThreads.set(a.integer("threads", 2));
    torch.manual_seed(a.integer("seed", 5));
    System.out.printf(Locale.ROOT, "training-mode BatchNorm, (%d, %d, %d, %d) float32, std %s, eps %s, against float64%n",
        batch, channels, size, size, std, EPS);
    System.out.printf("%8s  %22s  %22s  %24s%n", "mean", "output NCHW max|err|", "channels-last max|err|",
        "running var rel. err NCHW / CL");
    for (String mean : means) {
      try (PointerScope scope = new PointerScope()) {
        Tensor x = torch.randn(batch, channels, size, size).mul_(new org.bytedeco.pytorch.Scalar(std))
            .add_(new org.bytedeco.pytorch.Scalar(Double.parseDouble(mean.trim())));
        Result exact = normalise(x.to(ScalarType.Double), MemoryFormat.Contiguous);
        Result nchw = normalise(x, MemoryFormat.Contiguous);
        Result cl = normalise(x, MemoryFormat.ChannelsLast);
        System.out.printf(Locale.ROOT, "%8s  %22.2e  %22.2e  %12.2e / %9.2e%n", mean.trim(),
            nchw.outputError(exact), cl.outputError(exact), nchw.varianceError(exact), cl.varianceError(exact));
      }
    }
  }

  /** A training-mode batch norm's output and the running variance it leaves (momentum 1: the batch's own). */
  private record Result(Tensor output, Tensor runningVar) {
    double outputError(Result exact) {
      return output.to(ScalarType.Double).sub(exact.output).abs().max().item_double();
    }

    double varianceError(Result exact) {
      Tensor reference = exact.runningVar;
      return runningVar.to(ScalarType.Double).sub(reference).abs().div(reference).max().item_double();
    }
  }

  private static Result normalise(Tensor x, MemoryFormat format) {
    Tensor input = x.contiguous(format);
    long c = x.size(1);
    Tensor runningMean = torch.zeros(c).to(x.scalar_type());
    Tensor runningVar = torch.ones(c).to(x.scalar_type());
    Tensor out = torch.batch_norm(input, new TensorOptional(torch.ones(c).to(x.scalar_type())),
        new TensorOptional(torch.zeros(c).to(x.scalar_type())), new TensorOptional(runningMean),
        new TensorOptional(runningVar), true, 1.0, EPS, false);
    return new Result(out.contiguous(), runningVar);
  }
}
