/* xfer_preprocess_cuda against xfer_preprocess_cpu on random images: odd and even sizes,
 * upscaling and downscaling, both normalisations, unaligned image offsets, the default stream and
 * a created one. Expected bit-identical (same float ops in the same order); tolerance 1e-5 abs.
 * Host-side argument checks run first (they need no device); then exits 77 without a device. */
#include <cuda_runtime.h>

#include <cstdio>
#include <vector>

#include "check.h"
#include "xfer/kernels.h"

static int failures = 0;

static void expect_status(const char* what, int got, int want) {
  if (got != want) {
    printf("FAIL %s: status %d (%s), want %d\n", what, got, xfer_status_string(got), want);
    ++failures;
  }
}

/* Argument validation happens on the host before any CUDA call; these pointers are never read. */
static void rejects_bad_arguments(void) {
  uint8_t byte = 0;
  int64_t off = 0;
  int32_t size = 1;
  float out = 0;
  expect_status("null pixels", xfer_preprocess_cuda(nullptr, &off, &size, &size, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, &out, nullptr), XFER_ERR_NULL_POINTER);
  expect_status("null out", xfer_preprocess_cuda(&byte, &off, &size, &size, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, nullptr, nullptr), XFER_ERR_NULL_POINTER);
  expect_status("n = 0", xfer_preprocess_cuda(&byte, &off, &size, &size, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, &out, nullptr), XFER_ERR_BAD_SHAPE);
  expect_status("out_h = 0", xfer_preprocess_cuda(&byte, &off, &size, &size, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, &out, nullptr), XFER_ERR_BAD_SHAPE);
  expect_status("out_w < 0", xfer_preprocess_cuda(&byte, &off, &size, &size, 1, 1, -3, 1, 0, 0, 0, 1, 1, 1, &out, nullptr), XFER_ERR_BAD_SHAPE);
}

struct Norm {
  float div, mean[3], std[3];
};
static const Norm kKeras = {127.5f, {1, 1, 1}, {1, 1, 1}};
static const Norm kImageNet = {255.0f, {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};

/* sizes: (H, W) per image; packs them with odd gaps so image starts are unaligned. */
static void run_case(const char* name, const std::vector<int32_t>& hs, const std::vector<int32_t>& ws,
                     int32_t out_h, int32_t out_w, const Norm& norm, cudaStream_t stream,
                     check_rng* rng) {
  const int32_t n = (int32_t)hs.size();
  std::vector<int64_t> offsets(n);
  int64_t total = 0;
  for (int32_t i = 0; i < n; ++i) {
    total += 1 + i % 3; /* gap */
    offsets[i] = total;
    total += 3 * (int64_t)hs[i] * ws[i];
  }
  std::vector<uint8_t> pixels((size_t)total);
  check_fill_bytes(rng, pixels.data(), pixels.size());
  const size_t out_count = (size_t)n * 3 * out_h * out_w;
  const size_t out_bytes = out_count * sizeof(float);
  std::vector<float> ref(out_count);
  expect_status("cpu reference", xfer_preprocess_cpu(pixels.data(), offsets.data(), hs.data(), ws.data(), n, out_h, out_w, norm.div, norm.mean[0], norm.mean[1], norm.mean[2], norm.std[0], norm.std[1], norm.std[2], ref.data()), XFER_OK);

  uint8_t* d_pixels;
  int64_t* d_offsets;
  int32_t *d_h, *d_w;
  float* d_out;
  CHECK_CUDA(cudaMalloc(&d_pixels, pixels.size()));
  CHECK_CUDA(cudaMalloc(&d_offsets, sizeof(int64_t) * n));
  CHECK_CUDA(cudaMalloc(&d_h, sizeof(int32_t) * n));
  CHECK_CUDA(cudaMalloc(&d_w, sizeof(int32_t) * n));
  CHECK_CUDA(cudaMalloc(&d_out, out_bytes + CHECK_GUARD_BYTES));
  CHECK_CUDA(cudaMemcpy(d_pixels, pixels.data(), pixels.size(), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(d_offsets, offsets.data(), sizeof(int64_t) * n, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(d_h, hs.data(), sizeof(int32_t) * n, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(d_w, ws.data(), sizeof(int32_t) * n, cudaMemcpyHostToDevice));
  std::vector<uint8_t> got(out_bytes + CHECK_GUARD_BYTES);
  check_pattern_fill(got.data(), got.size());
  CHECK_CUDA(cudaMemcpy(d_out, got.data(), got.size(), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaDeviceSynchronize()); /* a non-blocking stream does not wait for those copies */

  const int st = xfer_preprocess_cuda(d_pixels, d_offsets, d_h, d_w, n, out_h, out_w, norm.div, norm.mean[0], norm.mean[1], norm.mean[2], norm.std[0], norm.std[1], norm.std[2], d_out, stream);
  expect_status(name, st, XFER_OK);
  if (st != XFER_OK) printf("  cuda error: %s\n", xfer_last_cuda_error());
  CHECK_CUDA(cudaDeviceSynchronize());
  CHECK_CUDA(cudaMemcpy(got.data(), d_out, got.size(), cudaMemcpyDeviceToHost));
  printf("%s: N=%d -> %dx%d\n", name, n, out_h, out_w);
  if (check_close(name, (const float*)got.data(), ref.data(), out_count, 1e-5, 0.0, 5)) ++failures;
  if (!check_guard(name, got.data(), out_bytes)) ++failures;
  CHECK_CUDA(cudaFree(d_pixels));
  CHECK_CUDA(cudaFree(d_offsets));
  CHECK_CUDA(cudaFree(d_h));
  CHECK_CUDA(cudaFree(d_w));
  CHECK_CUDA(cudaFree(d_out));
}

int main(void) {
  rejects_bad_arguments();
  if (!xfer_has_cuda_kernels()) {
    printf("FAIL xfer_has_cuda_kernels() = 0 in a CUDA build\n");
    ++failures;
  }
  const int devices = xfer_cuda_device_count();
  if (devices <= 0) {
    printf("host-side checks: %d failure(s)\n", failures);
    printf("no CUDA device (count %d: %s): GPU comparison skipped\n", devices, xfer_last_cuda_error());
    return failures ? 1 : CHECK_SKIP;
  }
  cudaStream_t stream;
  CHECK_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  check_rng rng = {20240601u};

  std::vector<int32_t> photo_h, photo_w;
  for (int i = 0; i < 32; ++i) {
    photo_h.push_back(i % 2 ? 500 : 375);
    photo_w.push_back(i % 2 ? 375 : 500);
  }
  run_case("photos -> 224 imagenet", photo_h, photo_w, 224, 224, kImageNet, nullptr, &rng);
  run_case("photos -> 299 keras", photo_h, photo_w, 299, 299, kKeras, stream, &rng);
  const std::vector<int32_t> mh = {7, 1, 2, 33, 224, 100, 4, 640};
  const std::vector<int32_t> mw = {9, 1, 3, 17, 224, 1, 5, 480};
  run_case("mixed -> 299 (up/down)", mh, mw, 299, 299, kKeras, stream, &rng);
  run_case("mixed -> 17x31 (down)", mh, mw, 17, 31, kImageNet, nullptr, &rng);
  run_case("mixed -> 1x1", mh, mw, 1, 1, kImageNet, stream, &rng);
  run_case("mixed -> 8x10 (even)", mh, mw, 8, 10, kKeras, nullptr, &rng);
  run_case("tiny -> 600x333 (up)", {5, 2}, {4, 3}, 600, 333, kImageNet, stream, &rng);
  CHECK_CUDA(cudaStreamDestroy(stream));
  printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
