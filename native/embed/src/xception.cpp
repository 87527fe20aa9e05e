#include "xception.hpp"

#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "model_file.hpp"

namespace xfer::detail {
namespace {

/** Hands out the file's tensors by name, checking shapes, and remembers which were taken. */
class TensorTaker {
 public:
  explicit TensorTaker(const SafeTensorsFile& file) : file_(file) {
    for (const auto& [name, t] : file.tensors) by_name_[name] = t;
  }

  torch::Tensor take(const std::string& name, std::vector<int64_t> shape) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) {
      fail(file_.name, "missing tensor '" + name + "' (expected shape " + shape_string(shape) + ")");
    }
    std::vector<int64_t> found(it->second.sizes().begin(), it->second.sizes().end());
    if (found != shape) {
      fail(file_.name, "tensor '" + name + "': expected shape " + shape_string(shape) + ", found " + shape_string(found));
    }
    taken_.insert(name);
    return it->second;
  }

  BatchNorm batch_norm(const std::string& prefix, int64_t c) {
    return BatchNorm{take(prefix + ".weight", {c}), take(prefix + ".bias", {c}), take(prefix + ".running_mean", {c}),
                     take(prefix + ".running_var", {c})};
  }

  SeparableConv separable(const std::string& prefix, int64_t in, int64_t out) {
    return SeparableConv{take(prefix + ".conv1.weight", {in, 1, 3, 3}), take(prefix + ".pointwise.weight", {out, in, 1, 1})};
  }

  /** Refuses tensors the architecture has no place for. */
  void check_all_taken(const ModelInfo& info) const {
    for (const auto& [name, t] : file_.tensors) {
      if (taken_.count(name) || (name.size() >= 20 && name.compare(name.size() - 20, 20, ".num_batches_tracked") == 0)) {
        continue;
      }
      std::ostringstream what;
      what << "unexpected tensor '" << name << "' (not part of an Xception of width " << info.width_multiplier
           << " with " << info.middle_blocks << " middle blocks and " << info.num_classes << " classes)";
      fail(file_.name, what.str());
    }
  }

 private:
  const SafeTensorsFile& file_;
  std::map<std::string, torch::Tensor> by_name_;
  std::set<std::string> taken_;
};

struct BlockSpec {
  int64_t in, out;
  int reps;
  int64_t stride;
  bool start_with_relu, grow_first;
};

}  // namespace

Xception::Xception(const ModelInfo& info, const SafeTensorsFile& file)
    : eps_(info.bn_eps), same_pooling_(info.same_pooling) {
  TensorTaker t(file);
  auto c = [&](int64_t full) { return scaled_channels(full, info.width_multiplier); };
  conv1_ = t.take("conv1.weight", {c(32), 3, 3, 3});
  bn1_ = t.batch_norm("bn1", c(32));
  conv2_ = t.take("conv2.weight", {c(64), c(32), 3, 3});
  bn2_ = t.batch_norm("bn2", c(64));

  std::vector<BlockSpec> specs = {{c(64), c(128), 2, 2, false, true},
                                  {c(128), c(256), 2, 2, true, true},
                                  {c(256), c(728), 2, 2, true, true}};
  for (int i = 0; i < info.middle_blocks; i++) specs.push_back({c(728), c(728), 3, 1, true, true});
  specs.push_back({c(728), c(1024), 2, 2, true, false});
  for (size_t i = 0; i < specs.size(); i++) {
    const BlockSpec& s = specs[i];
    std::string prefix = "block" + std::to_string(i + 1);
    XceptionBlock b;
    b.stride = s.stride;
    int index = 0;  // indices inside rep count the parameter-free ReLUs, as timm's nn.Sequential
    for (int r = 0; r < s.reps; r++) {
      bool widen = s.grow_first ? r == 0 : r == s.reps - 1;
      int64_t in = s.grow_first ? (r == 0 ? s.in : s.out) : s.in;
      int64_t out = widen ? s.out : in;
      bool relu = r > 0 || s.start_with_relu;
      if (relu) index++;
      SeparableConv conv = t.separable(prefix + ".rep." + std::to_string(index++), in, out);
      BatchNorm bn = t.batch_norm(prefix + ".rep." + std::to_string(index++), out);
      b.reps.push_back({relu, conv, bn});
    }
    if (s.in != s.out || s.stride != 1) {
      b.skip = t.take(prefix + ".skip.weight", {s.out, s.in, 1, 1});
      b.skipbn = t.batch_norm(prefix + ".skipbn", s.out);
    }
    blocks_.push_back(std::move(b));
  }
  conv3_ = t.separable("conv3", c(1024), c(1536));
  bn3_ = t.batch_norm("bn3", c(1536));
  conv4_ = t.separable("conv4", c(1536), c(2048));
  bn4_ = t.batch_norm("bn4", c(2048));
  if (info.num_classes > 0) {
    fc_weight_ = t.take("fc.weight", {info.num_classes, c(2048)});
    fc_bias_ = t.take("fc.bias", {info.num_classes});
  }
  t.check_all_taken(info);
}

