// The C ABI of xfer/embed.h over xfer::Model: exceptions become -1 / NULL plus a thread-local message.
#include <cstring>
#include <string>

#include "xfer/embed.h"
#include "xfer/embed.hpp"

struct xfer_model {
  xfer::Model model;
};

namespace {

thread_local std::string last_error;

template <typename F>
int guarded(F&& f) {
  try {
    f();
    last_error.clear();
    return 0;
  } catch (const std::exception& e) {
    last_error = e.what();
  } catch (...) {
    last_error = "unknown C++ exception";
  }
  return -1;
}

std::vector<xfer::Image> images_of(const uint8_t* const* images, const int32_t* heights, const int32_t* widths, int32_t n) {
  if (images == nullptr || heights == nullptr || widths == nullptr) {
    throw xfer::Error("images, heights, widths: expected three arrays of n entries, found NULL");
  }
  if (n < 1) throw xfer::Error("n: expected at least 1 image, found " + std::to_string(n));
  std::vector<xfer::Image> out(n);
  for (int32_t i = 0; i < n; i++) out[i] = xfer::Image{images[i], heights[i], widths[i]};
  return out;
}

void copy_out(const torch::Tensor& t, float* out) {
  torch::Tensor host = t.cpu().contiguous();
  std::memcpy(out, host.data_ptr<float>(), sizeof(float) * host.numel());
}

}  // namespace

extern "C" {

xfer_model* xfer_model_open(const char* path, const char* device) {
  xfer_model* handle = nullptr;
  guarded([&] {
    if (path == nullptr) throw xfer::Error("path: expected a model file, found NULL");
    xfer::ModelOptions options;
    options.device = torch::Device(device == nullptr ? "cpu" : device);
    handle = new xfer_model{xfer::Model::open(path, options)};
  });
  return handle;
}

void xfer_model_close(xfer_model* model) { delete model; }

int32_t xfer_model_image_size(const xfer_model* model) { return model ? model->model.info().image_size : 0; }

int64_t xfer_model_feature_channels(const xfer_model* model) { return model ? model->model.info().feature_channels : 0; }

int32_t xfer_model_num_classes(const xfer_model* model) { return model ? model->model.info().num_classes : 0; }

const char* xfer_model_class_name(const xfer_model* model, int32_t k) {
  if (model == nullptr) return nullptr;
  const auto& names = model->model.info().class_names;
  return k >= 0 && k < static_cast<int32_t>(names.size()) ? names[k].c_str() : nullptr;
}

int xfer_model_embed(const xfer_model* model, const uint8_t* const* images, const int32_t* heights,
                     const int32_t* widths, int32_t n, float* out) {
  return guarded([&] {
    if (model == nullptr || out == nullptr) throw xfer::Error("xfer_model_embed: model and out must not be NULL");
    copy_out(model->model.embed(images_of(images, heights, widths, n)), out);
  });
}

int xfer_model_predict(const xfer_model* model, const uint8_t* const* images, const int32_t* heights,
                       const int32_t* widths, int32_t n, float* out) {
  return guarded([&] {
    if (model == nullptr || out == nullptr) throw xfer::Error("xfer_model_predict: model and out must not be NULL");
    copy_out(model->model.predict(images_of(images, heights, widths, n)), out);
  });
}

const char* xfer_last_error(void) { return last_error.c_str(); }

}  // extern "C"
