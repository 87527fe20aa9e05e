// What a safetensors file describes, from its __metadata__ (xfer model file, "xfer.*" keys) or, for a
// timm legacy_xception state dict, from its tensor names and shapes.
#ifndef XFER_EMBED_MODEL_FILE_HPP
#define XFER_EMBED_MODEL_FILE_HPP

#include <string>

#include "safetensors.hpp"
#include "xfer/embed.hpp"

namespace xfer::detail {

/** The value "xfer.format" must have. */
constexpr const char* kModelFormat = "xfer-model/1";

/**
 * Architecture, numerics, preprocessing and class names of `file`. An xfer model file's metadata is
 * parsed strictly (every key present, numbers whole, numerics "keras" or "timm"); a file without
 * "xfer.format" is read as timm legacy_xception (timm numerics, 299 px, mean = std = 0.5 on [0, 1]).
 * `numerics` ("" or "keras"/"timm") replaces the file's BN epsilon and pooling convention.
 */
ModelInfo describe(const SafeTensorsFile& file, const std::string& numerics);

/** xfer's channel rule: full-width channels scaled, rounded to a multiple of 8 (half up), at least 8. */
int64_t scaled_channels(int64_t full_width_channels, double width_multiplier);

}  // namespace xfer::detail

#endif  // XFER_EMBED_MODEL_FILE_HPP
