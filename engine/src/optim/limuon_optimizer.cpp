#include "limuon/limuon_optimizer.hpp"

#include <ATen/ATen.h>
#include <torch/serialize/archive.h>

#include <algorithm>
#include <stdexcept>

#include "limuon/polar.hpp"
#include "limuon/rsvd.hpp"
#include "option_checks.hpp"
#include "param_helpers.hpp"

namespace limuon {
namespace {

at::Tensor dense_polar(const at::Tensor& m, const LiMuonOptions& o) {
  if (o.polar() == Polar::svd) return polar_svd(m);
  return polar_newton_schulz(m, NewtonSchulzConfig{o.ns_steps(), o.ns_coefficients()});
}

bool keeps_dense_momentum(const LiMuonOptions& o) { return o.rank() == 0 || o.polar() != Polar::lowrank; }

// W_{t+1} = (1 - lr wd) W_t - lr scale(m, n) polar(M_t)
void apply_update(at::Tensor& w, const LiMuonParamState& st, const LiMuonOptions& o) {
  const double step_size = o.lr() * lr_scale_factor(o.lr_scale(), w.size(0), w.size(1));
  const double decay = 1 - o.lr() * o.weight_decay();
  if (o.polar() == Polar::lowrank) {
    const at::Tensor u = LowRankFactors{st.u(), st.s(), st.v()}.u_nonzero();
    w.addmm_(u, st.v().t(), decay, -step_size);  // U_r V_r^T applied in place: no m x n temporary
    return;
  }
  const at::Tensor direction = dense_polar(st.momentum(), o);
  if (decay != 1) w.mul_(decay);
  w.add_(direction, -step_size);
}

// g <- (1 - beta) (M_t - g(W_t; xi)), in the gradient's own buffer; M_t is M_hat_t in option #2.
void storm_correction(at::Tensor& g, const LiMuonParamState& st, const LiMuonOptions& o) {
  const double keep = 1 - o.beta();
  if (o.rank() == 0) {
    g.sub_(st.momentum()).mul_(-keep);
  } else {
    g.addmm_(st.u() * st.s().unsqueeze(0), st.v().t(), /*beta=*/-keep, /*alpha=*/keep);
  }
}

// After pass 2 the gradient buffer holds M_{t+1} exactly; keep it densely and/or as rank-r factors.
void store_momentum(const at::Tensor& m_next, LiMuonParamState& st, const LiMuonOptions& o, int64_t counter) {
  if (o.rank() > 0) {
    const RsvdConfig config{o.rank(), o.oversampling(), o.power_iters()};
    LowRankFactors f = randomized_svd(m_next, config, sketch_generator(st.rsvd_seed(), counter));
    st.u(f.u).s(f.s).v(f.v);
  }
  if (keeps_dense_momentum(o)) {
    if (st.momentum().defined()) st.momentum().copy_(m_next);
    else st.momentum(m_next.clone());
  }
}

}  // namespace

// [SECTION] options and state serialization

LiMuonOptions::LiMuonOptions(double lr) : lr_(lr) {}

void LiMuonOptions::serialize(torch::serialize::OutputArchive& archive) const {
  detail::write_shared_options(archive, *this);
  detail::write_value(archive, "beta", beta());
  detail::write_value(archive, "rank", rank());
  detail::write_value(archive, "oversampling", oversampling());
  detail::write_value(archive, "power_iters", power_iters());
  detail::write_value(archive, "seed", seed());
}

void LiMuonOptions::serialize(torch::serialize::InputArchive& archive) {
  detail::read_shared_options(archive, *this);
  const LiMuonOptions d;
  beta(detail::read_double(archive, "beta", d.beta()));
  rank(detail::read_int(archive, "rank", d.rank()));
  oversampling(detail::read_int(archive, "oversampling", d.oversampling()));
  power_iters(detail::read_int(archive, "power_iters", d.power_iters()));
  seed(detail::read_int(archive, "seed", d.seed()));
}

void LiMuonParamState::serialize(torch::serialize::OutputArchive& archive) const {
  detail::write_value(archive, "step", step());
  detail::write_value(archive, "rsvd_seed", rsvd_seed());
  detail::write_tensor_if_defined(archive, "momentum", momentum());
  detail::write_tensor_if_defined(archive, "u", u());
  detail::write_tensor_if_defined(archive, "s", s());
  detail::write_tensor_if_defined(archive, "v", v());
  detail::write_tensor_if_defined(archive, "exp_avg", exp_avg());
  detail::write_tensor_if_defined(archive, "exp_avg_sq", exp_avg_sq());
}

void LiMuonParamState::serialize(torch::serialize::InputArchive& archive) {
  step(detail::read_int(archive, "step", 0));
  rsvd_seed(detail::read_int(archive, "rsvd_seed", 0));
  momentum(detail::read_tensor_if_present(archive, "momentum"));
  u(detail::read_tensor_if_present(archive, "u"));
  s(detail::read_tensor_if_present(archive, "s"));
  v(detail::read_tensor_if_present(archive, "v"));
  exp_avg(detail::read_tensor_if_present(archive, "exp_avg"));
  exp_avg_sq(detail::read_tensor_if_present(archive, "exp_avg_sq"));
}

std::vector<torch::Tensor> LiMuonParamState::tensors() const {
  std::vector<torch::Tensor> out;
  for (const auto* t : {&momentum(), &u(), &s(), &v(), &exp_avg(), &exp_avg_sq()})
    if (t->defined()) out.push_back(*t);
  return out;
}

// [SECTION] construction and validation

LiMuon::LiMuon(std::vector<torch::optim::OptimizerParamGroup> param_groups, LiMuonOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<LiMuonOptions>(defaults)) {
  for (const auto& group : param_groups_) validate_group(group);
}

LiMuon::LiMuon(std::vector<torch::Tensor> params, LiMuonOptions defaults)
    : LiMuon(std::vector<torch::optim::OptimizerParamGroup>{torch::optim::OptimizerParamGroup(std::move(params))},
             std::move(defaults)) {}

void LiMuon::validate_group(const torch::optim::OptimizerParamGroup& group) const {
  const auto& o = static_cast<const LiMuonOptions&>(group.options());
  using detail::require;
  require(o.lr() >= 0, "LiMuon", "lr", o.lr(), "must be >= 0");
  require(o.weight_decay() >= 0, "LiMuon", "weight_decay", o.weight_decay(), "must be >= 0");
  detail::check_adamw_options("LiMuon", o.adamw_betas(), o.adamw_eps());
  if (o.adamw()) return;  // the matrix options below do not apply to an AdamW group
  require(o.beta() >= 0 && o.beta() < 1, "LiMuon", "beta", o.beta(), "must be in [0, 1)");
  require(o.rank() >= 0, "LiMuon", "rank", o.rank(), "must be >= 0 (0 = full-rank momentum)");
  require(o.oversampling() >= 0, "LiMuon", "oversampling", o.oversampling(), "must be >= 0");
  require(o.power_iters() >= 0, "LiMuon", "power_iters", o.power_iters(), "must be >= 0");
  require(o.ns_steps() >= 1, "LiMuon", "ns_steps", o.ns_steps(), "must be >= 1");
  detail::check_enum("LiMuon", o.polar(), o.lr_scale());
  require(!(o.polar() == Polar::lowrank && o.rank() == 0), "LiMuon", "polar", "lowrank",
          "needs rank > 0 (the rank-r factors it is taken from)");
  for (const auto& p : group.params()) {
    detail::check_matrix_param("LiMuon", p);
    const int64_t min_dim = std::min(p.size(0), p.numel() / p.size(0));
    require(o.rank() <= min_dim, "LiMuon", "rank", o.rank(),
            "exceeds min(m, n) = " + std::to_string(min_dim) + " of a parameter of shape " +
                detail::shape_string(p));
  }
}

LiMuonParamState& LiMuon::matrix_state(const torch::Tensor& p, const LiMuonOptions& o, int64_t index) {
  const std::string key = detail::state_key(p);
  auto found = state_.find(key);
  if (found == state_.end()) {
    // M_0 = g(W_0; xi_0): the first pass's gradient, kept in the mode's own form. Built aside and
    // inserted only once complete, so a throw leaves no half-made entry behind.
    auto st = std::make_unique<LiMuonParamState>();
    st->rsvd_seed(static_cast<int64_t>(sketch_stream_seed(static_cast<uint64_t>(o.seed()), index)));
    store_momentum(detail::as_matrix(p.grad()), *st, o, /*counter=*/0);
    found = state_.emplace(key, std::move(st)).first;
  }
  return static_cast<LiMuonParamState&>(*found->second);
}

// [SECTION] the two-pass step

torch::Tensor LiMuon::step(LossClosure closure) {
  if (!closure)
    throw std::invalid_argument(
        "LiMuon::step needs a closure: its STORM momentum evaluates the gradient twice on the same batch "
        "(at the old and at the new weights). Pass a closure that computes the loss on one batch and calls "
        "backward() without zeroing gradients.");
  stats_.last_skipped = false;
  // Groups added after construction (add_param_group) are checked here, before anything changes.
  for (const auto& group : param_groups_) validate_group(group);

  // Pass 1: g(W_t; xi). Gradients start undefined so that parameters the closure does not reach stay untouched.
  for (auto& group : param_groups_)
    for (auto& p : group.params()) p.mutable_grad() = torch::Tensor();
  torch::Tensor loss;
  {
    at::AutoGradMode grad_on(true);
    loss = closure();
  }
  ++stats_.grad_evals;
  at::NoGradGuard no_grad;
  detail::make_grads_contiguous(param_groups_);

  if (!detail::all_finite(detail::defined_grads(param_groups_))) {
    ++stats_.skipped_nonfinite;
    stats_.last_skipped = true;
    return loss;
  }

  // Update every parameter, and turn each matrix gradient into the STORM correction.
  std::vector<std::pair<torch::Tensor, const LiMuonOptions*>> matrices;
  int64_t index = 0;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const LiMuonOptions&>(group.options());
    for (auto& p : group.params()) {
      const int64_t param_index = index++;
      if (!p.grad().defined()) continue;
      if (o.adamw()) {
        detail::adamw_group_step<LiMuonParamState>(p, state_, o);
        p.mutable_grad() = torch::Tensor();  // pass 2 must not mix its gradient into this one
        continue;
      }
      auto& st = matrix_state(p, o, param_index);
      torch::Tensor w = detail::as_matrix(p);
      torch::Tensor g = detail::as_matrix(p.mutable_grad());
      apply_update(w, st, o);
      storm_correction(g, st, o);
      matrices.emplace_back(p, &o);
    }
  }

