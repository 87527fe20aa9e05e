// safetensors reading (huggingface/safetensors format): an 8-byte little-endian header length N, N
// bytes of UTF-8 JSON, then the tensors' bytes. The header maps each tensor name to
// {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]} (offsets from the first byte after
// the header) and may hold "__metadata__", a string-to-string object.
#ifndef XFER_EMBED_SAFETENSORS_HPP
#define XFER_EMBED_SAFETENSORS_HPP

#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace xfer::detail {

/** Largest header accepted, as in the reference implementation. */
constexpr uint64_t kMaxHeaderBytes = 100ull * 1000 * 1000;

struct SafeTensorsFile {
  std::string name;                                 // the file's name, for messages
  std::map<std::string, std::string> metadata;      // __metadata__ (empty when absent)
  std::vector<std::pair<std::string, torch::Tensor>> tensors;  // float32, CPU, header order
};

/**
 * Reads every tensor as float32 (F32, F16, BF16, F64, I64, I32 and U8 are converted). The whole
 * header is validated before any tensor data is read: header length, UTF-8, JSON object, each entry's
 * dtype/shape/data_offsets, offsets inside the data section, consistent with shape and dtype, and not
 * overlapping. Throws xfer::Error("<file name>: <what was wrong>").
 */
SafeTensorsFile read_safetensors(const std::string& path);

/** "<file name>: <detail>" as an xfer::Error. */
[[noreturn]] void fail(const std::string& file, const std::string& detail);

/** "(2, 3)" */
std::string shape_string(const std::vector<int64_t>& shape);

}  // namespace xfer::detail

#endif  // XFER_EMBED_SAFETENSORS_HPP
