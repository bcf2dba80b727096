// The exact size of an optimizer's persistent state: what it keeps between steps, not its temporaries.
#pragma once

#include <torch/optim/optimizer.h>

#include <cstdint>

namespace limuon {

// Sum over every parameter's state of its tensors' bytes plus 8 bytes per int64 counter (step, seed).
// Knows LiMuon, Muon and LibTorch's Adam, AdamW, SGD, RMSprop and Adagrad; throws
// std::invalid_argument for a state type it cannot count rather than guessing.
int64_t state_bytes(const torch::optim::Optimizer& optimizer);

// Number of defined state tensors: for the memory tests' "no hidden buffers" check.
int64_t state_tensor_count(const torch::optim::Optimizer& optimizer);

}  // namespace limuon
