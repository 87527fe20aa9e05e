#include "safetensors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "xfer/embed.hpp"

namespace xfer::detail {
namespace {

using Json = nlohmann::ordered_json;

struct DType {
  const char* name;
  torch::ScalarType type;
  int64_t bytes;
};

constexpr DType kDTypes[] = {
    {"F32", torch::kFloat32, 4}, {"F16", torch::kFloat16, 2}, {"BF16", torch::kBFloat16, 2},
    {"F64", torch::kFloat64, 8}, {"I64", torch::kInt64, 8},   {"I32", torch::kInt32, 4},
    {"U8", torch::kUInt8, 1}};

struct Entry {
  std::string name;
  const DType* dtype;
  std::vector<int64_t> shape;
  uint64_t begin, end;
};

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string kind(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  return "a number";
}

bool valid_utf8(const std::string& s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; k++) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // overlong forms, surrogates and values past U+10FFFF are not UTF-8
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += len;
  }
  return true;
}

/** A JSON array of non-negative integers, of `length` elements unless length < 0. */
std::vector<uint64_t> naturals(const std::string& file, const Json& v, int length, const std::string& what) {
  if (!v.is_array()) fail(file, what + " is not a JSON array (found " + kind(v) + ")");
  if (length >= 0 && static_cast<int>(v.size()) != length) {
    fail(file, what + " has " + std::to_string(v.size()) + " elements, expected " + std::to_string(length));
  }
  std::vector<uint64_t> out;
  for (const Json& e : v) {
    if (!e.is_number_unsigned()) fail(file, what + " element " + e.dump() + " is not a non-negative integer");
    out.push_back(e.get<uint64_t>());
  }
  return out;
}

Entry entry(const std::string& file, const std::string& name, const Json& v, uint64_t data_size) {
  std::string at = "tensor '" + name + "': ";
  if (!v.is_object()) fail(file, at + "entry is not a JSON object (found " + kind(v) + ")");
  for (const char* key : {"dtype", "shape", "data_offsets"}) {
    if (!v.contains(key)) fail(file, at + "no \"" + key + "\"");
  }
  const Json& dtype_value = v["dtype"];
  if (!dtype_value.is_string()) fail(file, at + "dtype is not a string (found " + kind(dtype_value) + ")");
  std::string dtype_name = dtype_value.get<std::string>();
  const DType* dtype = nullptr;
  std::string supported;
  for (const DType& d : kDTypes) {
    if (dtype_name == d.name) dtype = &d;
    supported += (supported.empty() ? "" : ", ") + std::string(d.name);
  }
  if (dtype == nullptr) fail(file, at + "unsupported dtype \"" + dtype_name + "\" (supported: [" + supported + "])");
  std::vector<uint64_t> dims = naturals(file, v["shape"], -1, at + "shape");
  std::vector<uint64_t> offsets = naturals(file, v["data_offsets"], 2, at + "data_offsets");
  std::string offset_text = "data_offsets [" + std::to_string(offsets[0]) + ", " + std::to_string(offsets[1]) + "]";
  if (offsets[0] > offsets[1]) fail(file, at + offset_text + " are reversed");
  if (offsets[1] > data_size) {
    fail(file, at + offset_text + " are past the end of the data section (" + std::to_string(data_size) + " bytes)");
  }
  // element count, saturating: a shape whose size overflows can never match the bytes given
  uint64_t bytes = offsets[1] - offsets[0];
  uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t numel = 1;
  std::vector<int64_t> shape;
  for (uint64_t d : dims) {
    numel = (d != 0 && numel > limit / d) ? limit + 1 : numel * d;
    if (numel > limit) numel = limit + 1;
    shape.push_back(d > limit ? -1 : static_cast<int64_t>(d));
  }
  uint64_t size = static_cast<uint64_t>(dtype->bytes);
  if (numel > bytes / size || numel * size != bytes) {
    std::string needed = numel <= limit / size ? std::to_string(numel * size) : "more than 2^63";
    std::ostringstream dims_text;
    for (size_t i = 0; i < dims.size(); i++) dims_text << (i ? ", " : "") << dims[i];
    fail(file, at + offset_text + " hold " + std::to_string(bytes) + " bytes but shape (" + dims_text.str() +
                   ") of " + dtype->name + " needs " + needed);
  }
  return Entry{name, dtype, shape, offsets[0], offsets[1]};
}

}  // namespace

