package dev.xfer.benchmarks;

import dev.xfer.kernels.Tensors;
import dev.xfer.model.MemoryFormat;
import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.util.ComputeThreads;
import dev.xfer.util.Machine;
import dev.xfer.util.NativeRuntime;
import dev.xfer.util.Versions;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Inference of Keras' full-size Xception in NCHW against channels-last, as {@code xfer embed} runs it: the
 * network in eval mode without autograd, {@link MemoryFormat} deciding the layout and {@link
 * Xception#useChannelsLast()} applying it, then {@code forwardFeatures} (one scope per stage) and the
 * global-average-pooled features. Two networks with the same random weights ({@code torch.manual_seed(seed)})
 * run the same random batch (uniform in [-1, 1], Keras' input range): first one cold pair (printed, left out of
 * the summary: oneDNN builds its kernels for each shape then), then {@code rounds} rounds, each timing
 * {@code forwards} forwards of each layout, alternating which layout goes first (ABBA).
 *
 * <p>A fast path is trusted only after a parity check: every channels-last output is compared with the
 * NCHW output of the same round, as the largest absolute difference over the largest NCHW magnitude; above
 * {@value #PARITY_LIMIT} (or a non-finite or all-zero output) the run stops with an error.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.InferenceLayoutBench [size=224 batch=8
 *     threads=2 rounds=3 forwards=1 seed=1]</pre>
 * Prints the cold pair, one line per round (ms per forward of each layout, their ratio) and the medians with
 * their [min, max] over the rounds. {@code ./xfer} runs with {@code THP_MEM_ALLOC_ENABLE=1}: export it to
 * measure the same allocator (the header says what this process has).
 */
public final class InferenceLayoutBench {
  static final double PARITY_LIMIT = 1e-4;

  private InferenceLayoutBench() {}

  /** Milliseconds per forward and the pooled features (N, C) of the last one. */
  private record Timed(double millis, float[] features) {}

  public static void main(String[] args) {
    NativeRuntime.start();
    BenchArgs a = BenchArgs.parse(args, "size", "batch", "threads", "rounds", "forwards", "seed");
    int size = a.integer("size", 224);
    int batch = a.integer("batch", 8);
    int rounds = a.integer("rounds", 3);
    int forwards = a.integer("forwards", 1);
    int seed = a.integer("seed", 1);
    ComputeThreads.set(a.integer("threads", 2));
    XceptionConfig.checkInputSize(size, size);
    if (batch < 1 || rounds < 1 || forwards < 1) {
      throw new IllegalArgumentException("batch, rounds, forwards: expected at least 1, found " + batch + ", " + rounds + ", " + forwards);
    }
    String thp = System.getenv("THP_MEM_ALLOC_ENABLE");
    System.out.printf(Locale.ROOT, "InferenceLayoutBench: Keras' Xception (width 1, 8 middle blocks, pooled features), %d px,"
        + " batch %d, eval mode, no autograd, random weights and input (seed %d); %d forward(s) per layout per round,"
        + " rounds=%d%n", size, batch, seed, forwards, rounds);
    System.out.printf(Locale.ROOT, "# %s; LibTorch presets %s, %d LibTorch threads, %d OpenBLAS threads;"
        + " THP_MEM_ALLOC_ENABLE=%s%n", Machine.describe(), Versions.libTorch(), torch.get_num_threads(),
        ComputeThreads.blasThreads(), thp == null ? "unset (LibTorch's default: off; ./xfer sets 1)" : thp);
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      MemoryFormat nchwLayout = MemoryFormat.resolve(false, false);
      MemoryFormat clLayout = MemoryFormat.resolve(true, false);
      Xception nchw = network(nchwLayout, seed);
      Xception cl = network(clLayout, seed);
      Tensor x = torch.rand(batch, 3, size, size).mul(new Scalar(2.0)).sub(new Scalar(1.0)); // the generator goes on after the weights
      System.out.println("# " + nchwLayout.describe() + " against " + clLayout.describe());

      Timed coldNchw = time(nchw, x, 1);
      Timed coldCl = time(cl, x, 1);
      double worst = parity(coldNchw.features(), coldCl.features(), "cold pair");
      System.out.printf(Locale.ROOT, "cold pair: NCHW %.1f ms, channels-last %.1f ms; parity %.2e (features max |value| %.3e)%n",
          coldNchw.millis(), coldCl.millis(), worst, maxAbs(coldNchw.features()));

      double[] nchwMs = new double[rounds];
      double[] clMs = new double[rounds];
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        boolean nchwFirst = r % 2 == 0;
        Timed first = time(nchwFirst ? nchw : cl, x, forwards);
        Timed second = time(nchwFirst ? cl : nchw, x, forwards);
        Timed n = nchwFirst ? first : second;
        Timed c = nchwFirst ? second : first;
        worst = Math.max(worst, parity(n.features(), c.features(), "round " + (r + 1)));
        nchwMs[r] = n.millis();
        clMs[r] = c.millis();
        ratio[r] = n.millis() / c.millis();
        System.out.printf(Locale.ROOT, "round %d: NCHW %.1f ms, channels-last %.1f ms per forward, NCHW / channels-last %.2fx%n",
            r + 1, nchwMs[r], clMs[r], ratio[r]);
      }
      System.out.printf(Locale.ROOT, "median [min, max] over %d round(s):%n", rounds);
      System.out.printf(Locale.ROOT, "  NCHW                  %s ms per forward%n", Spread.of(nchwMs).format("%.1f"));
      System.out.printf(Locale.ROOT, "  channels-last         %s ms per forward%n", Spread.of(clMs).format("%.1f"));
      System.out.printf(Locale.ROOT, "  NCHW / channels-last  %s%n", Spread.of(ratio).format("%.2fx"));
      System.out.printf(Locale.ROOT, "parity: max relative difference %.2e over %d pairs (limit %.0e)%n", worst, rounds + 1,
          PARITY_LIMIT);
    }
  }

  /** The full network in eval mode, laid out as {@code layout} says (as the CPU inference commands do). */
  private static Xception network(MemoryFormat layout, int seed) {
    torch.manual_seed(seed);
    Xception model = new Xception(XceptionConfig.full(0, Numerics.KERAS));
    model.eval();
    if (layout.channelsLast()) model.useChannelsLast();
    return model;
  }

  /** {@code forwards} forwards of {@code x}, each in its own scope as {@code xfer embed}'s batches. */
  private static Timed time(Xception model, Tensor x, int forwards) {
    long total = 0;
    float[] features = null;
    for (int i = 0; i < forwards; i++) {
      try (PointerScope batchScope = new PointerScope()) {
        long start = System.nanoTime();
        Tensor pooled = model.forwardHead(model.forwardFeatures(x), true);
        total += System.nanoTime() - start;
        features = Tensors.toFloatArray(pooled);
      }
    }
    return new Timed(total / 1e6 / forwards, features);
  }

  /** max |a - b| / max |a|; throws above {@link #PARITY_LIMIT}, or when the outputs are not finite or all zero. */
  static double parity(float[] nchw, float[] channelsLast, String where) {
    double scale = maxAbs(nchw);
    double diff = 0;
    for (int i = 0; i < nchw.length; i++) diff = Math.max(diff, Math.abs((double) nchw[i] - channelsLast[i]));
    double relative = diff / scale;
    if (!(scale > 0) || !Double.isFinite(scale) || !(relative <= PARITY_LIMIT)) {
      throw new IllegalStateException(String.format(Locale.ROOT, "%s: channels-last features differ from NCHW by %.3e"
          + " relative (max |difference| %.3e, max |NCHW value| %.3e), limit %.0e: this host's channels-last path is"
          + " wrong here, and its timings mean nothing", where, relative, diff, scale, PARITY_LIMIT));
    }
    return relative;
  }

  private static double maxAbs(float[] values) {
    double max = 0;
    for (float v : values) max = Double.isNaN(v) ? Double.NaN : Math.max(max, Math.abs(v));
    return max;
  }
}