  // Pass 2: backward accumulates g(W_{t+1}; xi) onto the corrections, leaving M_{t+1} in p.grad.
  try {
    at::AutoGradMode grad_on(true);
    in_second_pass_ = true;
    closure();
    in_second_pass_ = false;
  } catch (...) {
    in_second_pass_ = false;
    ++stats_.kept_momentum;
    ++stats_.steps;
    throw;
  }
  ++stats_.grad_evals;

  std::vector<torch::Tensor> grads;
  for (auto& [p, o] : matrices) {
    if (!p.grad().defined()) {  // e.g. Module::zero_grad(/*set_to_none=*/true) inside the closure
      ++stats_.kept_momentum;
      ++stats_.steps;
      throw std::logic_error(
          "LiMuon: a gradient was cleared during the second pass, erasing the STORM correction; the closure "
          "must not zero or clear gradients (LiMuon clears them itself before the first pass)");
    }
    grads.push_back(p.grad());
  }
  if (!detail::all_finite(grads)) {
    ++stats_.kept_momentum;  // the weights moved with finite data; the momentum stays M_t
    ++stats_.steps;
    return loss;
  }
  for (auto& [p, o] : matrices) {
    auto& st = static_cast<LiMuonParamState&>(*state_[detail::state_key(p)]);
    store_momentum(detail::as_matrix(p.grad()), st, *o, st.step() + 1);
    st.step(st.step() + 1);
  }
  ++stats_.steps;
  return loss;
}

