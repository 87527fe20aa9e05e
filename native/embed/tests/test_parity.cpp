// The C++ library against the Java implementation: embed and predict of the same model file and
// images equal `xfer embed` / `xfer predict` (fixtures written by make_fixtures.sh).
//
//   test_embed_parity --model M --images DIR --expected DIR [--device cpu|cuda] [--tolerance T]
//
// DIR (images) holds one uint8 (H, W, 3) .npy per image, named like the PNGs Java read; DIR (expected)
// holds embed.npy (N, C), probs.npy (N, K), predict.jsonl (top classes) and, optionally,
// embed_timm.npy (the same file run with timm numerics). With --device cuda the CUDA results are
// also compared with this library's CPU results; exits 77 (skipped) when no CUDA device is usable.
#include <ATen/Context.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "npy.hpp"
#include "xfer/embed.hpp"

namespace fs = std::filesystem;

namespace {

int failures = 0;

/** Compares got with ref within atol: prints the max error and the first mismatches. */
void expect_close(const std::string& what, const torch::Tensor& got_in, const torch::Tensor& ref_in, double atol) {
  torch::Tensor got = got_in.to(torch::kCPU, torch::kFloat64).contiguous();
  torch::Tensor ref = ref_in.to(torch::kCPU, torch::kFloat64).contiguous();
  if (got.sizes() != ref.sizes()) {
    std::printf("FAIL %s: shape %s, expected %s\n", what.c_str(), c10::str(got.sizes()).c_str(), c10::str(ref.sizes()).c_str());
    failures++;
    return;
  }
  torch::Tensor err = (got - ref).abs().reshape({-1});
  double max_err = err.max().item<double>();
  int64_t bad = (err > atol).sum().item<int64_t>() + torch::isnan(err).sum().item<int64_t>();
  std::printf("%s %s: max |diff| %.3g over %lld values (tolerance %.0e)\n", bad ? "FAIL" : "ok  ", what.c_str(), max_err,
              static_cast<long long>(err.numel()), atol);
  if (bad) {
    failures++;
    const double* g = got.data_ptr<double>();
    const double* r = ref.data_ptr<double>();
    for (int64_t i = 0, shown = 0; i < err.numel() && shown < 5; i++) {
      if (!(std::abs(g[i] - r[i]) <= atol)) {
        std::printf("  [%lld] got %.9g expected %.9g\n", static_cast<long long>(i), g[i], r[i]);
        shown++;
      }
    }
  }
}

void expect(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) failures++;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> arg{{"--device", "cpu"}, {"--tolerance", "1e-5"}};
  for (int i = 1; i + 1 < argc; i += 2) arg[argv[i]] = argv[i + 1];
  if (!arg.count("--model") || !arg.count("--images") || !arg.count("--expected")) {
    std::fprintf(stderr, "usage: %s --model M --images DIR --expected DIR [--device cpu|cuda] [--tolerance T]\n", argv[0]);
    return 2;
  }
  const fs::path expected = arg["--expected"];
  if (!fs::exists(expected / "embed.npy")) {
    std::printf("skipped: no %s (the Java fixtures were not made)\n", (expected / "embed.npy").c_str());
    return 77;
  }
  torch::Device device(arg["--device"]);
  if (device.is_cuda() && !torch::cuda::is_available()) {
    std::printf("skipped: no CUDA device usable by this LibTorch\n");
    return 77;
  }
  if (device.is_cuda()) {  // full float32: cuDNN's convolutions would otherwise use TF32 on Ampere and later
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
  }
  const double tol = std::stod(arg["--tolerance"]);
  torch::set_num_threads(1);

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(arg["--images"])) {
    if (e.path().extension() == ".npy") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<torch::Tensor> pixels;
  std::vector<xfer::Image> images;
  for (const fs::path& f : files) {
    pixels.push_back(xfer::npy::read(f));
    images.push_back({pixels.back().data_ptr<uint8_t>(), int32_t(pixels.back().size(0)), int32_t(pixels.back().size(1))});
  }

  xfer::ModelOptions options;
  options.device = device;
  xfer::Model model = xfer::Model::open(arg["--model"], options);
  const xfer::ModelInfo& info = model.info();
  std::printf("%s: %s file, width %g, %d middle blocks, %s numerics, %d px, %d classes; %zu images on %s\n",
              arg["--model"].c_str(), info.format.c_str(), info.width_multiplier, info.middle_blocks, info.numerics.c_str(),
              info.image_size, info.num_classes, images.size(), device.str().c_str());

  torch::Tensor embed = model.embed(images);
  torch::Tensor probs = model.predict(images);
  expect_close("embed vs xfer embed", embed, xfer::npy::read(expected / "embed.npy"), tol);
  expect_close("predict vs xfer predict", probs, xfer::npy::read(expected / "probs.npy"), tol);

  // top-1 class names as xfer predict printed them
  std::ifstream jsonl(expected / "predict.jsonl");
  std::string line;
  torch::Tensor top = probs.cpu().argmax(1);
  for (size_t i = 0; std::getline(jsonl, line) && i < images.size(); i++) {
    auto doc = nlohmann::json::parse(line);
    std::string java_top = doc["top"][0]["class"];
    int64_t k = top[i].item<int64_t>();
    std::string ours = info.class_names.empty() ? "class_" + std::to_string(k) : info.class_names.at(k);
    expect(java_top == ours, "top-1 of " + doc["file"].get<std::string>() + ": " + ours + " (xfer predict: " + java_top +
                                 ", p = " + std::to_string(probs[i][k].item<float>()) + ")");
  }

  // single-image helpers give the batch's rows
  for (size_t i = 0; i < images.size(); i++) {
    std::vector<float> e = model.embed(images[i]);
    std::vector<float> p = model.predict(images[i]);
    expect_close("embed(image " + std::to_string(i) + ")", torch::tensor(e), embed[i], tol);
    expect_close("predict(image " + std::to_string(i) + ")", torch::tensor(p), probs[i], tol);
  }

  if (fs::exists(expected / "embed_timm.npy")) {
    xfer::ModelOptions timm = options;
    timm.numerics = "timm";
    xfer::Model as_timm = xfer::Model::open(arg["--model"], timm);
    expect_close("embed with timm numerics vs xfer embed --numerics timm", as_timm.embed(images),
                 xfer::npy::read(expected / "embed_timm.npy"), tol);
  }

  if (device.is_cuda()) {
    xfer::Model cpu = xfer::Model::open(arg["--model"]);
    expect_close("CUDA embed vs CPU embed", embed, cpu.embed(images), tol);
    expect_close("CUDA predict vs CPU predict", probs, cpu.predict(images), tol);
  }
  std::printf("%s\n", failures ? "FAILED" : "passed");
  return failures ? 1 : 0;
}
