package dev.xfer.kernels;

import java.lang.reflect.Method;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.global.torch_cuda;

/**
 * The native handle of LibTorch's current CUDA stream, so our kernels run in order with LibTorch's
 * own work. Only touched for CUDA tensors; the CUDA stream type lives in the CUDA presets, which the
 * CPU build does not ship, so the handle is read reflectively.
 */
final class CudaStreams {
  private CudaStreams() {}

  static long current(int deviceIndex) {
    Object stream = torch_cuda.getCurrentCUDAStream((byte) deviceIndex);
    try {
      Method handle = stream.getClass().getMethod("stream");
      Pointer raw = (Pointer) handle.invoke(stream);
      return raw == null ? 0L : raw.address();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot read LibTorch's current CUDA stream (are the org.bytedeco:cuda presets on the class path?)", e);
    }
  }
}
