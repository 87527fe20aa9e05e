// Keras' Xception (Chollet 2017) in LibTorch C++, inference only, from a timm legacy_xception state
// dict (the names xfer model files use):
//   stem    conv1 (3x3/2 valid) bn1 relu  conv2 (3x3 valid) bn2 relu
//   entry   block1..block3           downsampling blocks with 1x1/2 shortcuts (skip, skipbn)
//   middle  block4..block(3+M)       identity blocks of 3 x [relu, separable conv, bn]
//   exit    block(4+M)               728 -> 1024, then conv3 bn3 relu conv4 bn4 relu (post-activation)
// Separable conv = 3x3 depthwise (conv1, padding 1) then 1x1 pointwise, nothing in between.
// Numerics: BN epsilon from the file; max-pools TF 'same' (-inf padding, extra row/column after)
// for Keras, symmetric padding 1 for timm.
#ifndef XFER_EMBED_XCEPTION_HPP
#define XFER_EMBED_XCEPTION_HPP

#include <torch/torch.h>

#include <optional>
#include <vector>

#include "safetensors.hpp"
#include "xfer/embed.hpp"

namespace xfer::detail {

struct BatchNorm {
  torch::Tensor weight, bias, running_mean, running_var;
};

struct SeparableConv {
  torch::Tensor depthwise, pointwise;
};

struct XceptionBlock {
  struct Rep {
    bool relu_first;
    SeparableConv conv;
    BatchNorm bn;
  };
  std::vector<Rep> reps;
  int64_t stride = 1;
  std::optional<torch::Tensor> skip;  // 1x1 shortcut conv, with skipbn, when the shape changes
  BatchNorm skipbn;
};

class Xception {
 public:
  /**
   * Takes every tensor the architecture in `info` needs from `file`, checking names and shapes;
   * refuses a missing, misshapen or unexpected tensor (num_batches_tracked is ignored).
   */
  Xception(const ModelInfo& info, const SafeTensorsFile& file);

  /** Moves every weight to `device` as `dtype`. */
  void to(torch::Device device, torch::ScalarType dtype);

  /** (N, 3, H, W) -> (N, C, H', W') after the last ReLU. */
  torch::Tensor forward_features(const torch::Tensor& x) const;

  bool has_classifier() const { return fc_weight_.defined(); }
  const torch::Tensor& fc_weight() const { return fc_weight_; }  // (K, C) float32
  const torch::Tensor& fc_bias() const { return fc_bias_; }      // (K) float32

 private:
  torch::Tensor batch_norm(const torch::Tensor& x, const BatchNorm& bn) const;
  torch::Tensor separable(const torch::Tensor& x, const SeparableConv& conv) const;
  torch::Tensor max_pool(const torch::Tensor& x) const;
  torch::Tensor block(const torch::Tensor& x, const XceptionBlock& b) const;

  double eps_;
  bool same_pooling_;
  torch::Tensor conv1_, conv2_;
  BatchNorm bn1_, bn2_, bn3_, bn4_;
  std::vector<XceptionBlock> blocks_;
  SeparableConv conv3_, conv4_;
  torch::Tensor fc_weight_, fc_bias_;
};

}  // namespace xfer::detail

#endif  // XFER_EMBED_XCEPTION_HPP
