// NumPy .npy files (format 1.0/2.0, little-endian, C order) of uint8 or float32, for the tests,
// the example and the benchmark: read into a CPU tensor, write a float32 tensor.
#ifndef XFER_EMBED_NPY_HPP
#define XFER_EMBED_NPY_HPP

#include <torch/torch.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <string>

#include "xfer/embed.hpp"

namespace xfer::npy {

inline torch::Tensor read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw Error(path + ": not a .npy file");
  uint32_t header_len = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | (b[1] << 8);
  } else {
    unsigned char b[4];
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t(b[3]) << 24);
  }
  std::string header(header_len, '\0');
  in.read(header.data(), header_len);
  std::smatch descr, order, shape;
  if (!std::regex_search(header, descr, std::regex("'descr':\\s*'([^']*)'")) ||
      !std::regex_search(header, order, std::regex("'fortran_order':\\s*(True|False)")) ||
      !std::regex_search(header, shape, std::regex("'shape':\\s*\\(([^)]*)\\)"))) {
    throw Error(path + ": unreadable .npy header: " + header);
  }
  if (order[1] == "True") throw Error(path + ": expected C order, found Fortran order");
  torch::ScalarType type;
  if (descr[1] == "|u1" || descr[1] == "<u1") {
    type = torch::kUInt8;
  } else if (descr[1] == "<f4") {
    type = torch::kFloat32;
  } else {
    throw Error(path + ": expected uint8 (|u1) or float32 (<f4), found " + descr[1].str());
  }
  std::vector<int64_t> dims;
  std::string s = shape[1];
  std::regex number("\\d+");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), number); it != std::sregex_iterator(); ++it) {
    dims.push_back(std::stoll(it->str()));
  }
  torch::Tensor t = torch::empty(dims, type);
  in.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(t.nbytes()));
  if (!in) throw Error(path + ": the data is shorter than its shape says");
  return t;
}

inline void write_float32(const std::string& path, const torch::Tensor& tensor) {
  torch::Tensor t = tensor.to(torch::kCPU, torch::kFloat32).contiguous();
  std::string shape;
  for (int64_t d : t.sizes()) shape += std::to_string(d) + ", ";
  if (t.dim() > 1) shape.erase(shape.size() - 1);  // "(2, 3)" but "(2,)"
  if (t.dim() > 1) shape.erase(shape.size() - 1);
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ').push_back('\n');
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  char len[2] = {static_cast<char>(header.size() & 0xFF), static_cast<char>(header.size() >> 8)};
  out.write(len, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.nbytes()));
  if (!out) throw Error(path + ": cannot write");
}

}  // namespace xfer::npy

#endif  // XFER_EMBED_NPY_HPP
