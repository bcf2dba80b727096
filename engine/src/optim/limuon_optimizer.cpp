#include "limuon/optim/limuon_optimizer.hpp"

#include <ATen/ATen.h>
#include <torch/serialize/archive.h>

#include <algorithm>
#include <stdexcept>

#include "limuon/linalg/polar.hpp"
#include "limuon/linalg/rsvd.hpp"
#include "option_checks.hpp"
#include "param_helpers.hpp"

namespace limuon {

const char* to_string(LiMuonMode mode) {
  switch (mode) {
    case LiMuonMode::dense: return "option #1 (dense momentum)";
    case LiMuonMode::lowrank: return "option #2 (rank-r momentum and update)";
    case LiMuonMode::ablation_dense_polar: return "ablation (rank-r momentum, dense polar)";
  }
  return "unknown";
}

namespace {

LiMuonMode mode_of(const LiMuonOptions& o) {
  if (o.rank() == 0) return LiMuonMode::dense;
  return o.polar() == Polar::lowrank ? LiMuonMode::lowrank : LiMuonMode::ablation_dense_polar;
}

bool keeps_dense_momentum(LiMuonMode mode) { return mode != LiMuonMode::lowrank; }
bool keeps_factors(LiMuonMode mode) { return mode != LiMuonMode::dense; }

// W_{t+1} = (1 - lr wd) W_t - lr scale(m, n, k) polar(M_t)
void apply_update(at::Tensor& w, const LiMuonParamState& st, const LiMuonOptions& o) {
  const double decay = 1 - o.lr() * o.weight_decay();
  const int64_t rows = w.size(0), cols = w.size(1);
  if (mode_of(o) == LiMuonMode::lowrank) {
    // polar(M_hat_t) = U_r V_r^T from the stored factors, applied in place: no m x n temporary.
    const LowRankFactors factors{st.u(), st.s(), st.v()};
    const double step_size = o.lr() * lr_scale_factor(o.lr_scale(), rows, cols, factors.nonzero_rank());
    w.addmm_(factors.u_nonzero(), st.v().t(), decay, -step_size);
    return;
  }
  const at::Tensor direction = o.polar() == Polar::svd
                                   ? polar_svd(st.momentum())
                                   : polar_newton_schulz(st.momentum(), NewtonSchulzConfig{o.ns_steps(), o.ns_coefficients()});
  if (decay != 1) w.mul_(decay);
  w.add_(direction, -o.lr() * lr_scale_factor(o.lr_scale(), rows, cols, std::min(rows, cols)));
}

// C_t = (1 - beta)(M_t - g(W_t; xi)), written over g's own buffer; M_t is M_hat_t when rank > 0.
void storm_correction(at::Tensor& g, const LiMuonParamState& st, const LiMuonOptions& o) {
  const double keep = 1 - o.beta();
  if (keeps_factors(mode_of(o))) {
    g.addmm_(st.u() * st.s().unsqueeze(0), st.v().t(), /*beta=*/-keep, /*alpha=*/keep);
  } else {
    g.sub_(st.momentum()).mul_(-keep);
  }
}

// Keeps M (= M_{t+1}, or M_0) in the mode's own form: rank-r factors from sketch number `counter`,
// the dense matrix, or both.
void store_momentum(const at::Tensor& m, LiMuonParamState& st, const LiMuonOptions& o, int64_t counter) {
  const LiMuonMode mode = mode_of(o);
  if (keeps_factors(mode)) {
    const RsvdConfig config{o.rank(), o.oversampling(), o.power_iters()};
    LowRankFactors f = randomized_svd(m, config, sketch_generator(st.rsvd_seed(), counter));
    st.u(f.u).s(f.s).v(f.v);
  }
  if (keeps_dense_momentum(mode)) {
    if (st.momentum().defined()) st.momentum().copy_(m);
    else st.momentum(m.clone());
  }
}

}  // namespace

// A matrix between the two passes: its options and the correction C_t, held outside p.grad (in what
// was the first pass's gradient buffer, so no memory is added) where the closure cannot reach it.
struct LiMuon::PendingMatrix {
  torch::Tensor param;
  const LiMuonOptions* options;
  torch::Tensor correction;
};

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
    // Built aside and inserted only once complete, so a throw leaves no half-made entry behind.
    auto st = std::make_unique<LiMuonParamState>();
    st->rsvd_seed(static_cast<int64_t>(sketch_stream_seed(static_cast<uint64_t>(o.seed()), index)));
    store_momentum(detail::as_matrix(p.grad()), *st, o, /*counter=*/0);  // M_0 = g(W_0; xi_0)
    found = state_.emplace(key, std::move(st)).first;
  }
  return static_cast<LiMuonParamState&>(*found->second);
}

