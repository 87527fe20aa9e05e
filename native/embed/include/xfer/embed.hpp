// xfer embedding library: loads an xfer model file (or a timm legacy_xception .safetensors) into
// LibTorch and runs it on CPU or CUDA with the numerics and kernels the Java tool uses:
//   preprocess  uint8 HWC RGB images -> (N, 3, S, S) float32 with xfer's preprocess kernel
//               (TF bilinear resize fused with the model's normalisation)
//   features    the Xception backbone: (N, 3, S, S) -> (N, C, H', W') after the last ReLU
//   embed       global-average-pooled features (N, C), xfer's pool kernel
//   predict     class probabilities (N, K), xfer's fused pool + dense + softmax kernel
//
// Shape vocabulary as in kernels.h: N batch, C channels, H,W spatial, K classes, S input size.
// Every function that can fail throws xfer::Error, whose message names the file or tensor and says
// what was expected and what was found.
#ifndef XFER_EMBED_HPP
#define XFER_EMBED_HPP

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace xfer {

/** A malformed model file, a bad argument or a failed kernel: one line, naming what was wrong. */
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** One image: H x W x 3 bytes, RGB, rows contiguous (the layout decoders produce). Not owned. */
struct Image {
  const uint8_t* pixels = nullptr;
  int32_t height = 0;
  int32_t width = 0;
};

/** What a model file describes: architecture, numerics, preprocessing and class names. */
struct ModelInfo {
  std::string format;             // "xfer" (xfer model file) or "timm" (legacy_xception state dict)
  double width_multiplier = 1.0;  // scales every channel count (multiple of 8, at least 8)
  int middle_blocks = 8;          // 728-channel identity blocks of the middle flow
  int num_classes = 0;            // classifier outputs, 0 without a classifier
  std::string numerics;           // "keras" or "timm"
  double bn_eps = 1e-3;           // BatchNorm epsilon
  bool same_pooling = true;       // TF 'same' (asymmetric, -inf) max-pools, else symmetric padding 1
  int image_size = 299;           // preprocess output S (S x S)
  float scale_div = 127.5f;       // normalisation: (v / scale_div - mean[c]) / std[c]
  std::array<float, 3> mean{1.f, 1.f, 1.f};
  std::array<float, 3> std{1.f, 1.f, 1.f};
  std::vector<std::string> class_names;  // K names for an xfer model file, empty for timm
  int64_t feature_channels = 2048;       // C of the pooled features
};

/** How to open a model. */
struct ModelOptions {
  torch::Device device = torch::kCPU;           // where weights live and the forward runs
  torch::ScalarType dtype = torch::kFloat32;    // backbone precision: kFloat32 or kBFloat16
  std::string numerics;                         // "" = the file's own; "keras" or "timm" overrides
};

/** An opened model: immutable after open; calls from several threads are safe. */
class Model {
 public:
  /** Reads and validates `path` and builds the network on options.device. */
  static Model open(const std::string& path, const ModelOptions& options = {});

  const ModelInfo& info() const;
  torch::Device device() const;

  /** Images of any sizes -> (N, 3, S, S) float32 on the model's device. */
  torch::Tensor preprocess(const std::vector<Image>& images) const;

  /** (N, 3, H, W) preprocessed input (H, W >= 71) -> backbone feature map (N, C, H', W'), float32. */
  torch::Tensor features(const torch::Tensor& input) const;

  /** Pooled features (N, C) float32 of preprocessed input, or of images. */
  torch::Tensor embed(const torch::Tensor& input) const;
  torch::Tensor embed(const std::vector<Image>& images) const;

  /** Probabilities (N, K) float32 of preprocessed input, or of images; needs a classifier. */
  torch::Tensor predict(const torch::Tensor& input) const;
  torch::Tensor predict(const std::vector<Image>& images) const;

  /** Single-image helpers: C pooled features, or K probabilities. */
  std::vector<float> embed(const Image& image) const;
  std::vector<float> predict(const Image& image) const;

  struct Impl;

 private:
  explicit Model(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace xfer

#endif  // XFER_EMBED_HPP
