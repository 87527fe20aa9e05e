package dev.xfer.kernels;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/** Small tensor helpers: allocation on a given tensor's device, and copies to and from Java arrays. */
public final class Tensors {
  private Tensors() {}

  // Built once: a TensorOptions, a Device and an optional per call cost ~30 us, as much as a
  // small kernel. retainReference() keeps them alive past any PointerScope open at class load.
  private static final TensorOptions CPU_FLOAT = permanent(new TensorOptions(ScalarType.Float));
  private static final MemoryFormatOptional DEFAULT_FORMAT = permanent(new MemoryFormatOptional());

  /** An uninitialised float32 tensor of {@code shape} on the device of {@code like}. */
  public static Tensor emptyFloat(Tensor like, long... shape) {
    if (!like.is_cuda()) return torch.empty(shape, CPU_FLOAT, DEFAULT_FORMAT);
    TensorOptions options =
        new TensorOptions(ScalarType.Float)
            .device(new DeviceOptional(like.device()));
    return torch.empty(shape, options, DEFAULT_FORMAT);
  }

  private static <P extends Pointer> P permanent(P pointer) {
    pointer.retainReference();
    return pointer;
  }

  /**
   * A float32 CPU tensor of values of mixed sign and magnitude from a formula, sin(k * 0.7 + phase) * scale
   * for the k-th value, channels-last when 4-d (as a weight or an activation is laid out there): inputs for
   * a kernel's host check that draw nothing from the random generator, so seeded runs stay as they are.
   */
  public static Tensor sinePattern(long[] shape, double phase, double scale) {
    long n = 1;
    for (long d : shape) n *= d;
    Tensor t = torch.arange(new Scalar(n), new TensorOptions(ScalarType.Double))
        .mul(new Scalar(0.7)).add(new Scalar(phase)).sin().mul(new Scalar(scale)).to(ScalarType.Float).reshape(shape);
    return shape.length == 4 ? t.contiguous(torch.MemoryFormat.ChannelsLast) : t;
  }

  /** A CPU float32 tensor holding a copy of {@code values} with the given shape. */
  public static Tensor ofFloats(float[] values, long... shape) {
    try (FloatPointer p = new FloatPointer(values)) {
      return fromBlob(p, ScalarType.Float, shape);
    }
  }

  /** A CPU int64 vector holding a copy of {@code values}. */
  public static Tensor ofLongs(long[] values) {
    try (LongPointer p = new LongPointer(values)) {
      return fromBlob(p, ScalarType.Long, values.length);
    }
  }

  /** A CPU int64 vector of the example indices {@code indices} (as index_select and index_copy_ take them). */
  public static Tensor ofIndices(int[] indices) {
    return ofLongs(java.util.Arrays.stream(indices).asLongStream().toArray());
  }

  /** A CPU int32 vector holding a copy of {@code values}. */
  public static Tensor ofInts(int[] values) {
    try (IntPointer p = new IntPointer(values)) {
      return fromBlob(p, ScalarType.Int, values.length);
    }
  }

  /** A copy of a float32 tensor's elements (any device, any layout) in C order. */
  /** True when {@code t} is a handle to a defined tensor (not null, not freed, not an undefined tensor such as a missing gradient). */
  public static boolean present(Tensor t) {
    return t != null && !t.isNull() && t.defined();
  }

  public static float[] toFloatArray(Tensor t) {
    Tensor cpu = t.is_cuda() ? t.cpu() : t;
    Tensor dense = cpu.to(ScalarType.Float).contiguous();
    float[] out = new float[(int) dense.numel()];
    new FloatPointer(dense.data_ptr()).capacity(out.length).get(out);
    return out;
  }

  /** {@code t} moved to the device of {@code like} (no copy when already there). */
  static Tensor toDevice(Tensor t, Tensor like) {
    return like.is_cuda() ? t.to(like.device(), t.scalar_type()) : t;
  }

  private static Tensor fromBlob(Pointer p, ScalarType type, long... shape) {
    return torch.from_blob(p, shape, new TensorOptions(type)).clone();
  }
}
