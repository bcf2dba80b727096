#include "limuon/optim/muon.hpp"

#include <ATen/ATen.h>
#include <torch/serialize/archive.h>

#include <algorithm>
#include <stdexcept>

#include "limuon/linalg/polar.hpp"
#include "option_checks.hpp"
#include "param_helpers.hpp"

namespace limuon {

// [SECTION] options and state serialization

MuonOptions::MuonOptions(double lr) : lr_(lr) {}

void MuonOptions::serialize(torch::serialize::OutputArchive& archive) const {
  detail::write_shared_options(archive, *this);
  detail::write_value(archive, "momentum", momentum());
  detail::write_value(archive, "nesterov", static_cast<int64_t>(nesterov()));
  detail::write_value(archive, "ns_eps", ns_eps());
}

void MuonOptions::serialize(torch::serialize::InputArchive& archive) {
  detail::read_shared_options(archive, *this);
  const MuonOptions d;
  momentum(detail::read_double(archive, "momentum", d.momentum()));
  nesterov(detail::read_int(archive, "nesterov", 1) != 0);
  ns_eps(detail::read_double(archive, "ns_eps", d.ns_eps()));
}

void MuonParamState::serialize(torch::serialize::OutputArchive& archive) const {
  detail::write_value(archive, "step", step());
  detail::write_tensor_if_defined(archive, "momentum_buffer", momentum_buffer());
  detail::write_tensor_if_defined(archive, "exp_avg", exp_avg());
  detail::write_tensor_if_defined(archive, "exp_avg_sq", exp_avg_sq());
}

void MuonParamState::serialize(torch::serialize::InputArchive& archive) {
  step(detail::read_int(archive, "step", 0));
  momentum_buffer(detail::read_tensor_if_present(archive, "momentum_buffer"));
  exp_avg(detail::read_tensor_if_present(archive, "exp_avg"));
  exp_avg_sq(detail::read_tensor_if_present(archive, "exp_avg_sq"));
}

std::vector<torch::Tensor> MuonParamState::tensors() const {
  std::vector<torch::Tensor> out;
  for (const auto* t : {&momentum_buffer(), &exp_avg(), &exp_avg_sq()})
    if (t->defined()) out.push_back(*t);
  return out;
}

// [SECTION] construction and validation

Muon::Muon(std::vector<torch::optim::OptimizerParamGroup> param_groups, MuonOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<MuonOptions>(defaults)) {
  for (const auto& group : param_groups_) validate_group(group);
}

Muon::Muon(std::vector<torch::Tensor> params, MuonOptions defaults)
    : Muon(std::vector<torch::optim::OptimizerParamGroup>{torch::optim::OptimizerParamGroup(std::move(params))},
           std::move(defaults)) {}

void Muon::validate_group(const torch::optim::OptimizerParamGroup& group) const {
  const auto& o = static_cast<const MuonOptions&>(group.options());
  using detail::require;
  require(o.lr() >= 0, "Muon", "lr", o.lr(), "must be >= 0");
  require(o.weight_decay() >= 0, "Muon", "weight_decay", o.weight_decay(), "must be >= 0");
  detail::check_adamw_options("Muon", o.adamw_betas(), o.adamw_eps());
  if (o.adamw()) return;
  require(o.momentum() >= 0 && o.momentum() < 1, "Muon", "momentum", o.momentum(), "must be in [0, 1)");
  require(o.ns_steps() >= 1, "Muon", "ns_steps", o.ns_steps(), "must be >= 1");
  require(o.ns_eps() > 0, "Muon", "ns_eps", o.ns_eps(), "must be > 0");
  detail::check_enum("Muon", o.polar(), o.lr_scale());
  require(o.polar() != Polar::lowrank, "Muon", "polar", "lowrank",
          "is LiMuon's option #2; Muon takes svd or newton_schulz");
  for (const auto& p : group.params()) detail::check_matrix_param("Muon", p);
}

// [SECTION] the step

torch::Tensor Muon::step(LossClosure closure) {
  torch::Tensor loss;
  stats_.last_skipped = false;
  for (const auto& group : param_groups_) validate_group(group);  // also groups added after construction
  if (closure) {
    at::AutoGradMode grad_on(true);
    loss = closure();
    ++stats_.grad_evals;
  }
  at::NoGradGuard no_grad;
  detail::make_grads_contiguous(param_groups_);

  if (!detail::all_finite(detail::defined_grads(param_groups_))) {
    ++stats_.skipped_nonfinite;
    stats_.last_skipped = true;
    return loss;
  }

  for (auto& group : param_groups_) {
    const auto& o = static_cast<const MuonOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      if (o.adamw()) {
        detail::adamw_group_step<MuonParamState>(p, state_, o);
        continue;
      }
      const std::string key = detail::state_key(p);
      auto found = state_.find(key);
      if (found == state_.end()) {
        auto fresh = std::make_unique<MuonParamState>();
        fresh->momentum_buffer(torch::zeros_like(detail::as_matrix(p)));
        found = state_.emplace(key, std::move(fresh)).first;
      }
      auto& st = static_cast<MuonParamState&>(*found->second);
      st.step(st.step() + 1);
      const torch::Tensor g = detail::as_matrix(p.grad());
      torch::Tensor w = detail::as_matrix(p);
      torch::Tensor& buf = st.momentum_buffer();
      buf.lerp_(g, 1 - o.momentum());
      const torch::Tensor d = o.nesterov() ? g.lerp(buf, o.momentum()) : buf;
      const torch::Tensor direction =
          o.polar() == Polar::svd ? polar_svd(d)
                                  : polar_newton_schulz(d, NewtonSchulzConfig{o.ns_steps(), o.ns_coefficients(), o.ns_eps()});
      w.mul_(1 - o.lr() * o.weight_decay());
      const int64_t full_rank = std::min(w.size(0), w.size(1));
      w.add_(direction, -o.lr() * lr_scale_factor(o.lr_scale(), w.size(0), w.size(1), full_rank));
    }
  }
  ++stats_.steps;
  return loss;
}

void Muon::save(torch::serialize::OutputArchive& archive) const { serialize(*this, archive); }

void Muon::load(torch::serialize::InputArchive& archive) {
  serialize(*this, archive);
  detail::restore_group_options<MuonOptions>(archive, param_groups_);
  for (const auto& group : param_groups_) {
    validate_group(group);
    const auto& o = static_cast<const MuonOptions&>(group.options());
    for (const auto& p : group.params()) {
      const auto found = state_.find(detail::state_key(p));
      if (found == state_.end()) continue;
      const auto& st = static_cast<const MuonParamState&>(*found->second);
      const bool ok = o.adamw() ? st.exp_avg().defined() && st.exp_avg().sizes() == p.sizes()
                                : st.momentum_buffer().defined() && st.momentum_buffer().numel() == p.numel();
      if (!ok)
        throw std::invalid_argument("Muon: the loaded state of a parameter of shape " + detail::shape_string(p) +
                                    " does not match its group: the checkpoint belongs to another model or optimizer");
    }
  }
}

}  // namespace limuon
