package dev.xfer.kernels;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BoolPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongArrayRefOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The backward pass of a 3x3 depthwise convolution (stride 1, padding 1, no bias) on the CPU, both
 * gradients in one native pass ({@code xfer_depthwise3x3_backward_cpu}), where oneDNN runs two
 * primitives that each read the output gradient.
 *
 * <p>Like every fast path it is trusted only after a parity check on the host that runs it, at the
 * real shapes: the first time {@link #gradients} sees a shape and type, it computes LibTorch's
 * gradients as well and compares them ({@link #agree}); a shape that fails keeps LibTorch's kernels for
 * the rest of the process, and says so once on stderr. {@code -Dxfer.libtorchDepthwise=true} keeps
 * LibTorch's kernels everywhere.
 */
public final class DepthwiseBackwardKernel {
  /** The system property that keeps LibTorch's depthwise backward pass. */
  public static final String LIBTORCH_PROPERTY = "xfer.libtorchDepthwise";

  private static final long[] ONE = {1, 1};
  private static final long[] ZERO = {0, 0};
  private static final Map<String, Boolean> TRUSTED = new ConcurrentHashMap<>();
  private static volatile Boolean supported;

  private DepthwiseBackwardKernel() {}

  /** Whether this host may use the kernel at all: AVX-512 present and not turned off. */
  public static boolean available() {
    if (Boolean.getBoolean(LIBTORCH_PROPERTY)) return false;
    Boolean s = supported;
    if (s == null) supported = s = NativeKernels.xfer_depthwise3x3_cpu_supported() == 1;
    return s;
  }

  /**
   * Whether the kernel computes this convolution's gradients: CPU tensors, float32 or bf16 input and
   * output gradient of one type, both channels-last and dense, a (C, 1, 3, 3) weight of the input's C.
   */
  public static boolean accepts(Tensor gradOutput, Tensor input, Tensor weight) {
    if (!input.is_cpu() || !gradOutput.is_cpu() || !weight.is_cpu() || input.dim() != 4) return false;
    ScalarType type = input.scalar_type().intern();
    if (type != ScalarType.Float && type != ScalarType.BFloat16) return false;
    if (gradOutput.scalar_type().intern() != type || weight.dim() != 4) return false;
    for (int d = 0; d < 4; d++) {
      if (gradOutput.size(d) != input.size(d)) return false;
    }
    long c = input.size(1);
    return weight.size(0) == c && weight.size(1) == 1 && weight.size(2) == 3 && weight.size(3) == 3
        && input.is_contiguous(MemoryFormat.ChannelsLast) && gradOutput.is_contiguous(MemoryFormat.ChannelsLast);
  }

  /**
   * The input gradient (input's type and layout) and the weight gradient (float32, the weight's shape), each
   * null when not wanted: by the kernel where {@link #available}, {@link #accepts} and trusted for this
   * shape, otherwise by LibTorch.
   */
  public static Tensor[] gradients(Tensor gradOutput, Tensor input, Tensor weight, boolean needInput, boolean needWeight) {
    if (!available() || !accepts(gradOutput, input, weight)) return reference(gradOutput, input, weight, needInput, needWeight);
    String shape = key(input);
    Boolean trusted = TRUSTED.get(shape);
    if (trusted == null) {
      Tensor[] ours = kernel(gradOutput, input, weight, true, true);
      Tensor[] theirs = reference(gradOutput, input, weight, true, true);
      String difference = agree(ours, theirs, input.scalar_type().intern() == ScalarType.BFloat16);
      TRUSTED.put(shape, difference == null);
      if (difference != null) {
        System.err.println("xfer: the native depthwise backward pass differs from LibTorch's at " + shape + " (" + difference
            + ") on this host; that shape keeps LibTorch's kernels");
      }
      Tensor[] chosen = difference == null ? ours : theirs;
      for (Tensor t : difference == null ? theirs : ours) t.close(); // not kept to the end of the caller's scope
      return new Tensor[] {needInput ? chosen[0] : null, needWeight ? chosen[1] : null};
    }
    return trusted ? kernel(gradOutput, input, weight, needInput, needWeight)
        : reference(gradOutput, input, weight, needInput, needWeight);
  }

  /**
   * Checks the kernel against LibTorch at each given shape ({C, H, W}, one image) in float32 and bf16, on
   * inputs from a formula, and records the verdicts as {@link #gradients} would at first use. Null when all
   * agree, else the first difference; "not available" when the host does not run the kernel.
   */
  public static String check(long[][] shapes) {
    if (!available()) return Boolean.getBoolean(LIBTORCH_PROPERTY) ? "turned off (-D" + LIBTORCH_PROPERTY + "=true)"
        : "not available: this CPU lacks AVX-512 (F, BW, VL)";
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      for (long[] shape : shapes) {
        for (ScalarType type : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
          long[] map = {1, shape[0], shape[1], shape[2]};
          Tensor input = Tensors.sinePattern(map, 0.3, 1).to(type);
          Tensor gradOutput = Tensors.sinePattern(map, 1.1, 1).to(type);
          Tensor weight = Tensors.sinePattern(new long[] {shape[0], 1, 3, 3}, 2.0, 1).to(type);
          String key = key(input);
          String difference = agree(kernel(gradOutput, input, weight, true, true),
              reference(gradOutput, input, weight, true, true), type == ScalarType.BFloat16);
          TRUSTED.put(key, difference == null);
          if (difference != null) return key + ": " + difference;
        }
      }
      return null;
    }
  }

  private static String key(Tensor input) {
    return input.scalar_type().intern() + " " + input.size(1) + "@" + input.size(2) + "x" + input.size(3);
  }

  /** The native pass; the tensors must pass {@link #accepts} and the host {@link #available}. */
  public static Tensor[] kernel(Tensor gradOutput, Tensor input, Tensor weight, boolean needInput, boolean needWeight) {
    long n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
    boolean bf16 = input.scalar_type().intern() == ScalarType.BFloat16;
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor taps = weight.to(ScalarType.Float).reshape(c, 9).t().contiguous(); // (3, 3, C)
      Tensor gradInput = needInput ? torch.empty_like(input) : null;
      Tensor gradTaps = needWeight ? Tensors.emptyFloat(input, 9, c) : null;
      int status = NativeKernels.xfer_depthwise3x3_backward_cpu(
          bf16 ? NativeKernels.XFER_DTYPE_BFLOAT16 : NativeKernels.XFER_DTYPE_FLOAT32, input.data_ptr().address(),
          gradOutput.data_ptr().address(), taps.data_ptr().address(), n, h, w, c,
          needInput ? gradInput.data_ptr().address() : 0L, needWeight ? gradTaps.data_ptr().address() : 0L,
          torch.get_num_threads());
      KernelStatus.check("depthwise 3x3 backward (cpu)", status);
      Tensor gradWeight = needWeight ? gradTaps.t().reshape(c, 1, 3, 3) : null;
      return new Tensor[] {gradInput, gradWeight};
    }
  }

  /** LibTorch's gradients of the same convolution ({@code convolution_backward}), the weight's as float32. */
  public static Tensor[] reference(Tensor gradOutput, Tensor input, Tensor weight, boolean needInput, boolean needWeight) {
    try (NoGradGuard g = new NoGradGuard()) {
      BoolPointer mask = new BoolPointer(3).put(0, needInput).put(1, needWeight).put(2, false);
      T_TensorTensorTensor_T grads = torch.convolution_backward(gradOutput, input, weight, new LongArrayRefOptional(),
          ONE, ONE, ONE, false, ZERO, input.size(1), mask);
      return new Tensor[] {needInput ? grads.get0() : null, needWeight ? grads.get1().to(ScalarType.Float) : null};
    }
  }

  /**
   * Null when both gradients agree within what their arithmetic allows, else what differed. The largest
   * difference is measured against the largest reference value. In float32 an input gradient sums 9
   * products (1e-5 of it), a weight gradient up to a batch's pixels, 95,048 at 109 x 109 in batch 8, whose
   * partial sums cancel (1e-3 of it); in bf16 each side rounds its results to 8 significant bits (LibTorch
   * its weight gradient as well): 2^-6 of it. A wrong tap or channel is off by the values' own size.
   */
  public static String agree(Tensor[] ours, Tensor[] reference, boolean bf16) {
    double[] tolerances = bf16 ? new double[] {1.0 / 64, 1.0 / 64} : new double[] {1e-5, 1e-3};
    String[] names = {"input gradient", "weight gradient"};
    for (int i = 0; i < 2; i++) {
      double tolerance = tolerances[i];
      double scale = 0;
      double worst = 0;
      // image by image: the check runs inside a training step, and whole-batch temporaries would raise its peak memory
      long parts = i == 0 ? ours[i].size(0) : 1;
      for (long k = 0; k < parts; k++) {
        try (PointerScope scope = new PointerScope()) {
          Tensor a = (parts == 1 ? ours[i] : ours[i].select(0, k)).to(ScalarType.Float);
          Tensor b = (parts == 1 ? reference[i] : reference[i].select(0, k)).to(ScalarType.Float);
          scale = Math.max(scale, b.abs().max().item_double());
          worst = Math.max(worst, a.sub(b).abs().max().item_double());
        }
      }
      if (!(worst <= tolerance * scale)) {
        return String.format(java.util.Locale.ROOT, "%s off by %.3g against a largest value of %.3g", names[i], worst, scale);
      }
    }
    return null;
  }
}
