// Muon, with torch.optim.Muon's semantics (PyTorch 2.9), plus an exact-SVD polar for reference runs:
//
//   B_t = mu * B_{t-1} + (1 - mu) * G_t              (an EMA: buf.lerp_(G, 1 - mu), B_0 = 0)
//   D_t = nesterov ? (1 - mu) * G_t + mu * B_t : B_t  (G.lerp(B, mu))
//   W_{t+1} = (1 - lr * wd) * W_t - lr * scale(m, n) * polar(D_t)
//
// Defaults follow torch.optim.Muon: lr 1e-3, wd 0.1, mu 0.95, Nesterov, 5 Newton-Schulz steps with
// (3.4445, -4.7750, 2.0315), lr_scale shape. A group with adamw(true) gets decoupled AdamW instead.
#pragma once

#include <torch/optim/optimizer.h>
#include <torch/optim/serialize.h>

#include <cstdint>
#include <vector>

#include "limuon/optim/optim_types.hpp"
#include "limuon/optim/persistent_state.hpp"
#include "limuon/optim/step_stats.hpp"

namespace limuon {

struct MuonOptions : public torch::optim::OptimizerCloneableOptions<MuonOptions> {
  MuonOptions(double lr = 1e-3);
  TORCH_ARG(double, lr) = 1e-3;
  TORCH_ARG(double, momentum) = 0.95;
  TORCH_ARG(bool, nesterov) = true;
  TORCH_ARG(Polar, polar) = Polar::newton_schulz;  // svd = exact reference; lowrank is not a Muon option
  TORCH_ARG(int64_t, ns_steps) = 5;
  TORCH_ARG(NsCoefficients, ns_coefficients) = kMuonNsCoefficients;
  TORCH_ARG(double, ns_eps) = 1e-7;
  TORCH_ARG(double, weight_decay) = 0.1;
  TORCH_ARG(LrScale, lr_scale) = LrScale::shape;
  TORCH_ARG(bool, adamw) = false;
  TORCH_ARG(AdamWBetas, adamw_betas) = AdamWBetas{0.9, 0.95};
  TORCH_ARG(double, adamw_eps) = 1e-8;

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override { return lr(); }
  void set_lr(const double lr) override { this->lr(lr); }
};

struct MuonParamState : public torch::optim::OptimizerCloneableParamState<MuonParamState>, public PersistentState {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(torch::Tensor, momentum_buffer);  // matrix groups
  TORCH_ARG(torch::Tensor, exp_avg);          // AdamW groups
  TORCH_ARG(torch::Tensor, exp_avg_sq);

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  std::vector<torch::Tensor> tensors() const override;
  int64_t counters() const override { return 1; }
};

class Muon : public torch::optim::Optimizer {
 public:
  explicit Muon(std::vector<torch::optim::OptimizerParamGroup> param_groups, MuonOptions defaults = {});
  explicit Muon(std::vector<torch::Tensor> params, MuonOptions defaults = {});

  // One pass: uses the gradients already in p.grad, or those of the closure when one is given.
  torch::Tensor step(LossClosure closure = nullptr) override;

  const StepStats& stats() const { return stats_; }
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  void validate_group(const torch::optim::OptimizerParamGroup& group) const;
  StepStats stats_;

  template <typename Self, typename Archive>
  static void serialize(Self& self, Archive& archive) {
    torch::optim::serialize<MuonParamState, MuonOptions>(archive, self);
  }
};

}  // namespace limuon
