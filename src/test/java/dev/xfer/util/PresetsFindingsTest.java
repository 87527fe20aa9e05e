package dev.xfer.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xfer.kernels.NativeKernels;
import dev.xfer.kernels.Tensors;
import dev.xfer.testing.PointerScopeExtension;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorTensorHook;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The facts about the JavaCPP presets for LibTorch that {@code docs/javacpp-findings.md} states, each against a
 * hand-computed value. A test that fails here means the presets changed under xfer: the document, and the code that
 * relies on the fact, need another look.
 */
@ExtendWith(PointerScopeExtension.class)
class PresetsFindingsTest {
  /** 2^40 + 1: exact in int64 (and float64), not in float32, whose 24-bit mantissa rounds it to 2^40. */
  private static final long BEYOND_FLOAT = (1L << 40) + 1;

  @Test
  void tensorOptionsFromAScalarTypeMakesInt64Tensors() {
    TensorOptions options = new TensorOptions(ScalarType.Long).device(new DeviceOptional(new Device("cpu")));
    Tensor t = torch.full(new long[] {2}, new Scalar(BEYOND_FLOAT), options);
    assertEquals(ScalarType.Long, t.scalar_type().intern());
    assertEquals(8, t.element_size());
    assertEquals(BEYOND_FLOAT, t.select(0, 1).item_long(), "int64 keeps 2^40 + 1");
    TensorOptions viaSetter = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long));
    assertEquals(ScalarType.Long, torch.zeros(new long[] {2}, viaSetter).scalar_type().intern(),
        "dtype(ScalarTypeOptional) is the method that takes an optional");
  }

  /**
   * {@code TensorOptions} has no constructor taking a {@code ScalarTypeOptional}: Java picks the Pointer-cast
   * constructor, which reads the optional's two bytes (value, engaged) as the start of an 8-byte TensorOptions, the
   * other six being whatever follows in memory. Shown here over a zeroed buffer of our own, so that what follows is
   * known: no "has dtype" bit is set, and the tensor comes out float32 although int64 was asked for.
   */
  @Test
  void tensorOptionsFromAScalarTypeOptionalIsAPointerCastThatLosesTheType() throws Exception {
    assertThrows(NoSuchMethodException.class, () -> TensorOptions.class.getConstructor(ScalarTypeOptional.class));
    TensorOptions.class.getConstructor(Pointer.class); // the one `new TensorOptions(optional)` binds to
    assertEquals(2, Loader.sizeof(ScalarTypeOptional.class));
    assertEquals(8, Loader.sizeof(TensorOptions.class));
    BytePointer memory = new BytePointer(16);
    Pointer.memset(memory, 0, 16);
    ScalarTypeOptional optional = new ScalarTypeOptional(memory).put(ScalarType.Long);
    assertEquals(ScalarType.Long.value, memory.get(0), "the optional's value byte");
    assertEquals(1, memory.get(1), "the optional's engaged byte");
    TensorOptions wrong = new TensorOptions(optional);
    assertEquals(optional.address(), wrong.address(), "a cast, not a conversion: same native address");
    assertFalse(wrong.has_dtype());
    Tensor t = torch.zeros(new long[] {2}, wrong);
    assertEquals(ScalarType.Float, t.scalar_type().intern(), "the default dtype, not the int64 asked for");
    assertEquals("cpu", t.device().str().getString());
  }

  /**
   * A {@code ScalarType} returned by native code is a new Java object whose ordinal is 0 and name null: it is not
   * {@code ==} (nor {@code equals}) to the constant, a {@code switch} on it takes the branch of ordinal 0 ({@code
   * Byte}), and {@code intern()} gives the constant back (by its {@code value}).
   */
  @Test
  void scalarTypesFromNativeAreFreshInstancesUntilInterned() {
    ScalarType fromNative = torch.zeros(new long[] {1}, new TensorOptions(ScalarType.Double)).scalar_type();
    assertNotSame(ScalarType.Double, fromNative);
    assertFalse(fromNative.equals(ScalarType.Double));
    assertEquals(7, fromNative.value, "c10::ScalarType::Double");
    assertEquals(0, fromNative.ordinal());
    String branch = switch (fromNative) {
      case Byte -> "Byte";
      case Double -> "Double";
      default -> "other";
    };
    assertEquals("Byte", branch, "a switch reads the fresh instance's ordinal, 0");
    assertSame(ScalarType.Double, fromNative.intern());
    assertSame(ScalarType.Byte, torch.zeros(new long[] {1}, new TensorOptions(ScalarType.Byte)).scalar_type().intern());
  }

  @Test
  void maxPool2dTakesLongArrays() {
    Tensor x = torch.arange(new Scalar(16)).to(ScalarType.Float).reshape(1, 1, 4, 4); // x[i][j] = 4i + j
    Tensor pooled = torch.max_pool2d(x, /*kernel=*/new long[] {2, 2}, /*stride=*/new long[] {2, 2},
        /*padding=*/new long[] {0, 0}, /*dilation=*/new long[] {1, 1}, /*ceil_mode=*/false);
    assertArrayEquals(new float[] {5, 7, 13, 15}, Tensors.toFloatArray(pooled));
    // 3x3, stride 1, padding 1, dilation 2: output 2x2; output row i taps input rows i-1, i+1, i+3, of which
    // rows {1, 3} exist for i = 0 and {0, 2} for i = 1 (columns likewise), and 4i + j is largest at the largest
    // row and column: [[x33, x32], [x23, x22]]
    Tensor dilated = torch.max_pool2d(x, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1},
        new long[] {2, 2}, false);
    assertEquals(2, dilated.size(2));
    assertEquals(2, dilated.size(3));
    assertArrayEquals(new float[] {15, 14, 11, 10}, Tensors.toFloatArray(dilated));
  }

  @Test
  void constantPadNdTakesALongArrayLastDimensionFirst() {
    Tensor x = Tensors.ofFloats(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    // {left, right, top, bottom} = {1, 0, 0, 1}
    Tensor padded = torch.constant_pad_nd(x, new long[] {1, 0, 0, 1}, new Scalar(9f));
    assertArrayEquals(new float[] {9, 1, 2, 9, 3, 4, 9, 9, 9}, Tensors.toFloatArray(padded));
  }

  @Test
  void conv2dTakesLongArraysForStridePaddingDilation() {
    Tensor x = Tensors.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Tensor w = Tensors.ofFloats(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    // valid 2x2 correlation: (0,0) = 1·1 + 2·2 + 3·4 + 4·5 = 37, then 47, 67, 77
    assertArrayEquals(new float[] {37, 47, 67, 77}, Tensors.toFloatArray(conv(x, w, null, 1, 0, 1)));
    // stride 2, padding 1: windows at padded (0,0), (0,2), (2,0), (2,2): 4·1, 3·2 + 4·3, 2·4 + 4·7, 77
    assertArrayEquals(new float[] {4, 18, 36, 77}, Tensors.toFloatArray(conv(x, w, null, 2, 1, 1)));
    // dilation 2: the kernel's taps at (0,0), (0,2), (2,0), (2,2) of the input: 1·1 + 2·3 + 3·7 + 4·9 = 64
    assertArrayEquals(new float[] {64}, Tensors.toFloatArray(conv(x, w, null, 1, 0, 2)));
    // groups = 2: channel c only sees weight c; a bias per output channel
    Tensor two = Tensors.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2);
    Tensor scale = Tensors.ofFloats(new float[] {2, -1}, 2, 1, 1, 1);
    Tensor bias = Tensors.ofFloats(new float[] {10, 20}, 2);
    Tensor grouped = torch.conv2d(two, scale, new TensorOptional(bias), new long[] {1, 1}, new long[] {0, 0},
        new long[] {1, 1}, /*groups=*/2);
    assertArrayEquals(new float[] {12, 14, 16, 18, 15, 14, 13, 12}, Tensors.toFloatArray(grouped));
  }

  private static Tensor conv(Tensor x, Tensor w, Tensor bias, long stride, long padding, long dilation) {
    return torch.conv2d(x, w, bias == null ? new TensorOptional() : new TensorOptional(bias),
        new long[] {stride, stride}, new long[] {padding, padding}, new long[] {dilation, dilation}, /*groups=*/1);
  }

  /**
   * {@code register_module} hands back the module it was given, typed as such; a plain {@code Module} serves as a
   * named container; names are dotted paths from the root; BatchNorm's {@code num_batches_tracked} is an int64
   * buffer that counts training forwards.
   */
  @Test
  void registeredModulesKeepTheirTypeAndNameTheirTensorsByDottedPaths() {
    Module root = new Module();
    Conv2dImpl conv = new Conv2dImpl(new Conv2dOptions(1, 2, new org.bytedeco.javacpp.LongPointer(1L, 1L)));
    Conv2dImpl registered = root.register_module("conv", conv);
    assertSame(conv, registered);
    Module rep = root.register_module("rep", new Module());
    LinearImpl linear = rep.register_module("0", new LinearImpl(new LinearOptions(3, 2)));
    BatchNorm2dImpl bn = rep.register_module("1", new BatchNorm2dImpl(new BatchNormOptions(2)));
    assertEquals(List.of("conv.weight", "conv.bias", "rep.0.weight", "rep.0.bias", "rep.1.weight", "rep.1.bias"),
        names(root.named_parameters()));
    StringTensorDict buffers = root.named_buffers();
    assertEquals(List.of("rep.1.running_mean", "rep.1.running_var", "rep.1.num_batches_tracked"), names(buffers));
    Tensor tracked = buffers.get("rep.1.num_batches_tracked");
    assertEquals(ScalarType.Long, tracked.scalar_type().intern());
    assertEquals(0, tracked.item_long());
    bn.train(true);
    bn.forward(torch.randn(4, 2, 3, 3));
    bn.forward(torch.randn(4, 2, 3, 3));
    assertEquals(2, root.named_buffers().get("rep.1.num_batches_tracked").item_long(), "one per training forward");
    assertEquals(List.of(2L, 3L), List.of(linear.weight().size(0), linear.weight().size(1)), "out x in");
  }

  /**
   * A hook's returned tensor replaces the gradient: for y = x², L = Σy and the hook returning 10·dL/dy,
   * dL/dx = 10 · 2x. The hook runs on the thread that called {@code backward()}.
   */
  @Test
  void tensorHookReplacesTheGradientOnTheBackwardThread() {
    Tensor x = Tensors.ofFloats(new float[] {1, 2, 3}, 3).requires_grad_(true);
    Tensor y = x.mul(x);
    List<Thread> threads = new ArrayList<>();
    float[] seen = new float[3];
    TensorTensorHook times10 = new TensorTensorHook() {
      @Override
      public TensorBase call(TensorBase grad) {
        threads.add(Thread.currentThread());
        Tensor g = new Tensor(grad);
        System.arraycopy(Tensors.toFloatArray(g), 0, seen, 0, 3);
        return g.mul(new Scalar(10f));
      }
    };
    y.register_hook(times10);
    y.sum().backward();
    assertEquals(List.of(Thread.currentThread()), threads);
    assertArrayEquals(new float[] {1, 1, 1}, seen, "dL/dy of a sum");
    assertArrayEquals(new float[] {20, 40, 60}, Tensors.toFloatArray(x.grad()));
  }

  /**
   * {@code Module.to(dtype, non_blocking)} converts every parameter and every buffer, integer ones included: unlike
   * PyTorch's Python {@code Module.to}, which leaves integer tensors alone, LibTorch's C++ one turns BatchNorm's int64
   * {@code num_batches_tracked} into float64 too (it still counts).
   */
  @Test
  void moduleToFloat64ConvertsEveryTensorIntegerBuffersIncluded() {
    Module root = new Module();
    LinearImpl linear = root.register_module("fc", new LinearImpl(new LinearOptions(1, 1)));
    BatchNorm2dImpl bn = root.register_module("bn", new BatchNorm2dImpl(new BatchNormOptions(1)));
    root.to(ScalarType.Double, false);
    assertEquals(ScalarType.Double, linear.weight().scalar_type().intern());
    assertEquals(ScalarType.Double, bn.running_var().scalar_type().intern());
    assertEquals(ScalarType.Double, bn.num_batches_tracked().scalar_type().intern(), "the int64 counter too");
    try (NoGradGuard g = new NoGradGuard()) {
      linear.weight().fill_(new Scalar(0.1));
      linear.bias().fill_(new Scalar(0.0));
    }
    Tensor y = linear.forward(torch.ones(new long[] {1, 1}, new TensorOptions(ScalarType.Double)));
    assertEquals(0.1, y.item_double(), 0.0, "the double 0.1 (float32 would give 0.10000000149)");
    bn.forward(torch.randn(new long[] {2, 1, 2, 2}, new TensorOptions(ScalarType.Double)));
    assertEquals(1.0, bn.num_batches_tracked().item_double(), 0.0);
  }

  /** The switch xfer's start turns off ({@link NativeRuntime#start}) is bound and reads back. */
  @Test
  void nnpackSwitchIsCallable() {
    assertFalse(torch.globalContext().userEnabledNNPACK(), "NativeRuntime.start() turned it off");
    try {
      torch.globalContext().setUserEnabledNNPACK(true);
      assertTrue(torch.globalContext().userEnabledNNPACK());
    } finally {
      torch.globalContext().setUserEnabledNNPACK(false);
    }
    assertFalse(torch.globalContext().userEnabledNNPACK());
  }

  /** What the CPU natives are built with: OpenBLAS as BLAS, oneDNN, Gloo; NCCL only in the -gpu natives. */
  @Test
  void cpuNativesUseOpenBlasOneDnnAndGloo() {
    String config = torch.show_config().getString();
    assertTrue(config.contains("BLAS_INFO=open,"), config);
    assertTrue(config.contains("USE_MKLDNN=ON"), config);
    assertTrue(config.contains("USE_GLOO=ON"), config);
    assertTrue(torch.hasMKLDNN());
    assumeFalse(org.bytedeco.pytorch.Context.hasCUDA(), "LibTorch's CUDA natives are loaded");
    assertTrue(config.contains("USE_NCCL=OFF"), config);
    assertTrue(ComputeThreads.blasThreads() > 0, "libopenblas.so.0 is loaded with LibTorch");
  }

  /**
   * libxfer_kernels links the static CUDA runtime: it loads where no driver is installed, and the first CUDA call
   * reports {@code cudaErrorInsufficientDriver} instead of failing the load.
   */
  @Test
  void staticCudaRuntimeLoadsWithoutADriver() {
    assumeTrue(NativeKernels.xfer_has_cuda_kernels() == 1, "libxfer_kernels was built without CUDA");
    assumeFalse(CudaRuntime.searchPath().stream().anyMatch(d -> Files.exists(d.resolve("libcuda.so.1"))),
        "a CUDA driver library is installed");
    assertEquals(NativeKernels.XFER_ERR_CUDA, NativeKernels.xfer_cuda_device_count());
    assertTrue(NativeKernels.xfer_last_cuda_error().contains("cudaErrorInsufficientDriver"),
        NativeKernels.xfer_last_cuda_error());
  }

  private static List<String> names(StringTensorDict dict) {
    List<String> names = new ArrayList<>();
    for (long i = 0; i < dict.size(); i++) names.add(dict.get(i).key().getString());
    return names;
  }
}
