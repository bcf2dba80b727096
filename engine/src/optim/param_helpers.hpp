// Pieces shared by the Muon and LiMuon steps: matrix views, the AdamW rule of their AdamW groups,
// a finiteness check and option serialization helpers. Private to the engine.
#pragma once

#include <ATen/ATen.h>
#include <torch/optim/optimizer.h>
#include <torch/optim/serialize.h>
#include <torch/serialize/archive.h>

#include <memory>
#include <string>
#include <vector>

#include "limuon/optim/optim_types.hpp"

namespace limuon::detail {

// Conv kernels (out, in, kh, kw) are trained as the (out, in*kh*kw) matrix they act as.
at::Tensor as_matrix(const at::Tensor& t);

// The key LibTorch's Optimizer uses for a parameter's state.
std::string state_key(const at::Tensor& p);

// Decoupled AdamW, the same operations in the same order as torch::optim::AdamW so that results match
// bit for bit: p <- p (1 - lr wd); m, v EMAs; p <- p - lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps).
void adamw_update(at::Tensor& p, const at::Tensor& grad, at::Tensor& exp_avg, at::Tensor& exp_avg_sq,
                  int64_t step, double lr, const AdamWBetas& betas, double eps, double weight_decay);

// One AdamW step for a parameter of an AdamW group, creating its state on first use. State is LiMuon's
// or Muon's param state (both have step, exp_avg, exp_avg_sq); Options has lr, weight_decay, adamw_*.
template <typename State, typename Options, typename StateMap>
void adamw_group_step(at::Tensor& p, StateMap& states, const Options& o) {
  const std::string key = state_key(p);
  auto found = states.find(key);
  if (found == states.end()) {
    auto fresh = std::make_unique<State>();
    fresh->exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
    fresh->exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
    found = states.emplace(key, std::move(fresh)).first;
  }
  auto& st = static_cast<State&>(*found->second);
  st.step(st.step() + 1);
  adamw_update(p, p.grad(), st.exp_avg(), st.exp_avg_sq(), st.step(), o.lr(), o.adamw_betas(), o.adamw_eps(),
               o.weight_decay());
}

// Option (de)serialization: one key per field.
void write_value(torch::serialize::OutputArchive& archive, const std::string& key, const c10::IValue& value);
double read_double(torch::serialize::InputArchive& archive, const std::string& key, double fallback);
int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key, int64_t fallback);
void write_tensor_if_defined(torch::serialize::OutputArchive& archive, const std::string& key, const at::Tensor& t);
at::Tensor read_tensor_if_present(torch::serialize::InputArchive& archive, const std::string& key);


// The option fields Muon and LiMuon share, one archive key each.
template <typename Options>
void write_shared_options(torch::serialize::OutputArchive& archive, const Options& o) {
  write_value(archive, "lr", o.lr());
  write_value(archive, "polar", static_cast<int64_t>(o.polar()));
  write_value(archive, "ns_steps", o.ns_steps());
  write_value(archive, "ns_a", std::get<0>(o.ns_coefficients()));
  write_value(archive, "ns_b", std::get<1>(o.ns_coefficients()));
  write_value(archive, "ns_c", std::get<2>(o.ns_coefficients()));
  write_value(archive, "weight_decay", o.weight_decay());
  write_value(archive, "lr_scale", static_cast<int64_t>(o.lr_scale()));
  write_value(archive, "adamw", static_cast<int64_t>(o.adamw()));
  write_value(archive, "adamw_beta1", std::get<0>(o.adamw_betas()));
  write_value(archive, "adamw_beta2", std::get<1>(o.adamw_betas()));
  write_value(archive, "adamw_eps", o.adamw_eps());
}

// Reads them back; a missing key keeps the default of a fresh Options.
template <typename Options>
void read_shared_options(torch::serialize::InputArchive& archive, Options& o) {
  const Options d;
  o.lr(read_double(archive, "lr", d.lr()));
  o.polar(static_cast<Polar>(read_int(archive, "polar", static_cast<int64_t>(d.polar()))));
  o.ns_steps(read_int(archive, "ns_steps", d.ns_steps()));
  o.ns_coefficients({read_double(archive, "ns_a", std::get<0>(d.ns_coefficients())),
                     read_double(archive, "ns_b", std::get<1>(d.ns_coefficients())),
                     read_double(archive, "ns_c", std::get<2>(d.ns_coefficients()))});
  o.weight_decay(read_double(archive, "weight_decay", d.weight_decay()));
  o.lr_scale(static_cast<LrScale>(read_int(archive, "lr_scale", static_cast<int64_t>(d.lr_scale()))));
  o.adamw(read_int(archive, "adamw", 0) != 0);
  o.adamw_betas({read_double(archive, "adamw_beta1", std::get<0>(d.adamw_betas())),
                 read_double(archive, "adamw_beta2", std::get<1>(d.adamw_betas()))});
  o.adamw_eps(read_double(archive, "adamw_eps", d.adamw_eps()));
}

// LibTorch 1.13's optimizer loader reads the saved group options but drops them: put them back, so a
// resumed run keeps its learning rates (schedulers included) and modes, as PyTorch's load_state_dict does.
template <typename Options>
void restore_group_options(torch::serialize::InputArchive& archive,
                           std::vector<torch::optim::OptimizerParamGroup>& groups) {
  torch::serialize::InputArchive groups_archive;
  archive.read("param_groups", groups_archive);
  std::vector<std::pair<std::vector<std::string>, std::unique_ptr<torch::optim::OptimizerOptions>>> saved;
  torch::optim::detail::serialize<Options>(groups_archive, saved);
  TORCH_CHECK(saved.size() == groups.size(), "checkpoint has ", saved.size(), " parameter groups, the optimizer ",
              groups.size());
  for (size_t i = 0; i < groups.size(); ++i) groups[i].set_options(std::move(saved[i].second));
}

// Non-contiguous gradients (rare: autograd follows the parameter's layout) are made contiguous so the
// in-place matrix views work.
void make_grads_contiguous(std::vector<torch::optim::OptimizerParamGroup>& groups);

// The defined gradients of every parameter, in group order.
std::vector<at::Tensor> defined_grads(const std::vector<torch::optim::OptimizerParamGroup>& groups);

// True when no tensor holds NaN or Inf. From each tensor's minimum and maximum (NaN propagates through
// both): unlike a sum, this cannot overflow on large finite entries, and it allocates nothing m x n.
bool all_finite(const std::vector<at::Tensor>& tensors);

}  // namespace limuon::detail
