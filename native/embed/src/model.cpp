// xfer::Model: the file's network on a device, with xfer's kernels for preprocessing and the head.
// CUDA kernels run on LibTorch's current stream of the model's device (the legacy default stream
// when this library is built against a LibTorch without CUDA headers). When libxfer_kernels was
// built without CUDA, a CUDA model preprocesses and pools on the CPU kernels and copies.
#include <cstring>

#include "model_file.hpp"
#include "safetensors.hpp"
#include "xception.hpp"
#include "xfer/embed.hpp"
#include "xfer/kernels.h"

#ifdef XFER_EMBED_TORCH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace xfer {

struct Model::Impl {
  ModelInfo info;
  detail::Xception net;
  torch::Device device;
  torch::ScalarType dtype;
  std::string file;
};

namespace {

constexpr int64_t kMinInputSize = 71;  // Keras' minimum input height and width

/** Whether kernels run on the model's device: a CUDA model with a CUDA build of the kernels. */
bool on_device_kernels(const torch::Device& device) {
  return device.is_cuda() && xfer_has_cuda_kernels() == 1;
}

void check(int status, const char* kernel) {
  if (status == XFER_OK) return;
  std::string text = std::string(kernel) + ": " + xfer_status_string(status);
  if (status == XFER_ERR_CUDA) text += " (" + std::string(xfer_last_cuda_error()) + ")";
  throw Error(text);
}

/** Current LibTorch stream and device of `device`, for the CUDA kernels. */
struct KernelStream {
#ifdef XFER_EMBED_TORCH_CUDA
  explicit KernelStream(const torch::Device& device) : guard(device) {}
  void* get() const { return c10::cuda::getCurrentCUDAStream().stream(); }
  c10::cuda::CUDAGuard guard;
#else
  explicit KernelStream(const torch::Device&) {}
  void* get() const { return nullptr; }
#endif
};

}  // namespace

