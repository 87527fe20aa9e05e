package dev.xfer.kernels;

/** Turns the C API's status codes into exceptions that say which kernel failed and why. */
final class KernelStatus {
  private KernelStatus() {}

  static void check(String kernel, int status) {
    if (status == NativeKernels.XFER_OK) return;
    String reason = NativeKernels.xfer_status_string(status);
    if (status == NativeKernels.XFER_ERR_CUDA) {
      throw new IllegalStateException(kernel + ": " + reason + ": " + NativeKernels.xfer_last_cuda_error());
    }
    if (status == NativeKernels.XFER_ERR_NO_CUDA || status == NativeKernels.XFER_ERR_OUT_OF_MEMORY) {
      throw new IllegalStateException(kernel + ": " + reason);
    }
    throw new IllegalArgumentException(kernel + ": " + reason + " (status " + status + ")");
  }
}
