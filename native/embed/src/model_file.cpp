#include "model_file.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <regex>

namespace xfer::detail {
namespace {

const std::string& meta(const SafeTensorsFile& file, const std::string& key) {
  auto it = file.metadata.find(key);
  if (it == file.metadata.end()) fail(file.name, "bad xfer metadata: no \"" + key + "\"");
  return it->second;
}

double number(const SafeTensorsFile& file, const std::string& key, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) {
    fail(file.name, "bad xfer metadata: " + key + ": expected a number, found \"" + text + "\"");
  }
  return v;
}

int whole(const SafeTensorsFile& file, const std::string& key, int min, int max) {
  const std::string& text = meta(file, key);
  double v = number(file, key, text);
  if (v != std::floor(v) || v < min || v > max) {
    fail(file.name, "bad xfer metadata: " + key + ": expected a whole number in [" + std::to_string(min) + ", " +
                        std::to_string(max) + "], found \"" + text + "\"");
  }
  return static_cast<int>(v);
}

std::array<float, 3> three(const SafeTensorsFile& file, const std::string& key) {
  const std::string& text = meta(file, key);
  std::array<float, 3> out{};
  size_t start = 0;
  for (int i = 0; i < 3; i++) {
    size_t comma = text.find(',', start);
    if ((i < 2) != (comma != std::string::npos)) {
      fail(file.name, "bad xfer metadata: " + key + ": expected 3 comma-separated values, found \"" + text + "\"");
    }
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    out[i] = static_cast<float>(number(file, key, part));
    start = comma + 1;
  }
  return out;
}

void apply_numerics(ModelInfo& info, const std::string& name, const std::string& file) {
  if (name == "keras") {
    info.bn_eps = 1e-3;
    info.same_pooling = true;
  } else if (name == "timm") {
    info.bn_eps = 1e-5;
    info.same_pooling = false;
  } else {
    fail(file, "numerics: expected keras or timm, found \"" + name + "\"");
  }
  info.numerics = name;
}

const torch::Tensor* find(const SafeTensorsFile& file, const std::string& name) {
  for (const auto& [n, t] : file.tensors) {
    if (n == name) return &t;
  }
  return nullptr;
}

ModelInfo from_xfer(const SafeTensorsFile& file) {
  ModelInfo info;
  info.format = "xfer";
  info.width_multiplier = number(file, "xfer.width_multiplier", meta(file, "xfer.width_multiplier"));
  if (!(info.width_multiplier > 0 && info.width_multiplier <= 4)) {
    fail(file.name, "bad xfer metadata: xfer.width_multiplier: expected in (0, 4], found \"" +
                        meta(file, "xfer.width_multiplier") + "\"");
  }
  info.middle_blocks = whole(file, "xfer.middle_blocks", 0, 64);
  info.num_classes = whole(file, "xfer.num_classes", 0, 1 << 24);
  const std::string& numerics = meta(file, "xfer.numerics");
  if (numerics != "keras" && numerics != "timm") {
    fail(file.name, "bad xfer metadata: xfer.numerics: expected keras or timm, found \"" + numerics + "\"");
  }
  info.numerics = numerics;
  info.bn_eps = number(file, "xfer.bn_eps", meta(file, "xfer.bn_eps"));
  if (!(info.bn_eps > 0)) fail(file.name, "bad xfer metadata: xfer.bn_eps: expected > 0, found \"" + meta(file, "xfer.bn_eps") + "\"");
  const std::string& same = meta(file, "xfer.same_pooling");
  if (same != "true" && same != "false") {
    fail(file.name, "bad xfer metadata: xfer.same_pooling: expected true or false, found \"" + same + "\"");
  }
  info.same_pooling = same == "true";
  info.image_size = whole(file, "xfer.image_size", 71, 1 << 15);
  info.scale_div = static_cast<float>(number(file, "xfer.scale_div", meta(file, "xfer.scale_div")));
  info.mean = three(file, "xfer.mean");
  info.std = three(file, "xfer.std");
  nlohmann::json names;
  try {
    names = nlohmann::json::parse(meta(file, "xfer.class_names"));
  } catch (const nlohmann::json::parse_error&) {
    fail(file.name, "bad xfer metadata: xfer.class_names: expected a JSON array of strings, found \"" +
                        meta(file, "xfer.class_names") + "\"");
  }
  if (!names.is_array()) fail(file.name, "bad xfer metadata: xfer.class_names: expected a JSON array of strings");
  for (const auto& n : names) {
    if (!n.is_string()) fail(file.name, "bad xfer metadata: xfer.class_names: element " + n.dump() + " is not a string");
    info.class_names.push_back(n.get<std::string>());
  }
  if (static_cast<int>(info.class_names.size()) != info.num_classes) {
    fail(file.name, "bad xfer metadata: xfer.class_names has " + std::to_string(info.class_names.size()) +
                        " names, expected xfer.num_classes = " + std::to_string(info.num_classes));
  }
  return info;
}

ModelInfo from_timm(const SafeTensorsFile& file) {
  ModelInfo info;
  info.format = "timm";
  const torch::Tensor* conv1 = find(file, "conv1.weight");
  int blocks = 0;
  static const std::regex block("block(\\d+)\\..*");
  for (const auto& [name, t] : file.tensors) {
    std::smatch m;
    if (std::regex_match(name, m, block)) blocks = std::max(blocks, std::atoi(m[1].str().c_str()));
  }
  if (conv1 == nullptr || conv1->dim() != 4 || blocks < 4) {
    fail(file.name, "not an xfer model file (no \"xfer.format\" metadata) nor a timm legacy_xception state dict "
                    "(no conv1.weight or fewer than 4 blocks)");
  }
  info.width_multiplier = static_cast<double>(conv1->size(0)) / 32.0;
  info.middle_blocks = blocks - 4;
  const torch::Tensor* fc_bias = find(file, "fc.bias");
  info.num_classes = fc_bias == nullptr ? 0 : static_cast<int>(fc_bias->size(0));
  info.image_size = 299;
  info.scale_div = 255.f;
  info.mean = {0.5f, 0.5f, 0.5f};
  info.std = {0.5f, 0.5f, 0.5f};
  apply_numerics(info, "timm", file.name);
  return info;
}

}  // namespace

int64_t scaled_channels(int64_t full, double width) {
  if (width == 1.0) return full;
  return std::max<int64_t>(8, static_cast<int64_t>(std::floor(full * width / 8.0 + 0.5)) * 8);
}

ModelInfo describe(const SafeTensorsFile& file, const std::string& numerics) {
  auto format = file.metadata.find("xfer.format");
  ModelInfo info;
  if (format == file.metadata.end()) {
    info = from_timm(file);
  } else if (format->second != kModelFormat) {
    fail(file.name, std::string("expected xfer.format = ") + kModelFormat + ", found \"" + format->second + "\"");
  } else {
    info = from_xfer(file);
  }
  if (!numerics.empty()) apply_numerics(info, numerics, file.name);
  info.feature_channels = scaled_channels(2048, info.width_multiplier);
  return info;
}

}  // namespace xfer::detail