Model::Model(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Model Model::open(const std::string& path, const ModelOptions& options) {
  if (options.dtype != torch::kFloat32 && options.dtype != torch::kBFloat16) {
    throw Error(path + ": dtype: expected float32 or bfloat16");
  }
  detail::SafeTensorsFile file = detail::read_safetensors(path);
  ModelInfo info = detail::describe(file, options.numerics);
  detail::Xception net(info, file);
  if (options.device.is_cuda() && !torch::cuda::is_available()) {
    throw Error(file.name + ": device " + options.device.str() + " requested, but this LibTorch sees no CUDA device");
  }
  torch::Device device = options.device;
  if (device.is_cuda() && !device.has_index()) {  // "cuda": the current device, by index from now on
    device = torch::empty({0}, torch::TensorOptions().device(device)).device();
  }
  net.to(device, options.dtype);
  return Model(std::make_shared<Impl>(Impl{std::move(info), std::move(net), device, options.dtype, file.name}));
}

const ModelInfo& Model::info() const { return impl_->info; }

torch::Device Model::device() const { return impl_->device; }

torch::Tensor Model::preprocess(const std::vector<Image>& images) const {
  const ModelInfo& info = impl_->info;
  const int32_t n = static_cast<int32_t>(images.size());
  if (n == 0) throw Error("preprocess: expected at least one image, found none");
  std::vector<int64_t> offsets(n);
  std::vector<int32_t> heights(n), widths(n);
  int64_t total = 0;
  for (int32_t i = 0; i < n; i++) {
    const Image& im = images[i];
    if (im.pixels == nullptr || im.height < 1 || im.width < 1) {
      throw Error("preprocess: image " + std::to_string(i) + ": expected pixels and a size of at least 1 x 1, found " +
                  std::to_string(im.height) + " x " + std::to_string(im.width) + (im.pixels ? "" : " without pixels"));
    }
    offsets[i] = total;
    heights[i] = im.height;
    widths[i] = im.width;
    total += int64_t{im.height} * im.width * 3;
  }
  torch::Tensor pixels = torch::empty({total}, torch::kUInt8);
  for (int32_t i = 0; i < n; i++) {
    std::memcpy(pixels.data_ptr<uint8_t>() + offsets[i], images[i].pixels, size_t(heights[i]) * widths[i] * 3);
  }
  const int32_t s = info.image_size;
  torch::NoGradGuard no_grad;
  if (on_device_kernels(impl_->device)) {
    KernelStream stream(impl_->device);
    auto on = [&](torch::Tensor t) { return t.to(impl_->device, /*non_blocking=*/false); };
    torch::Tensor p = on(pixels);
    torch::Tensor o = on(torch::from_blob(offsets.data(), {n}, torch::kInt64));
    torch::Tensor h = on(torch::from_blob(heights.data(), {n}, torch::kInt32));
    torch::Tensor w = on(torch::from_blob(widths.data(), {n}, torch::kInt32));
    torch::Tensor out = torch::empty({n, 3, s, s}, torch::TensorOptions().dtype(torch::kFloat32).device(impl_->device));
    check(xfer_preprocess_cuda(p.data_ptr<uint8_t>(), o.data_ptr<int64_t>(), h.data_ptr<int32_t>(), w.data_ptr<int32_t>(),
                               n, s, s, info.scale_div, info.mean[0], info.mean[1], info.mean[2], info.std[0],
                               info.std[1], info.std[2], out.data_ptr<float>(), stream.get()),
          "xfer_preprocess_cuda");
    return out;
  }
  torch::Tensor out = torch::empty({n, 3, s, s}, torch::kFloat32);
  check(xfer_preprocess_cpu(pixels.data_ptr<uint8_t>(), offsets.data(), heights.data(), widths.data(), n, s, s,
                            info.scale_div, info.mean[0], info.mean[1], info.mean[2], info.std[0], info.std[1],
                            info.std[2], out.data_ptr<float>()),
        "xfer_preprocess_cpu");
  return out.to(impl_->device);
}

torch::Tensor Model::features(const torch::Tensor& input) const {
  if (input.dim() != 4 || input.size(1) != 3) {
    throw Error("input: expected (N, 3, H, W) images, found " +
                detail::shape_string(std::vector<int64_t>(input.sizes().begin(), input.sizes().end())));
  }
  if (input.size(2) < kMinInputSize || input.size(3) < kMinInputSize) {
    throw Error("input: Xception needs height and width of at least 71 pixels (Keras' minimum), found " +
                std::to_string(input.size(2)) + "x" + std::to_string(input.size(3)));
  }
  torch::NoGradGuard no_grad;
  torch::Tensor x = input.to(impl_->device, impl_->dtype);
  return impl_->net.forward_features(x).to(torch::kFloat32).contiguous();
}

torch::Tensor Model::embed(const torch::Tensor& input) const {
  torch::NoGradGuard no_grad;
  torch::Tensor f = features(input);
  const int64_t n = f.size(0), c = f.size(1), hw = f.size(2) * f.size(3);
  if (on_device_kernels(impl_->device)) {
    KernelStream stream(impl_->device);
    torch::Tensor pooled = torch::empty({n, c}, f.options());
    check(xfer_head_pool_cuda(f.data_ptr<float>(), n, c, hw, pooled.data_ptr<float>(), stream.get()), "xfer_head_pool_cuda");
    return pooled;
  }
  f = f.cpu();
  torch::Tensor pooled = torch::empty({n, c}, torch::kFloat32);
  check(xfer_head_pool_cpu(f.data_ptr<float>(), n, c, hw, pooled.data_ptr<float>()), "xfer_head_pool_cpu");
  return pooled.to(impl_->device);
}

torch::Tensor Model::predict(const torch::Tensor& input) const {
  const detail::Xception& net = impl_->net;
  if (!net.has_classifier()) throw Error(impl_->file + ": predict: the model has no classifier (0 classes)");
  torch::NoGradGuard no_grad;
  torch::Tensor f = features(input);
  const int64_t n = f.size(0), c = f.size(1), hw = f.size(2) * f.size(3), k = net.fc_weight().size(0);
  if (on_device_kernels(impl_->device)) {
    KernelStream stream(impl_->device);
    torch::Tensor probs = torch::empty({n, k}, f.options());
    check(xfer_head_forward_cuda(f.data_ptr<float>(), net.fc_weight().data_ptr<float>(), net.fc_bias().data_ptr<float>(),
                                 n, c, hw, k, probs.data_ptr<float>(), stream.get()),
          "xfer_head_forward_cuda");
    return probs;
  }
  f = f.cpu();
  torch::Tensor weight = net.fc_weight().cpu();
  torch::Tensor bias = net.fc_bias().cpu();
  torch::Tensor probs = torch::empty({n, k}, torch::kFloat32);
  check(xfer_head_forward_cpu(f.data_ptr<float>(), weight.data_ptr<float>(), bias.data_ptr<float>(), n, c, hw, k,
                              probs.data_ptr<float>()),
        "xfer_head_forward_cpu");
  return probs.to(impl_->device);
}

torch::Tensor Model::embed(const std::vector<Image>& images) const { return embed(preprocess(images)); }

torch::Tensor Model::predict(const std::vector<Image>& images) const { return predict(preprocess(images)); }

namespace {
std::vector<float> to_vector(const torch::Tensor& row) {
  torch::Tensor t = row.reshape({-1}).cpu().contiguous();
  return std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
}
}  // namespace

std::vector<float> Model::embed(const Image& image) const { return to_vector(embed(std::vector<Image>{image})); }

std::vector<float> Model::predict(const Image& image) const { return to_vector(predict(std::vector<Image>{image})); }

}  // namespace xfer
