// LiMuon (Huang, Luo, Chen, arXiv 2509.14562): Muon's orthogonalised update driven by a STORM
// (variance-reduced) momentum, optionally stored as rank-r randomized-SVD factors.
//
//   M_{t+1} = g(W_{t+1}; xi_{t+1}) + (1 - beta) * (M_t - g(W_t; xi_{t+1})),   M_0 = g(W_0; xi_0)
//   W_{t+1} = (1 - lr * wd) * W_t - lr * scale(m, n, k) * polar(M_t)
//
// Both gradients of a step use the SAME minibatch, so step(closure) evaluates the closure twice. The
// first call uses its batch as both xi_0 and xi_1 (the correction is then zero for the dense momentum).
//
// Modes (LiMuonMode, resolved once from the options):
//   rank == 0                          option #1: dense M (m*n numbers), polar by svd or newton_schulz
//   rank  > 0, polar == lowrank        option #2, the paper's memory claim: M_hat_t = U_r S_r V_r^T kept as
//                                      factors, update U_r V_r^T from them: (m+n)*r + r numbers
//   rank  > 0, polar svd/newton_schulz an ablation of ours, not the paper's method: the low-rank momentum
//                                      drives the recursion, but polar(M_t) of the dense M_t needs M_t
//                                      kept until the next step: m*n + (m+n)*r + r numbers (more than Muon)
//
// One optimizer object also trains the non-matrix parameters: a group whose options say adamw(true)
// gets decoupled AdamW (see make_param_groups in param_groups.hpp).
#pragma once

#include <torch/optim/optimizer.h>
#include <torch/optim/serialize.h>

#include <cstdint>
#include <tuple>
#include <vector>

#include "limuon/optim/optim_types.hpp"
#include "limuon/optim/persistent_state.hpp"
#include "limuon/optim/step_stats.hpp"

namespace limuon {

// How a matrix group holds its momentum and takes its update (see the table above).
enum class LiMuonMode {
  dense,                // option #1
  lowrank,              // option #2: factors only, rank-r update
  ablation_dense_polar, // ours: low-rank momentum, dense polar of the kept dense M_t
};
const char* to_string(LiMuonMode mode);

struct LiMuonOptions : public torch::optim::OptimizerCloneableOptions<LiMuonOptions> {
  LiMuonOptions(double lr = 0.02);
  TORCH_ARG(double, lr) = 0.02;
  TORCH_ARG(double, beta) = 0.1;            // STORM weight: (1 - beta) scales the correction; in [0, 1)
  TORCH_ARG(int64_t, rank) = 0;             // 0 = full-rank momentum (option #1); r > 0 = option #2
  TORCH_ARG(int64_t, oversampling) = 5;     // randomized SVD sketch size l = rank + oversampling
  TORCH_ARG(int64_t, power_iters) = 0;      // randomized SVD power iterations
  TORCH_ARG(Polar, polar) = Polar::newton_schulz;
  TORCH_ARG(int64_t, ns_steps) = 5;
  TORCH_ARG(NsCoefficients, ns_coefficients) = kMuonNsCoefficients;
  TORCH_ARG(double, weight_decay) = 0.0;    // decoupled: W <- (1 - lr * wd) W
  TORCH_ARG(LrScale, lr_scale) = LrScale::shape;
  TORCH_ARG(int64_t, seed) = 0;             // randomized SVD sketches; the per-parameter seed is kept in the state
  // Parameters of a group with adamw(true) get AdamW instead (embeddings, head, biases, gains).
  TORCH_ARG(bool, adamw) = false;
  TORCH_ARG(AdamWBetas, adamw_betas) = AdamWBetas{0.9, 0.95};
  TORCH_ARG(double, adamw_eps) = 1e-8;

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override { return lr(); }
  void set_lr(const double lr) override { this->lr(lr); }
};

struct LiMuonParamState : public torch::optim::OptimizerCloneableParamState<LiMuonParamState>,
                          public PersistentState {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(int64_t, rsvd_seed) = 0;   // this parameter's sketch stream; sketch k uses (rsvd_seed, k)
  TORCH_ARG(torch::Tensor, momentum);  // dense M_t (option #1 and the dense-polar ablation)
  TORCH_ARG(torch::Tensor, u);         // M_hat_t = u diag(s) v^T (rank > 0)
  TORCH_ARG(torch::Tensor, s);
  TORCH_ARG(torch::Tensor, v);
  TORCH_ARG(torch::Tensor, exp_avg);     // AdamW groups
  TORCH_ARG(torch::Tensor, exp_avg_sq);

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  std::vector<torch::Tensor> tensors() const override;
  int64_t counters() const override { return 2; }
};

class LiMuon : public torch::optim::Optimizer {
 public:
  explicit LiMuon(std::vector<torch::optim::OptimizerParamGroup> param_groups, LiMuonOptions defaults = {});
  explicit LiMuon(std::vector<torch::Tensor> params, LiMuonOptions defaults = {});

  // The two-pass STORM step. The closure computes the loss on ONE fixed batch and calls backward(); it
  // may zero gradients first (Optimizer::zero_grad, Module::zero_grad) as with any optimizer: LiMuon
  // holds the correction (1 - beta)(M_t - g(W_t; xi)) outside p.grad while the second pass runs, so
  // nothing the closure does to the gradients can erase it. Throws std::invalid_argument without a
  // closure. Returns the loss of the first pass. If the second pass throws, leaves a matrix without a
  // gradient (std::logic_error) or yields a non-finite gradient, the weights have moved and the momentum
  // stays M_t (stats().kept_momentum). After a step, p.grad of a matrix holds M_{t+1} exactly.
  torch::Tensor step(LossClosure closure = nullptr) override;

  const StepStats& stats() const { return stats_; }
  // torch::save / torch::load. Loading restores the saved group options (learning rates, modes), as
  // PyTorch's load_state_dict does, and throws std::invalid_argument when the saved state does not
  // fit the parameters' groups.
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  void validate_group(const torch::optim::OptimizerParamGroup& group) const;
  void check_state_matches(const torch::optim::OptimizerParamGroup& group) const;
  struct PendingMatrix;  // a matrix between the two passes, with its correction C_t

  // A matrix's state; on the first step it is created with M_0 = g(W_0; xi_0) from p.grad.
  LiMuonParamState& matrix_state(const torch::Tensor& p, const LiMuonOptions& o, int64_t index);
  void clear_grads();
  torch::Tensor evaluate(const LossClosure& closure);  // one pass, counted
  // After pass 1: updates every parameter and turns each matrix gradient into its correction.
  std::vector<PendingMatrix> update_and_correct();
  // After pass 2: M_{t+1} = g(W_{t+1}; xi) + C_t into the state; false (M_t kept) when not finite.
  bool store_next_momenta(std::vector<PendingMatrix>& pending);
  StepStats stats_;

  template <typename Self, typename Archive>
  static void serialize(Self& self, Archive& archive) {
    torch::optim::serialize<LiMuonParamState, LiMuonOptions>(archive, self);
  }
};

}  // namespace limuon
