// xfer-predict-cpp: classify images with an xfer model file from C++, printing what `xfer predict`
// prints (file, then the top classes with their probabilities).
//
//   xfer-predict-cpp --model FILE [--device cpu|cuda] [--top-k K] [--json] IMAGES...
//
// IMAGES: 8-bit PNG files (when built with libpng; grey and palette images become RGB, alpha is
// dropped, as xfer's decoder does), or uint8 .npy arrays of shape (H, W, 3) or (N, H, W, 3).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "npy.hpp"
#include "xfer/embed.hpp"

#ifdef XFER_EXAMPLE_PNG
#include <png.h>
#endif

namespace {

struct Loaded {
  std::string name;
  torch::Tensor pixels;  // (H, W, 3) uint8
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void load(const std::string& path, std::vector<Loaded>& out) {
  if (ends_with(path, ".npy")) {
    torch::Tensor t = xfer::npy::read(path);
    if (t.scalar_type() != torch::kUInt8 || t.size(-1) != 3 || (t.dim() != 3 && t.dim() != 4)) {
      throw xfer::Error(path + ": expected a uint8 (H, W, 3) or (N, H, W, 3) array");
    }
    if (t.dim() == 3) {
      out.push_back({path, t});
    } else {
      for (int64_t i = 0; i < t.size(0); i++) out.push_back({path + "[" + std::to_string(i) + "]", t[i].contiguous()});
    }
    return;
  }
#ifdef XFER_EXAMPLE_PNG
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) throw xfer::Error(path + ": " + image.message);
  image.format = PNG_FORMAT_RGB;
  torch::Tensor t = torch::empty({int64_t(image.height), int64_t(image.width), 3}, torch::kUInt8);
  if (!png_image_finish_read(&image, nullptr, t.data_ptr<uint8_t>(), 0, nullptr)) {
    throw xfer::Error(path + ": " + image.message);
  }
  out.push_back({path, t});
#else
  throw xfer::Error(path + ": this build reads .npy arrays only (libpng was not found)");
#endif
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path, device = "cpu";
  int top_k = 3;
  bool json = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--model" && i + 1 < argc) model_path = argv[++i];
    else if (a == "--device" && i + 1 < argc) device = argv[++i];
    else if (a == "--top-k" && i + 1 < argc) top_k = std::max(1, std::atoi(argv[++i]));
    else if (a == "--json") json = true;
    else files.push_back(a);
  }
  if (model_path.empty() || files.empty()) {
    std::fprintf(stderr, "usage: %s --model FILE [--device cpu|cuda] [--top-k K] [--json] IMAGES...\n", argv[0]);
    return 2;
  }
  try {
    std::vector<Loaded> loaded;
    for (const std::string& f : files) load(f, loaded);
    xfer::ModelOptions options;
    options.device = torch::Device(device);
    xfer::Model model = xfer::Model::open(model_path, options);
    const auto& names = model.info().class_names;
    std::vector<xfer::Image> images;
    for (const Loaded& l : loaded) images.push_back({l.pixels.data_ptr<uint8_t>(), int32_t(l.pixels.size(0)), int32_t(l.pixels.size(1))});
    torch::Tensor probs = model.predict(images).cpu();
    const int64_t k = probs.size(1);
    for (size_t i = 0; i < loaded.size(); i++) {
      const float* p = probs[i].data_ptr<float>();
      std::vector<int64_t> order(k);
      for (int64_t j = 0; j < k; j++) order[j] = j;
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p[a] > p[b]; });
      std::string line = json ? "{\"file\": \"" + loaded[i].name + "\", \"top\": [" : loaded[i].name;
      for (int64_t r = 0; r < std::min<int64_t>(top_k, k); r++) {
        int64_t c = order[r];
        std::string name = c < int64_t(names.size()) ? names[c] : "class_" + std::to_string(c);
        char buf[256];
        if (json) {
          std::snprintf(buf, sizeof buf, "%s{\"class\": \"%s\", \"probability\": %.9g}", r ? ", " : "", name.c_str(), p[c]);
        } else {
          std::snprintf(buf, sizeof buf, "  %s %.4f", name.c_str(), p[c]);
        }
        line += buf;
      }
      std::printf("%s%s\n", line.c_str(), json ? "]}" : "");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xfer-predict-cpp: %s\n", e.what());
    return 1;
  }
  return 0;
}