void fail(const std::string& file, const std::string& detail) { throw Error(file + ": " + detail); }

std::string shape_string(const std::vector<int64_t>& shape) {
  std::ostringstream s;
  s << '(';
  for (size_t i = 0; i < shape.size(); i++) s << (i ? ", " : "") << shape[i];
  s << (shape.size() == 1 ? ",)" : ")");
  return s.str();
}

SafeTensorsFile read_safetensors(const std::string& path) {
  SafeTensorsFile out;
  out.name = base_name(path);
  const std::string& file = out.name;
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open the file (" + std::string(std::strerror(errno)) + ")");
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  if (size == 0) fail(file, "the file is empty");
  if (size < 8) fail(file, "the file is " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
  unsigned char length_bytes[8];
  in.read(reinterpret_cast<char*>(length_bytes), 8);
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = (n << 8) | length_bytes[i];  // little-endian on any host
  if (n == 0) fail(file, "header length 0 is invalid (the smallest header, {}, is 2 bytes)");
  if (n > size - 8) {
    fail(file, "header length " + std::to_string(n) + " is past the end of the file (" + std::to_string(size) + " bytes)");
  }
  if (n > kMaxHeaderBytes) {
    fail(file, "header length " + std::to_string(n) + " exceeds the limit of " + std::to_string(kMaxHeaderBytes) + " bytes");
  }
  std::string text(n, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(n))) fail(file, "cannot read the header");
  if (!valid_utf8(text)) fail(file, "the header is not valid UTF-8");
  Json header;
  try {
    header = Json::parse(text);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    size_t colon = what.find("syntax error");  // nlohmann: "[json.exception.parse_error.101] parse error at ..."
    fail(file, "the header is not valid JSON: " + (colon == std::string::npos ? what : what.substr(colon)));
  }
  if (!header.is_object()) fail(file, "the header is not a JSON object (found " + kind(header) + ")");

  const uint64_t data_start = 8 + n;
  const uint64_t data_size = size - data_start;
  std::vector<Entry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) fail(file, "__metadata__ is not a JSON object (found " + kind(value) + ")");
      for (const auto& [mk, mv] : value.items()) {
        if (!mv.is_string()) fail(file, "__metadata__ value of '" + mk + "' is not a string (found " + kind(mv) + ")");
        out.metadata[mk] = mv.get<std::string>();
      }
    } else {
      entries.push_back(entry(file, key, value, data_size));
    }
  }
  // no byte may belong to two tensors
  std::vector<const Entry*> by_offset;
  for (const Entry& e : entries) {
    if (e.end > e.begin) by_offset.push_back(&e);
  }
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry* a, const Entry* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_offset.size(); i++) {
    const Entry& a = *by_offset[i - 1];
    const Entry& b = *by_offset[i];
    if (b.begin < a.end) {
      fail(file, "tensors '" + a.name + "' [" + std::to_string(a.begin) + ", " + std::to_string(a.end) + ") and '" +
                     b.name + "' [" + std::to_string(b.begin) + ", " + std::to_string(b.end) +
                     ") overlap (data_offsets)");
    }
  }
  for (const Entry& e : entries) {
    torch::Tensor raw = torch::empty(e.shape, torch::TensorOptions().dtype(e.dtype->type));
    in.seekg(static_cast<std::streamoff>(data_start + e.begin));
    if (!in.read(static_cast<char*>(raw.data_ptr()), static_cast<std::streamsize>(e.end - e.begin))) {
      fail(file, "tensor '" + e.name + "': cannot read its " + std::to_string(e.end - e.begin) + " bytes");
    }
    out.tensors.emplace_back(e.name, raw.to(torch::kFloat32));
  }
  return out;
}

}  // namespace xfer::detail
