// LiMuon's STORM recursion against a float64 reference written out by hand, for every mode.
#include "limuon/optim/limuon_optimizer.hpp"
#include "limuon/linalg/rsvd.hpp"
#include "support/references.hpp"

#include <c10/util/string_utils.h>

namespace {

using limuon::LiMuon;
using limuon::LiMuonOptions;
using limuon::LiMuonParamState;
using limuon::Polar;
using limuon::test::max_abs_diff;
using limuon::test::TinyNet;

using limuon::LrScale;

struct Mode {
  int64_t rank;
  Polar polar;
  LrScale scale = LrScale::shape;
  bool tall = false;  // train W1 (5 x 6) as its transpose, a tall 6 x 5 matrix, so the shape scale is not 1
};

std::string name(const Mode& mode) {
  return "rank" + std::to_string(mode.rank) + "_" + limuon::to_string(mode.polar) + "_" +
         limuon::to_string(mode.scale) + (mode.tall ? "_tall" : "");
}

const LiMuonParamState& state_of(LiMuon& opt, const torch::Tensor& p) {
  return static_cast<const LiMuonParamState&>(*opt.state().at(c10::guts::to_string(p.unsafeGetTensorImpl())));
}

// The learning-rate multiplier, from its definition: k is the rank of the update.
double reference_scale(LrScale scale, double m, double n, double k) {
  switch (scale) {
    case LrScale::none: return 1.0;
    case LrScale::shape: return std::sqrt(std::max(1.0, m / n));
    case LrScale::match_adamw_rms: return 0.2 * std::sqrt(std::max(m, n));
    case LrScale::match_adamw_rms_rank: return 0.2 * std::sqrt(m * n / k);
  }
  return std::nan("");
}

// M_{t+1} = g(W_{t+1}; xi_{t+1}) + (1 - beta)(M_hat_t - g(W_t; xi_{t+1})),
// W_{t+1} = (1 - lr wd) W_t - lr scale(m, n, k) polar(M_t). Weights are kept as the optimizer sees them.
class StormReference {
 public:
  StormReference(const LiMuonOptions& o, std::vector<torch::Tensor> params, bool tall)
      : o_(o), w_(std::move(params)), tall_(tall) {}

  void step(int64_t t, const torch::Tensor& x, const torch::Tensor& y) {
    if (dense_.empty()) {  // M_0 = g(W_0; xi_0), compressed with sketch 0
      dense_ = grads(w_, x, y);
      if (o_.rank() > 0) hat_ = {compress(dense_[0], 0, 0), compress(dense_[1], 1, 0)};
    }
    const std::vector<torch::Tensor> g_old = grads(w_, x, y);
    std::vector<torch::Tensor> w_new;
    for (size_t i = 0; i < w_.size(); ++i) {
      const double m = double(w_[i].size(0)), n = double(w_[i].size(1));
      const auto [direction, k] = polar_and_rank(i);
      w_new.push_back((1 - o_.lr() * o_.weight_decay()) * w_[i] -
                      o_.lr() * reference_scale(o_.lr_scale(), m, n, k) * direction);
    }
    const std::vector<torch::Tensor> g_new = grads(w_new, x, y);
    for (size_t i = 0; i < w_.size(); ++i) {
      const torch::Tensor m_hat = o_.rank() == 0 ? dense_[i] : hat_[i];
      dense_[i] = g_new[i] + (1 - o_.beta()) * (m_hat - g_old[i]);
      if (o_.rank() > 0) hat_[i] = compress(dense_[i], i, t + 1);
    }
    w_ = w_new;
  }

  const torch::Tensor& weight(size_t i) const { return w_[i]; }
  const torch::Tensor& dense(size_t i) const { return dense_[i]; }
  const torch::Tensor& hat(size_t i) const { return hat_[i]; }

 private:
  // The tiny net's gradients, in the optimizer's layout of each parameter.
  std::vector<torch::Tensor> grads(const std::vector<torch::Tensor>& p, const torch::Tensor& x, const torch::Tensor& y) {
    auto [g1, g2] = TinyNet::grads(tall_ ? p[0].t() : p[0], p[1], x, y);
    return {tall_ ? g1.t() : g1, g2};
  }

  std::pair<torch::Tensor, double> polar_and_rank(size_t i) const {
    const double full = double(std::min(w_[i].size(0), w_[i].size(1)));
    if (o_.polar() == Polar::lowrank) return {lowrank_polar_[i], lowrank_rank_[i]};
    if (o_.polar() == Polar::svd) {
      auto [u, s, vh] = torch::linalg_svd(dense_[i], false);
      return {torch::matmul(u, vh), full};
    }
    const auto [a, b, c] = o_.ns_coefficients();
    return {limuon::test::reference_newton_schulz(dense_[i], o_.ns_steps(), a, b, c), full};
  }

  torch::Tensor compress(const torch::Tensor& m, size_t index, int64_t counter) {
    const uint64_t stream = limuon::sketch_stream_seed(static_cast<uint64_t>(o_.seed()), index);
    auto [u, s, v] = limuon::test::reference_rsvd(m, o_.rank(), o_.oversampling(), o_.power_iters(),
                                                  limuon::sketch_generator(stream, static_cast<uint64_t>(counter)));
    if (lowrank_polar_.size() <= index) lowrank_polar_.resize(index + 1), lowrank_rank_.resize(index + 1);
    lowrank_polar_[index] = torch::matmul(u, v.t());
    const double tol = double(std::max(m.size(0), m.size(1))) * std::numeric_limits<double>::epsilon() *
                       s.max().item<double>();
    lowrank_rank_[index] = (s > tol).sum().item<double>();
    return torch::matmul(u * s.unsqueeze(0), v.t());
  }

