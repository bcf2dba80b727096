#include "param_helpers.hpp"

#include <c10/util/string_utils.h>

#include <cmath>

namespace limuon::detail {

at::Tensor as_matrix(const at::Tensor& t) {
  TORCH_CHECK(t.dim() >= 2, "as_matrix needs at least 2 dimensions, got shape ", t.sizes());
  TORCH_CHECK(t.is_contiguous(), "as_matrix needs a contiguous tensor (the update is applied in place)");
  return t.dim() == 2 ? t : t.view({t.size(0), -1});
}

std::string state_key(const at::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }

void adamw_update(at::Tensor& p, const at::Tensor& grad, at::Tensor& exp_avg, at::Tensor& exp_avg_sq,
                  int64_t step, double lr, const AdamWBetas& betas, double eps, double weight_decay) {
  const auto [beta1, beta2] = betas;
  if (weight_decay != 0) p.mul_(1 - lr * weight_decay);
  exp_avg.mul_(beta1).add_(grad, 1 - beta1);
  exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
  const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(step));
  const at::Tensor denom = (exp_avg_sq.sqrt() / std::sqrt(bias_correction2)).add_(eps);
  p.addcdiv_(exp_avg, denom, -lr / bias_correction1);
}

void make_grads_contiguous(std::vector<torch::optim::OptimizerParamGroup>& groups) {
  for (auto& group : groups)
    for (auto& p : group.params())
      if (p.grad().defined() && !p.grad().is_contiguous()) p.mutable_grad() = p.grad().contiguous();
}

std::vector<at::Tensor> defined_grads(const std::vector<torch::optim::OptimizerParamGroup>& groups) {
  std::vector<at::Tensor> grads;
  for (const auto& group : groups)
    for (const auto& p : group.params())
      if (p.grad().defined()) grads.push_back(p.grad());
  return grads;
}

bool all_finite(const std::vector<at::Tensor>& tensors) {
  if (tensors.empty()) return true;
  std::vector<at::Tensor> extremes;
  extremes.reserve(2 * tensors.size());
  for (const auto& t : tensors) {
    if (t.numel() == 0) continue;
    auto [lo, hi] = at::aminmax(t);
    extremes.push_back(lo.to(at::kDouble).reshape({1}));
    extremes.push_back(hi.to(at::kDouble).reshape({1}));
  }
  return extremes.empty() || at::isfinite(at::cat(extremes)).all().item<bool>();
}

void write_value(torch::serialize::OutputArchive& archive, const std::string& key, const c10::IValue& value) {
  archive.write(key, value);
}

double read_double(torch::serialize::InputArchive& archive, const std::string& key, double fallback) {
  c10::IValue value;
  return archive.try_read(key, value) ? value.toDouble() : fallback;
}

int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key, int64_t fallback) {
  c10::IValue value;
  return archive.try_read(key, value) ? value.toInt() : fallback;
}

void write_tensor_if_defined(torch::serialize::OutputArchive& archive, const std::string& key, const at::Tensor& t) {
  if (t.defined()) archive.write(key, t, /*is_buffer=*/true);
}

at::Tensor read_tensor_if_present(torch::serialize::InputArchive& archive, const std::string& key) {
  at::Tensor t;
  if (!archive.try_read(key, t, /*is_buffer=*/true)) return {};
  return t;
}

}  // namespace limuon::detail
