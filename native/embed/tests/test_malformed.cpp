// Malformed model files are refused with one line that names the file and what was wrong: hand-built
// safetensors headers (the cases of xfer's Java SafeTensorsMalformedTest), a truncated model file, a
// missing or misshapen tensor, and bad xfer metadata.
//
//   test_embed_malformed MODEL   (a good xfer model file, from which the model-level cases are cut)
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "xfer/embed.hpp"

// The test files live in a fresh temporary folder, made and removed with POSIX calls: PyTorch's wheels
// export their own copy of std::filesystem from libtorch.so, and on such a build remove_all crashed here.

namespace {

int failures = 0;
std::string dir;
std::vector<std::string> written;

std::string filename_of(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

std::string read_all(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string write(const std::string& name, const std::string& bytes) {
  std::string p = dir + "/" + name;
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  written.push_back(p);
  return p;
}

std::string le64(uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; i++) s[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return s;
}

/** A safetensors file: length, header, `data` bytes (12 zero bytes unless given). */
std::string file_with(const std::string& header, const std::string& data = std::string(12, '\0')) {
  return le64(header.size()) + header + data;
}

void expect_refused(const std::string& file, const std::string& expected) {
  try {
    xfer::Model::open(file);
    std::printf("FAIL %s: opened, expected \"%s\"\n", filename_of(file).c_str(), expected.c_str());
    failures++;
  } catch (const xfer::Error& e) {
    std::string msg = e.what();
    std::string want = filename_of(file) + ": " + expected;
    bool ok = msg.rfind(want, 0) == 0 && msg.find('\n') == std::string::npos;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", msg.c_str());
    if (!ok) {
      std::printf("     expected a message starting with: %s\n", want.c_str());
      failures++;
    }
  }
}

std::string entry(const std::string& name, const std::string& body) { return "{\"" + name + "\":{" + body + "}}"; }

/** The model file with its header replaced by `edit(header)` (data unchanged). */
std::string with_header(const std::string& model, void (*edit)(nlohmann::ordered_json&)) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = (n << 8) | static_cast<unsigned char>(model[i]);
  auto header = nlohmann::ordered_json::parse(model.substr(8, n));
  edit(header);
  return file_with(header.dump(), model.substr(8 + n));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODEL.safetensors\n", argv[0]);
    return 2;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/xfer-embed-malformed-XXXXXX";
  if (!::mkdtemp(pattern.data())) {
    std::perror(pattern.c_str());
    return 2;
  }
  dir = pattern;

  const std::pair<std::string, std::string> headers[] = {
      {"[1, 2]", "the header is not a JSON object (found an array)"},
      {"{\"a\": ", "the header is not valid JSON"},
      {"{\"a\": {\"dtype\": \"F32\",}}", "the header is not valid JSON"},
      {"{\"w\": 5}", "tensor 'w': entry is not a JSON object (found a number)"},
      {entry("w", "\"shape\":[3],\"data_offsets\":[0,12]"), "tensor 'w': no \"dtype\""},
      {entry("w", "\"dtype\":\"F32\",\"data_offsets\":[0,12]"), "tensor 'w': no \"shape\""},
      {entry("w", "\"dtype\":\"F32\",\"shape\":[3]"), "tensor 'w': no \"data_offsets\""},
      {entry("w", "\"dtype\":\"F8_E4M3\",\"shape\":[3],\"data_offsets\":[0,3]"),
       "tensor 'w': unsupported dtype \"F8_E4M3\" (supported: [F32, F16, BF16, F64, I64, I32, U8])"},
      {entry("w", "\"dtype\":7,\"shape\":[3],\"data_offsets\":[0,12]"), "tensor 'w': dtype is not a string (found a number)"},
      {entry("w", "\"dtype\":\"F32\",\"shape\":[-3],\"data_offsets\":[0,12]"),
       "tensor 'w': shape element -3 is not a non-negative integer"},
      {entry("w", "\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,12]"),
       "tensor 'w': shape element 1.5 is not a non-negative integer"},
      {entry("w", "\"dtype\":\"F32\",\"shape\":\"3\",\"data_offsets\":[0,12]"),
       "tensor 'w': shape is not a JSON array (found a string)"},
      {entry("w", "\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0]"), "tensor 'w': data_offsets has 1 elements, expected 2"},
      {entry("w", "\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[12,0]"), "tensor 'w': data_offsets [12, 0] are reversed"},
      {entry("w", "\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,400]"),
       "tensor 'w': data_offsets [0, 400] are past the end of the data section (12 bytes)"},
      {entry("w", "\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]"),
       "tensor 'w': data_offsets [0, 12] hold 12 bytes but shape (2, 2) of F32 needs 16"},
      {entry("w", "\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,12]"),
       "tensor 'w': data_offsets [0, 12] hold 12 bytes but shape (4294967296, 4294967296) of F32 needs more than 2^63"},
      {"{\"__metadata__\": {\"k\": 1}}", "__metadata__ value of 'k' is not a string (found a number)"},
      {"{\"__metadata__\": [\"k\"]}", "__metadata__ is not a JSON object (found an array)"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
       "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
       "tensors 'a' [0, 12) and 'b' [4, 12) overlap (data_offsets)"},
      {"{\"__metadata__\": {\"xfer.format\": \"xfer-model/9\"}}", "expected xfer.format = xfer-model/1, found \"xfer-model/9\""},
      {entry("w", "\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]"),
       "not an xfer model file (no \"xfer.format\" metadata) nor a timm legacy_xception state dict"},
  };
  for (const auto& [header, message] : headers) expect_refused(write("bad.safetensors", file_with(header)), message);

  expect_refused(write("empty.safetensors", ""), "the file is empty");
  expect_refused(write("five.safetensors", "12345"), "the file is 5 bytes, shorter than the 8-byte header length");
  expect_refused(write("long.safetensors", le64(9999999999ull) + std::string(1226, ' ')),
                 "header length 9999999999 is past the end of the file (1234 bytes)");
  expect_refused(write("max.safetensors", le64(~0ull) + "{}"), "header length 18446744073709551615 is past the end of the file (10 bytes)");
  expect_refused(write("zero.safetensors", le64(0) + "{}"), "header length 0 is invalid");
  std::string huge = write("huge.safetensors", le64(100000008));
  if (::truncate(huge.c_str(), 8 + 100000008) != 0) std::perror(huge.c_str());  // sparse: nothing this large is written
  expect_refused(huge, "header length 100000008 exceeds the limit of 100000000 bytes");
  expect_refused(write("latin1.safetensors", file_with("{\"\xe9\": 1}")), "the header is not valid UTF-8");
  try {  // an absent file is named by its full path
    xfer::Model::open(dir + "/absent.safetensors");
    std::printf("FAIL absent.safetensors opened\n");
    failures++;
  } catch (const xfer::Error& e) {
    bool ok = std::string(e.what()).rfind(dir + "/absent.safetensors: cannot open the file", 0) == 0;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", e.what());
    if (!ok) failures++;
  }

  // model-level cases, cut from a good model file
  const std::string model = read_all(argv[1]);
  expect_refused(write("truncated.safetensors", model.substr(0, model.size() / 2)), "tensor '");
  expect_refused(write("no-conv4.safetensors", with_header(model, [](nlohmann::ordered_json& h) { h.erase("conv4.pointwise.weight"); })),
                 "missing tensor 'conv4.pointwise.weight' (expected shape (512, 384, 1, 1))");
  expect_refused(write("bad-shape.safetensors", with_header(model, [](nlohmann::ordered_json& h) {
                   h["fc.bias"]["shape"] = {1, 5};
                 })),
                 "tensor 'fc.bias': expected shape (5,), found (1, 5)");
  expect_refused(write("extra.safetensors", with_header(model, [](nlohmann::ordered_json& h) {
                   h["block9.rep.0.conv1.weight"] = {{"dtype", "F32"}, {"shape", {0}}, {"data_offsets", {0, 0}}};
                 })),
                 "unexpected tensor 'block9.rep.0.conv1.weight'");
  expect_refused(write("numerics.safetensors", with_header(model, [](nlohmann::ordered_json& h) {
                   h["__metadata__"]["xfer.numerics"] = "caffe";
                 })),
                 "bad xfer metadata: xfer.numerics: expected keras or timm, found \"caffe\"");
  expect_refused(write("blocks.safetensors", with_header(model, [](nlohmann::ordered_json& h) {
                   h["__metadata__"]["xfer.middle_blocks"] = "1.5";
                 })),
                 "bad xfer metadata: xfer.middle_blocks: expected a whole number in [0, 64], found \"1.5\"");
  expect_refused(write("no-size.safetensors", with_header(model, [](nlohmann::ordered_json& h) {
                   h["__metadata__"].erase("xfer.image_size");
                 })),
                 "bad xfer metadata: no \"xfer.image_size\"");
  expect_refused(write("classes.safetensors", with_header(model, [](nlohmann::ordered_json& h) {
                   h["__metadata__"]["xfer.class_names"] = "[\"a\"]";
                 })),
                 "bad xfer metadata: xfer.class_names has 1 names, expected xfer.num_classes = 5");
  expect_refused(write("mean.safetensors", with_header(model, [](nlohmann::ordered_json& h) {
                   h["__metadata__"]["xfer.mean"] = "1,1";
                 })),
                 "bad xfer metadata: xfer.mean: expected 3 comma-separated values, found \"1,1\"");
  // the width the metadata states decides every shape
  expect_refused(write("width.safetensors", with_header(model, [](nlohmann::ordered_json& h) {
                   h["__metadata__"]["xfer.width_multiplier"] = "0.5";
                 })),
                 "tensor 'conv1.weight': expected shape (16, 3, 3, 3), found (8, 3, 3, 3)");

  // and the good file opens
  try {
    xfer::Model::open(argv[1]);
    std::printf("ok   %s opens\n", argv[1]);
  } catch (const std::exception& e) {
    std::printf("FAIL %s: %s\n", argv[1], e.what());
    failures++;
  }
  for (const std::string& p : written) ::unlink(p.c_str());
  ::rmdir(dir.c_str());
  std::printf("%s\n", failures ? "FAILED" : "passed");
  return failures ? 1 : 0;
}
