/* xfer_head_forward_cuda, xfer_head_pool_cuda and xfer_head_train_step_cuda against their CPU
 * versions (which accumulate in double) on random inputs of several N, C, HW, K, including the
 * shared-memory limit C + K = 12288 and N above the 65535-block grid cap. Tolerance: max error
 * <= 1e-5 * max|ref| per output; guard bytes after every output. Invalid labels give NaN.
 * Host-side argument checks run first (they need no device); then exits 77 without a device. */
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "check.h"
#include "xfer/kernels.h"

static int failures = 0;
static const double kRelTol = 1e-5;

static void expect_status(const char* what, int got, int want) {
  if (got != want) {
    printf("FAIL %s: status %d (%s), want %d\n", what, got, xfer_status_string(got), want);
    if (got == XFER_ERR_CUDA) printf("  cuda error: %s\n", xfer_last_cuda_error());
    ++failures;
  }
}

static void rejects_bad_arguments(void) {
  float f = 0;
  int64_t label = 0;
  expect_status("forward null x", xfer_head_forward_cuda(nullptr, &f, &f, 1, 1, 1, 1, &f, nullptr), XFER_ERR_NULL_POINTER);
  expect_status("forward k = 0", xfer_head_forward_cuda(&f, &f, &f, 1, 1, 1, 0, &f, nullptr), XFER_ERR_BAD_SHAPE);
  expect_status("forward C + K = 12289", xfer_head_forward_cuda(&f, &f, &f, 1, 12000, 1, 289, &f, nullptr), XFER_ERR_BAD_SHAPE);
  expect_status("pool null out", xfer_head_pool_cuda(&f, 1, 1, 1, nullptr, nullptr), XFER_ERR_NULL_POINTER);
  expect_status("pool hw = 0", xfer_head_pool_cuda(&f, 1, 1, 0, &f, nullptr), XFER_ERR_BAD_SHAPE);
  expect_status("train null labels", xfer_head_train_step_cuda(&f, &f, &f, nullptr, 1, 1, 1, &f, &f, &f, &f, &f, nullptr), XFER_ERR_NULL_POINTER);
  expect_status("train n = 0", xfer_head_train_step_cuda(&f, &f, &f, &label, 0, 1, 1, &f, &f, &f, &f, &f, nullptr), XFER_ERR_BAD_SHAPE);
  expect_status("train C + K = 12289", xfer_head_train_step_cuda(&f, &f, &f, &label, 1, 1, 12288, &f, &f, &f, &f, &f, nullptr), XFER_ERR_BAD_SHAPE);
}

/* A device input copied from host data. */
template <typename T>
static T* to_device(const std::vector<T>& host) {
  T* d;
  CHECK_CUDA(cudaMalloc(&d, sizeof(T) * host.size()));
  CHECK_CUDA(cudaMemcpy(d, host.data(), sizeof(T) * host.size(), cudaMemcpyHostToDevice));
  return d;
}

