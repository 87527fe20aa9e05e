// xfer-embed-bench: images/s of preprocess + embed through the C++ library, and a check of its
// features against another implementation's.
//
//   xfer-embed-bench --model FILE [--device cuda] [--batch 32,128] [--dtype float32,bfloat16]
//                    [--source 256] [--warmup 3] [--repeats 10]
//   xfer-embed-bench --model FILE --device cuda --check INPUT.npy EXPECTED.npy [--tolerance 1e-4]
//                    [--dtype bfloat16]
//
// Timing: random uint8 (source x source x 3) images on the host -> Model::embed (copy to the device,
// preprocess kernel, backbone, pool kernel) -> features back on the host; median of the repeats,
// one JSON line per case. Check: a float32 (N, 3, S, S) input -> Model::embed, compared with
// EXPECTED (N, C); exit status 1 past the tolerance. float32 runs with TF32 off (full float32).
#include <ATen/Context.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "npy.hpp"
#include "xfer/embed.hpp"

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> arg{{"--device", "cpu"}, {"--batch", "32,128"}, {"--dtype", "float32,bfloat16"},
                                         {"--source", "256"}, {"--warmup", "3"},       {"--repeats", "10"},
                                         {"--tolerance", "1e-4"}};
  std::string check_input, check_expected;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--check" && i + 2 < argc) {
      check_input = argv[++i];
      check_expected = argv[++i];
    } else if (i + 1 < argc) {
      arg[a] = argv[++i];
    }
  }
  if (!arg.count("--model")) {
    std::fprintf(stderr, "usage: %s --model FILE [--device cpu|cuda] [--batch 32,128] [--dtype float32,bfloat16] "
                         "[--check INPUT.npy EXPECTED.npy]\n", argv[0]);
    return 2;
  }
  try {
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
    torch::Device device(arg["--device"]);
    if (!check_input.empty()) {
      xfer::ModelOptions options;
      options.device = device;
      if (arg["--dtype"] == "bfloat16" || arg["--dtype"] == "bf16") options.dtype = torch::kBFloat16;
      xfer::Model model = xfer::Model::open(arg["--model"], options);
      torch::Tensor got = model.embed(xfer::npy::read(check_input)).cpu().to(torch::kFloat64);
      torch::Tensor want = xfer::npy::read(check_expected).to(torch::kFloat64);
      double err = (got - want).abs().max().item<double>();
      double tol = std::stod(arg["--tolerance"]);
      std::printf("%s C++ embed (%s) on %s vs %s: max |diff| %.3g over %lld values (tolerance %.0e; |expected| up to %.3g)\n",
                  err <= tol ? "ok  " : "FAIL", options.dtype == torch::kBFloat16 ? "bf16" : "fp32",
                  device.str().c_str(), check_expected.c_str(), err,
                  static_cast<long long>(got.numel()), tol, want.abs().max().item<double>());
      return err <= tol ? 0 : 1;
    }
    const int source = std::stoi(arg["--source"]);
    const int warmup = std::stoi(arg["--warmup"]), repeats = std::stoi(arg["--repeats"]);
    for (const std::string& dtype_name : split(arg["--dtype"])) {
      xfer::ModelOptions options;
      options.device = device;
      options.dtype = dtype_name == "bfloat16" || dtype_name == "bf16" ? torch::kBFloat16 : torch::kFloat32;
      xfer::Model model = xfer::Model::open(arg["--model"], options);
      for (const std::string& b : split(arg["--batch"])) {
        const int batch = std::stoi(b);
        torch::manual_seed(7);
        torch::Tensor pixels = torch::randint(0, 256, {batch, source, source, 3}, torch::kUInt8);
        std::vector<xfer::Image> images;
        for (int i = 0; i < batch; i++) images.push_back({pixels[i].data_ptr<uint8_t>(), source, source});
        std::vector<double> ms;
        for (int r = 0; r < warmup + repeats; r++) {
          auto t0 = std::chrono::steady_clock::now();
          torch::Tensor f = model.embed(images).cpu();  // the copy back waits for the device
          auto t1 = std::chrono::steady_clock::now();
          if (r >= warmup) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
        std::sort(ms.begin(), ms.end());
        double median = ms[ms.size() / 2];
        std::printf("{\"impl\": \"xfer-cpp\", \"device\": \"%s\", \"precision\": \"%s\", \"batch\": %d, \"size\": %d, "
                    "\"source\": %d, \"ms\": %.3f, \"images_per_s\": %.1f}\n",
                    device.str().c_str(), options.dtype == torch::kBFloat16 ? "bf16" : "fp32", batch,
                    model.info().image_size, source, median, batch / median * 1e3);
        std::fflush(stdout);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xfer-embed-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