void Xception::to(torch::Device device, torch::ScalarType dtype) {
  auto move = [&](torch::Tensor& x) { x = x.to(device, dtype).contiguous(); };
  auto move_bn = [&](BatchNorm& bn) {
    move(bn.weight);
    move(bn.bias);
    move(bn.running_mean);
    move(bn.running_var);
  };
  auto move_sep = [&](SeparableConv& s) {
    move(s.depthwise);
    move(s.pointwise);
  };
  move(conv1_);
  move(conv2_);
  move_bn(bn1_);
  move_bn(bn2_);
  for (XceptionBlock& b : blocks_) {
    for (XceptionBlock::Rep& r : b.reps) {
      move_sep(r.conv);
      move_bn(r.bn);
    }
    if (b.skip) {
      move(*b.skip);
      move_bn(b.skipbn);
    }
  }
  move_sep(conv3_);
  move_sep(conv4_);
  move_bn(bn3_);
  move_bn(bn4_);
  // the head runs in xfer's float32 kernels whatever the backbone's precision
  if (has_classifier()) {
    fc_weight_ = fc_weight_.to(device, torch::kFloat32).contiguous();
    fc_bias_ = fc_bias_.to(device, torch::kFloat32).contiguous();
  }
}

torch::Tensor Xception::batch_norm(const torch::Tensor& x, const BatchNorm& bn) const {
  return torch::batch_norm(x, bn.weight, bn.bias, bn.running_mean, bn.running_var, /*training=*/false,
                           /*momentum=*/0.0, eps_, /*cudnn_enabled=*/true);
}

torch::Tensor Xception::separable(const torch::Tensor& x, const SeparableConv& conv) const {
  torch::Tensor y = torch::conv2d(x, conv.depthwise, /*bias=*/{}, /*stride=*/1, /*padding=*/1, /*dilation=*/1,
                                  /*groups=*/x.size(1));
  return torch::conv2d(y, conv.pointwise);
}

torch::Tensor Xception::max_pool(const torch::Tensor& x) const {
  if (!same_pooling_) return torch::max_pool2d(x, /*kernel_size=*/3, /*stride=*/2, /*padding=*/1);
  // TF 'same': output ceil(in / 2), total padding max((out - 1) * 2 + 3 - in, 0), the extra one after
  auto pad = [](int64_t in) { return std::max<int64_t>(((in + 1) / 2 - 1) * 2 + 3 - in, 0); };
  int64_t ph = pad(x.size(2));
  int64_t pw = pad(x.size(3));
  torch::Tensor padded = torch::constant_pad_nd(x, {pw / 2, pw - pw / 2, ph / 2, ph - ph / 2}, -INFINITY);
  return torch::max_pool2d(padded, /*kernel_size=*/3, /*stride=*/2, /*padding=*/0);
}

torch::Tensor Xception::block(const torch::Tensor& input, const XceptionBlock& b) const {
  torch::Tensor x = input;
  for (const XceptionBlock::Rep& r : b.reps) {
    if (r.relu_first) x = torch::relu(x);
    x = batch_norm(separable(x, r.conv), r.bn);
  }
  if (b.stride != 1) x = max_pool(x);
  // the shortcut takes the block's pre-ReLU input
  torch::Tensor shortcut = b.skip ? batch_norm(torch::conv2d(input, *b.skip, {}, b.stride), b.skipbn) : input;
  return x.add(shortcut);
}

torch::Tensor Xception::forward_features(const torch::Tensor& input) const {
  torch::Tensor x = torch::relu(batch_norm(torch::conv2d(input, conv1_, {}, /*stride=*/2), bn1_));
  x = torch::relu(batch_norm(torch::conv2d(x, conv2_), bn2_));
  for (const XceptionBlock& b : blocks_) x = block(x, b);
  x = torch::relu(batch_norm(separable(x, conv3_), bn3_));
  return torch::relu(batch_norm(separable(x, conv4_), bn4_));
}

}  // namespace xfer::detail