/* A device output of `count` floats followed by guard bytes, all pre-filled with the pattern. */
struct Output {
  size_t count;
  float* d;
  std::vector<uint8_t> host;
  explicit Output(size_t n) : count(n), host(n * sizeof(float) + CHECK_GUARD_BYTES) {
    check_pattern_fill(host.data(), host.size());
    CHECK_CUDA(cudaMalloc(&d, host.size()));
    CHECK_CUDA(cudaMemcpy(d, host.data(), host.size(), cudaMemcpyHostToDevice));
  }
  ~Output() { cudaFree(d); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  const float* fetch() {
    CHECK_CUDA(cudaMemcpy(host.data(), d, host.size(), cudaMemcpyDeviceToHost));
    return (const float*)host.data();
  }
  /* Compares against ref with tolerance kRelTol * max|ref| and checks the guard bytes. */
  void expect(const char* what, const std::vector<float>& ref) {
    const float* got = fetch();
    if (check_close(what, got, ref.data(), count, kRelTol * check_max_abs(ref.data(), count), 0.0, 5))
      ++failures;
    if (!check_guard(what, host.data(), count * sizeof(float))) ++failures;
  }
};

static void forward_case(int64_t n, int64_t c, int64_t hw, int64_t k, cudaStream_t stream, check_rng* rng) {
  printf("forward + pool N=%lld C=%lld HW=%lld K=%lld\n", (long long)n, (long long)c, (long long)hw, (long long)k);
  std::vector<float> x((size_t)(n * c * hw)), w((size_t)(k * c)), b((size_t)k);
  check_fill_uniform(rng, x.data(), x.size(), 0.0f, 4.0f); /* post-ReLU-like features */
  const float ws = 3.0f / sqrtf((float)c);
  check_fill_uniform(rng, w.data(), w.size(), -ws, ws);
  check_fill_uniform(rng, b.data(), b.size(), -0.5f, 0.5f);
  std::vector<float> probs((size_t)(n * k)), pooled((size_t)(n * c));
  expect_status("cpu forward", xfer_head_forward_cpu(x.data(), w.data(), b.data(), n, c, hw, k, probs.data()), XFER_OK);
  expect_status("cpu pool", xfer_head_pool_cpu(x.data(), n, c, hw, pooled.data()), XFER_OK);

  float* dx = to_device(x);
  float* dw = to_device(w);
  float* db = to_device(b);
  Output d_probs((size_t)(n * k)), d_pooled((size_t)(n * c));
  CHECK_CUDA(cudaDeviceSynchronize()); /* pageable copies complete before a non-blocking stream runs */
  expect_status("cuda forward", xfer_head_forward_cuda(dx, dw, db, n, c, hw, k, d_probs.d, stream), XFER_OK);
  expect_status("cuda pool", xfer_head_pool_cuda(dx, n, c, hw, d_pooled.d, stream), XFER_OK);
  CHECK_CUDA(cudaDeviceSynchronize());
  d_probs.expect("probs", probs);
  d_pooled.expect("pooled", pooled);
  CHECK_CUDA(cudaFree(dx));
  CHECK_CUDA(cudaFree(dw));
  CHECK_CUDA(cudaFree(db));
}

static void train_case(int64_t n, int64_t c, int64_t k, cudaStream_t stream, check_rng* rng) {
  printf("train step N=%lld C=%lld K=%lld\n", (long long)n, (long long)c, (long long)k);
  std::vector<float> pooled((size_t)(n * c)), w((size_t)(k * c)), b((size_t)k);
  check_fill_uniform(rng, pooled.data(), pooled.size(), 0.0f, 2.0f);
  const float ws = 3.0f / sqrtf((float)c);
  check_fill_uniform(rng, w.data(), w.size(), -ws, ws);
  check_fill_uniform(rng, b.data(), b.size(), -0.5f, 0.5f);
  std::vector<int64_t> labels((size_t)n);
  for (auto& l : labels) l = check_below(rng, k);
  std::vector<float> loss(1), sample_loss((size_t)n), gl((size_t)(n * k)), gw((size_t)(k * c)), gb((size_t)k);
  expect_status("cpu train", xfer_head_train_step_cpu(pooled.data(), w.data(), b.data(), labels.data(), n, c, k, loss.data(), sample_loss.data(), gl.data(), gw.data(), gb.data()), XFER_OK);

  float* dp = to_device(pooled);
  float* dw = to_device(w);
  float* db = to_device(b);
  int64_t* dl = to_device(labels);
  Output d_loss(1), d_sample((size_t)n), d_gl((size_t)(n * k)), d_gw((size_t)(k * c)), d_gb((size_t)k);
  CHECK_CUDA(cudaDeviceSynchronize());
  expect_status("cuda train", xfer_head_train_step_cuda(dp, dw, db, dl, n, c, k, d_loss.d, d_sample.d, d_gl.d, d_gw.d, d_gb.d, stream), XFER_OK);
  CHECK_CUDA(cudaDeviceSynchronize());
  d_loss.expect("loss", loss);
  d_sample.expect("sample_loss", sample_loss);
  d_gl.expect("grad_logits", gl);
  d_gw.expect("grad_weight", gw);
  d_gb.expect("grad_bias", gb);

  /* determinism: a second run gives the same bits */
  const float* got = d_gw.fetch();
  std::vector<float> first(got, got + d_gw.count);
  expect_status("cuda train again", xfer_head_train_step_cuda(dp, dw, db, dl, n, c, k, d_loss.d, d_sample.d, d_gl.d, d_gw.d, d_gb.d, stream), XFER_OK);
  CHECK_CUDA(cudaDeviceSynchronize());
  const float* second = d_gw.fetch();
  for (size_t i = 0; i < first.size(); ++i) {
    if (first[i] != second[i]) {
      printf("FAIL grad_weight not deterministic at %zu: %.9g then %.9g\n", i, first[i], second[i]);
      ++failures;
      break;
    }
  }
  CHECK_CUDA(cudaFree(dp));
  CHECK_CUDA(cudaFree(dw));
  CHECK_CUDA(cudaFree(db));
  CHECK_CUDA(cudaFree(dl));
}

/* A label outside [0, K): NaN for that sample's loss and grad_logits row, and for the mean loss. */
static void invalid_label_case(check_rng* rng) {
  const int64_t n = 3, c = 8, k = 4;
  printf("train step with label K at sample 1\n");
  std::vector<float> pooled((size_t)(n * c)), w((size_t)(k * c)), b((size_t)k, 0.0f);
  check_fill_uniform(rng, pooled.data(), pooled.size(), 0.0f, 2.0f);
  check_fill_uniform(rng, w.data(), w.size(), -1.0f, 1.0f);
  const std::vector<int64_t> labels = {0, k, 2};
  float* dp = to_device(pooled);
  float* dw = to_device(w);
  float* db = to_device(b);
  int64_t* dl = to_device(labels);
  Output d_loss(1), d_sample((size_t)n), d_gl((size_t)(n * k)), d_gw((size_t)(k * c)), d_gb((size_t)k);
  CHECK_CUDA(cudaDeviceSynchronize());
  expect_status("cuda train (bad label)", xfer_head_train_step_cuda(dp, dw, db, dl, n, c, k, d_loss.d, d_sample.d, d_gl.d, d_gw.d, d_gb.d, nullptr), XFER_OK);
  CHECK_CUDA(cudaDeviceSynchronize());
  const float* sl = d_sample.fetch();
  if (!std::isnan(sl[1]) || std::isnan(sl[0]) || std::isnan(sl[2])) {
    printf("FAIL sample_loss = {%g, %g, %g}, want NaN only at 1\n", sl[0], sl[1], sl[2]);
    ++failures;
  }
  if (!std::isnan(d_loss.fetch()[0])) {
    printf("FAIL loss is not NaN\n");
    ++failures;
  }
  const float* g = d_gl.fetch();
  for (int64_t j = 0; j < k; ++j) {
    if (!std::isnan(g[k + j]) || std::isnan(g[j])) {
      printf("FAIL grad_logits row 1 must be NaN, row 0 finite (k=%lld)\n", (long long)j);
      ++failures;
      break;
    }
  }
  CHECK_CUDA(cudaFree(dp));
  CHECK_CUDA(cudaFree(dw));
  CHECK_CUDA(cudaFree(db));
  CHECK_CUDA(cudaFree(dl));
}

int main(void) {
  rejects_bad_arguments();
  const int devices = xfer_cuda_device_count();
  if (devices <= 0) {
    printf("host-side checks: %d failure(s)\n", failures);
    printf("no CUDA device (count %d: %s): GPU comparison skipped\n", devices, xfer_last_cuda_error());
    return failures ? 1 : CHECK_SKIP;
  }
  cudaStream_t stream;
  CHECK_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  check_rng rng = {7u};
  forward_case(32, 2048, 49, 5, nullptr, &rng);     /* Xception at 224: 7x7 */
  forward_case(32, 2048, 100, 1000, stream, &rng);  /* Xception at 299: 10x10, ImageNet head */
  forward_case(1, 1, 1, 1, nullptr, &rng);
  forward_case(3, 7, 1, 2, stream, &rng);
  forward_case(5, 33, 9, 17, nullptr, &rng);
  forward_case(7, 513, 64, 129, stream, &rng);
  forward_case(2, 10000, 3, 2288, nullptr, &rng);   /* C + K = 12288: 48 KB of shared memory */
  forward_case(70001, 2, 3, 3, stream, &rng);       /* N above the grid cap */
  forward_case(2, 3, 100003, 2, nullptr, &rng);     /* long spatial maps */
  train_case(32, 2048, 5, nullptr, &rng);
  train_case(32, 2048, 1000, stream, &rng);
  train_case(1, 1, 1, nullptr, &rng);
  train_case(3, 7, 2, stream, &rng);
  train_case(17, 513, 129, nullptr, &rng);
  train_case(2, 10000, 2288, stream, &rng);
  train_case(70001, 3, 2, nullptr, &rng);
  invalid_label_case(&rng);
  CHECK_CUDA(cudaStreamDestroy(stream));
  printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