  LiMuonOptions o_;
  std::vector<torch::Tensor> w_, dense_, hat_, lowrank_polar_;
  std::vector<double> lowrank_rank_;
  bool tall_;
};

class LiMuonReference : public ::testing::TestWithParam<Mode> {};

TEST_P(LiMuonReference, WeightsAndMomentumFollowTheFloat64StormRecursion) {
  const Mode mode = GetParam();
  const auto o = LiMuonOptions(0.05).beta(0.3).rank(mode.rank).polar(mode.polar).lr_scale(mode.scale)
                     .oversampling(1).power_iters(1).weight_decay(0.01).seed(42);
  auto [w1_init, w2_init] = TinyNet::initial_weights();
  if (mode.tall) w1_init = w1_init.t().contiguous();
  torch::Tensor w1 = w1_init.clone().requires_grad_(true), w2 = w2_init.clone().requires_grad_(true);
  LiMuon opt({w1, w2}, o);
  StormReference ref(o, {w1_init, w2_init}, mode.tall);

  for (int64_t t = 0; t < 6; ++t) {
    auto [x, y] = TinyNet::batch(t);
    opt.step([&] {
      torch::Tensor loss = TinyNet::loss(mode.tall ? w1.t() : w1, w2, x, y);
      loss.backward();
      return loss;
    });
    ref.step(t, x, y);
    for (size_t i = 0; i < 2; ++i) {
      const torch::Tensor& p = i == 0 ? w1 : w2;
      EXPECT_LT(max_abs_diff(p.detach(), ref.weight(i)), 1e-10) << name(mode) << " step " << t << " W" << i + 1;
      const auto& st = state_of(opt, p);
      EXPECT_EQ(st.step(), t + 1);
      if (mode.rank == 0 || mode.polar != Polar::lowrank)
        EXPECT_LT(max_abs_diff(st.momentum(), ref.dense(i)), 1e-10) << name(mode) << " step " << t;
      if (mode.rank > 0)
        EXPECT_LT(max_abs_diff(torch::matmul(st.u() * st.s().unsqueeze(0), st.v().t()), ref.hat(i)), 1e-10)
            << name(mode) << " step " << t;
    }
  }
  EXPECT_EQ(opt.stats().steps, 6);
  EXPECT_EQ(opt.stats().grad_evals, 12);  // two gradients per step
}

std::vector<Mode> every_mode_and_scale() {
  std::vector<Mode> modes;
  for (const Mode m : {Mode{0, Polar::svd}, Mode{0, Polar::newton_schulz}, Mode{3, Polar::lowrank}, Mode{3, Polar::svd},
                       Mode{3, Polar::newton_schulz}}) {
    modes.push_back(m);  // wide matrices: the shape scale is 1
    for (const LrScale scale :
         {LrScale::none, LrScale::shape, LrScale::match_adamw_rms, LrScale::match_adamw_rms_rank})
      modes.push_back(Mode{m.rank, m.polar, scale, /*tall=*/true});
  }
  return modes;
}

INSTANTIATE_TEST_SUITE_P(AllModes, LiMuonReference, ::testing::ValuesIn(every_mode_and_scale()),
                         [](const auto& info) { return name(info.param); });

// Three LiMuon steps on batches 0, 1, 2 of the tiny net; returns the last batch.
std::pair<torch::Tensor, torch::Tensor> three_steps(LiMuon& opt, torch::Tensor& w1, torch::Tensor& w2) {
  std::pair<torch::Tensor, torch::Tensor> batch;
  for (int64_t t = 0; t < 3; ++t) {
    batch = TinyNet::batch(t);
    opt.step([&] {
      torch::Tensor loss = TinyNet::loss(w1, w2, batch.first, batch.second);
      loss.backward();
      return loss;
    });
  }
  return batch;
}

TEST(LiMuonMomentum, IsNotTheLastGradient) {
  // The one-pass pitfall (using the previous batch's gradient as g(W_t; xi_{t+1})) collapses M_t to
  // g_t. Here M_3 must differ from g(W_3; xi_2) by the correction term (1 - beta)(M_2 - g(W_2; xi_2)).
  auto [w1_init, w2_init] = TinyNet::initial_weights();
  torch::Tensor w1 = w1_init.clone().requires_grad_(true), w2 = w2_init.clone().requires_grad_(true);
  LiMuon opt({w1, w2}, LiMuonOptions(0.05).beta(0.1).polar(Polar::svd));
  auto [x, y] = three_steps(opt, w1, w2);
  const torch::Tensor last_gradient = TinyNet::grads(w1.detach(), w2.detach(), x, y).first;
  const torch::Tensor momentum = state_of(opt, w1).momentum();
  EXPECT_GT((momentum - last_gradient).norm().item<double>(), 0.05 * last_gradient.norm().item<double>());
}

TEST(LiMuonMomentum, BetaOneMinusEpsilonIsNearlyThePlainGradient) {
  // With beta -> 1 the correction vanishes: M_{t+1} -> g(W_{t+1}; xi). A check on the (1 - beta) weight.
  auto [w1_init, w2_init] = TinyNet::initial_weights();
  torch::Tensor w1 = w1_init.clone().requires_grad_(true), w2 = w2_init.clone().requires_grad_(true);
  LiMuon opt({w1, w2}, LiMuonOptions(0.05).beta(1 - 1e-12).polar(Polar::svd));
  auto [x, y] = three_steps(opt, w1, w2);
  EXPECT_LT(max_abs_diff(state_of(opt, w1).momentum(), TinyNet::grads(w1.detach(), w2.detach(), x, y).first), 1e-10);
}

}  // namespace