void LiMuon::clear_grads() {
  for (auto& group : param_groups_)
    for (auto& p : group.params()) p.mutable_grad() = torch::Tensor();
}

// [SECTION] the two-pass step

// Algorithm 1, iteration t, with xi = xi_{t+1} the closure's batch for both passes:
//   g_t     = g(W_t; xi)                                  pass 1
//   W_{t+1} = (1 - lr wd) W_t - lr scale polar(M_t)
//   C_t     = (1 - beta)(M_t - g_t)
//   M_{t+1} = g(W_{t+1}; xi) + C_t                        pass 2
torch::Tensor LiMuon::step(LossClosure closure) {
  if (!closure)
    throw std::invalid_argument(
        "LiMuon::step needs a closure: its STORM momentum evaluates the gradient twice on the same batch "
        "(at the old and at the new weights). Pass a closure that computes the loss on one batch and calls "
        "backward().");
  stats_.last_skipped = false;
  // Groups added after construction (add_param_group) are checked here, before anything changes.
  for (const auto& group : param_groups_) validate_group(group);

  clear_grads();  // parameters the closure does not reach keep no gradient, and stay untouched
  const torch::Tensor loss = evaluate(closure);  // g_t
  at::NoGradGuard no_grad;
  detail::make_grads_contiguous(param_groups_);
  if (!detail::all_finite(detail::defined_grads(param_groups_))) {
    ++stats_.skipped_nonfinite;  // nothing has changed yet: skip the whole step
    stats_.last_skipped = true;
    return loss;
  }

  std::vector<PendingMatrix> pending = update_and_correct();  // W_{t+1} and C_t
  if (!pending.empty()) {  // without a matrix gradient there is nothing for a second pass to correct
    try {
      evaluate(closure);  // g(W_{t+1}; xi), into fresh gradients
    } catch (...) {
      ++stats_.kept_momentum;  // the weights moved; the momentum stays M_t
      ++stats_.steps;
      throw;
    }
    if (!store_next_momenta(pending)) ++stats_.kept_momentum;  // M_{t+1} = g(W_{t+1}; xi) + C_t
  }
  ++stats_.steps;
  return loss;
}

torch::Tensor LiMuon::evaluate(const LossClosure& closure) {
  at::AutoGradMode grad_on(true);
  torch::Tensor loss = closure();
  ++stats_.grad_evals;
  return loss;
}

std::vector<LiMuon::PendingMatrix> LiMuon::update_and_correct() {
  std::vector<PendingMatrix> pending;
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
      const auto& st = matrix_state(p, o, param_index);  // M_0 = g(W_0; xi_0) on the first step
      torch::Tensor w = detail::as_matrix(p);
      torch::Tensor g = detail::as_matrix(p.grad());
      apply_update(w, st, o);      // W_{t+1} = (1 - lr wd) W_t - lr scale polar(M_t)
      storm_correction(g, st, o);  // C_t = (1 - beta)(M_t - g_t), over g's buffer
      pending.push_back({p, &o, std::move(g)});
      p.mutable_grad() = torch::Tensor();  // out of the closure's reach
    }
  }
  return pending;
}

bool LiMuon::store_next_momenta(std::vector<PendingMatrix>& pending) {
  detail::make_grads_contiguous(param_groups_);
  std::vector<torch::Tensor> next;
  for (auto& m : pending) {
    if (!m.param.grad().defined()) {
      ++stats_.kept_momentum;
      ++stats_.steps;
      throw std::logic_error(
          "LiMuon: the second pass left a matrix of shape " + detail::shape_string(m.param) +
          " without a gradient (did the closure clear gradients after backward()?); its momentum stays M_t");
    }
    torch::Tensor g = detail::as_matrix(m.param.mutable_grad());
    g.add_(m.correction);  // M_{t+1}, left in p.grad
    m.correction = torch::Tensor();
    next.push_back(g);
  }
  if (!detail::all_finite(next)) return false;  // the weights moved with finite data; M_t stays
  for (size_t i = 0; i < pending.size(); ++i) {
    auto& st = static_cast<LiMuonParamState&>(*state_.at(detail::state_key(pending[i].param)));
    store_momentum(next[i], st, *pending[i].options, st.step() + 1);
    st.step(st.step() + 1);
  }
  return true;
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
                  : (st.momentum().defined() == keeps_dense_momentum(mode_of(o))) && (st.u().defined() == (o.rank() > 0)) &&
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