void LiMuon::zero_grad() {
  if (in_second_pass_)
    throw std::logic_error(
        "LiMuon: the closure called zero_grad() during the second pass, which would erase the STORM "
        "correction (1 - beta)(M_t - g(W_t; xi)) held in the gradients. Remove zero_grad() from the closure: "
        "LiMuon clears gradients itself before the first pass.");
  Optimizer::zero_grad();
}

void LiMuon::save(torch::serialize::OutputArchive& archive) const { serialize(*this, archive); }

void LiMuon::load(torch::serialize::InputArchive& archive) {
  serialize(*this, archive);  // LibTorch maps the saved state onto the parameters by position
  detail::restore_group_options<LiMuonOptions>(archive, param_groups_);
  for (const auto& group : param_groups_) {
    validate_group(group);
    check_state_matches(group);
  }
}

void LiMuon::check_state_matches(const torch::optim::OptimizerParamGroup& group) const {
  const auto& o = static_cast<const LiMuonOptions&>(group.options());
  for (const auto& p : group.params()) {
    const auto found = state_.find(detail::state_key(p));
    if (found == state_.end()) continue;
    const auto& st = static_cast<const LiMuonParamState&>(*found->second);
    const int64_t rows = p.dim() > 0 ? p.size(0) : 0, cols = rows > 0 ? p.numel() / rows : 0;
    const bool ok =
        o.adamw() ? st.exp_avg().defined() && st.exp_avg_sq().defined() && st.exp_avg().sizes() == p.sizes()
                  : (st.momentum().defined() == keeps_dense_momentum(o)) && (st.u().defined() == (o.rank() > 0)) &&
                        (!st.momentum().defined() || st.momentum().numel() == p.numel()) &&
                        (o.rank() == 0 || (st.u().dim() == 2 && st.u().size(0) == rows && st.u().size(1) == o.rank() &&
                                           st.v().dim() == 2 && st.v().size(0) == cols && st.s().numel() == o.rank()));
    if (!ok)
      throw std::invalid_argument("LiMuon: the loaded state of a parameter of shape " + detail::shape_string(p) +
                                  " does not match its group (rank " + std::to_string(o.rank()) + ", polar " +
                                  to_string(o.polar()) + (o.adamw() ? ", adamw" : "") +
                                  "): the checkpoint belongs to another model or optimizer");
  }
}

}  // namespace limuon
