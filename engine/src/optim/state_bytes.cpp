#include "limuon/optim/state_bytes.hpp"

#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include <stdexcept>
#include <typeinfo>
#include <vector>

#include "limuon/optim/persistent_state.hpp"

namespace limuon {
namespace {

struct Census {
  std::vector<at::Tensor> tensors;
  int64_t counters = 0;
};

void add_defined(Census& census, std::initializer_list<const at::Tensor*> tensors) {
  for (const auto* t : tensors)
    if (t->defined()) census.tensors.push_back(*t);
}

Census take_census(const torch::optim::Optimizer& optimizer) {
  using namespace torch::optim;
  Census census;
  for (const auto& [key, state] : optimizer.state()) {
    const OptimizerParamState* s = state.get();
    if (const auto* ours = dynamic_cast<const PersistentState*>(s)) {
      for (auto& t : ours->tensors()) census.tensors.push_back(t);
      census.counters += ours->counters();
    } else if (const auto* a = dynamic_cast<const AdamWParamState*>(s)) {
      add_defined(census, {&a->exp_avg(), &a->exp_avg_sq(), &a->max_exp_avg_sq()});
      census.counters += 1;
    } else if (const auto* a = dynamic_cast<const AdamParamState*>(s)) {
      add_defined(census, {&a->exp_avg(), &a->exp_avg_sq(), &a->max_exp_avg_sq()});
      census.counters += 1;
    } else if (const auto* g = dynamic_cast<const SGDParamState*>(s)) {
      add_defined(census, {&g->momentum_buffer()});
    } else if (const auto* r = dynamic_cast<const RMSpropParamState*>(s)) {
      add_defined(census, {&r->square_avg(), &r->momentum_buffer(), &r->grad_avg()});
      census.counters += 1;
    } else if (const auto* d = dynamic_cast<const AdagradParamState*>(s)) {
      add_defined(census, {&d->sum()});
      census.counters += 1;
    } else {
      throw std::invalid_argument(std::string("state_bytes: unknown optimizer state type ") + typeid(*s).name());
    }
  }
  return census;
}

}  // namespace

int64_t state_bytes(const torch::optim::Optimizer& optimizer) {
  const Census census = take_census(optimizer);
  int64_t bytes = census.counters * static_cast<int64_t>(sizeof(int64_t));
  for (const auto& t : census.tensors) bytes += static_cast<int64_t>(t.nbytes());
  return bytes;
}

int64_t state_tensor_count(const torch::optim::Optimizer& optimizer) {
  return static_cast<int64_t>(take_census(optimizer).tensors.size());
}

}  // namespace limuon
