// What a parameter's optimizer state holds between steps, so limuon::state_bytes can count it exactly.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace limuon {

class PersistentState {
 public:
  virtual ~PersistentState() = default;
  virtual std::vector<at::Tensor> tensors() const = 0;  // the defined state tensors
  virtual int64_t counters() const = 0;                 // int64 scalars kept beside them
};

}  // namespace limuon
