#include "init.hpp"

#include <torch/nn/init.h>

namespace limuon::models {
namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

void init_transformer(torch::nn::Module& model, double std, double residual_std) {
  torch::NoGradGuard no_grad;
  for (auto& item : model.named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor& p = item.value();
    if (ends_with(name, "bias")) {
      p.zero_();
    } else if (p.dim() >= 2) {
      const bool residual = ends_with(name, "proj.weight") || ends_with(name, "down.weight");
      torch::nn::init::normal_(p, 0.0, residual ? residual_std : std);
    }
  }
}

}  // namespace limuon::models
