package dev.xfer.distributed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Test worker: softmax regression trained by plain SGD on seeded data, sharded by {@link ShardedOrder} and
 * synchronised by {@link GradientAverager}. Args: outDir batchPerRank steps [dieAtStep].
 * Writes its final weights to outDir/rank{r}.txt. World size 1 without environment runs alone.
 */
public final class TinyTrainingWorker {
  static final int FEATURES = 5;
  static final int CLASSES = 3;
  static final int EXAMPLES = 64;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    int dieAt = args.length > 3 ? Integer.parseInt(args[3]) : -1;
    try (DistributedContext ctx = DistributedContext.fromEnvironment(System.getenv(), 20_000)) {
      float[] w = train(ctx, ctx.rank(), ctx.worldSize(), batch, steps, dieAt);
      Files.writeString(out.resolve("rank" + ctx.rank() + ".txt"), toText(w));
    }
  }

  static String toText(float[] w) {
    StringBuilder sb = new StringBuilder();
    for (float v : w) {
      sb.append(v).append('\n');
    }
    return sb.toString();
  }

  /** Trains and returns weights followed by bias; {@code ctx} may be null for a single process. */
  static float[] train(DistributedContext ctx, int rank, int world, int batch, int steps, int dieAt) {
    Random random = new Random(7);
    float[] xs = new float[EXAMPLES * FEATURES];
    long[] ys = new long[EXAMPLES];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < EXAMPLES; i++) {
      ys[i] = random.nextInt(CLASSES);
    }
    float[] w0 = new float[CLASSES * FEATURES];
    for (int i = 0; i < w0.length; i++) {
      w0[i] = (float) (0.1 * random.nextGaussian());
    }
    int[] order = new int[EXAMPLES];
    for (int i = 0; i < EXAMPLES; i++) {
      order[i] = (i * 37 + 11) % EXAMPLES; // a fixed permutation, identical in all ranks
    }
    int[] mine = ShardedOrder.shard(order, rank, world);
    Tensor x = torch.from_blob(new FloatPointer(xs), new long[] {EXAMPLES, FEATURES},
        new TensorOptions(ScalarType.Float)).clone();
    Tensor y = torch.from_blob(new LongPointer(ys), new long[] {EXAMPLES},
        new TensorOptions(ScalarType.Long)).clone();
    Tensor weight = torch.from_blob(new FloatPointer(w0), new long[] {CLASSES, FEATURES},
        new TensorOptions(ScalarType.Float)).clone().requires_grad_(true);
    Tensor bias = torch.zeros(new long[] {CLASSES}, new TensorOptions(ScalarType.Float)).requires_grad_(true);
    GradientAverager averager = ctx == null ? null : new GradientAverager(ctx, 8);
    for (int step = 0; step < steps; step++) {
      if (step == dieAt && rank == 1) {
        Runtime.getRuntime().halt(9);
      }
      long[] idx = new long[batch];
      for (int i = 0; i < batch; i++) {
        idx[i] = mine[(step * batch + i) % mine.length];
      }
      Tensor index = torch.from_blob(new LongPointer(idx), new long[] {batch},
          new TensorOptions(ScalarType.Long)).clone();
      Tensor logits = torch.addmm(bias, x.index_select(0, index), weight.t());
      Tensor loss = torch.nll_loss(torch.log_softmax(logits, 1), y.index_select(0, index));
      loss.backward();
      if (averager != null) {
        averager.average(List.of(weight, bias));
      }
      try (var guard = new org.bytedeco.pytorch.NoGradGuard()) {
        weight.sub_(weight.grad().mul(new Scalar(0.5)));
        bias.sub_(bias.grad().mul(new Scalar(0.5)));
      }
      weight.grad().zero_();
      bias.grad().zero_();
    }
    float[] result = new float[CLASSES * FEATURES + CLASSES];
    weight.detach().contiguous().data_ptr_float().get(result, 0, CLASSES * FEATURES);
    bias.detach().contiguous().data_ptr_float().get(result, CLASSES * FEATURES, CLASSES);
    return result;
  }
}
