// LiMuon's closure protocol: whatever the closure does to the gradients before backward() (the PyTorch
// habit of zeroing them, through the optimizer or the module), the STORM correction survives; what it
// cannot survive is said; a step with no matrix gradient spends one pass; large finite gradients are
// not mistaken for NaN.
#include "limuon/limuon.hpp"
#include "support/references.hpp"

#include <c10/util/string_utils.h>

namespace {

using limuon::LiMuon;
using limuon::LiMuonOptions;
using limuon::LiMuonParamState;
using limuon::Polar;
using limuon::test::TinyNet;

// The tiny net as a module, so that Module::zero_grad can be called on it.
struct TinyModule : torch::nn::Module {
  torch::Tensor w1, w2;
  TinyModule() {
    auto [a, b] = TinyNet::initial_weights();
    w1 = register_parameter("w1", a.clone());
    w2 = register_parameter("w2", b.clone());
  }
};

const LiMuonParamState& state_of(const LiMuon& opt, const torch::Tensor& p) {
  return static_cast<const LiMuonParamState&>(*opt.state().at(c10::guts::to_string(p.unsafeGetTensorImpl())));
}

enum class Zeroing { none, optimizer, module_in_place, module_set_to_none };

struct Trained {
  torch::Tensor w1, w2, m1, m2;
};

// Four LiMuon steps of the tiny net; the closure zeroes gradients the given way before backward().
Trained train_with(Zeroing zeroing, const LiMuonOptions& options) {
  TinyModule net;
  LiMuon opt({net.w1, net.w2}, options);
  torch::optim::Optimizer& base = opt;  // what generic training code holds
  for (int64_t t = 0; t < 4; ++t) {
    auto [x, y] = TinyNet::batch(t);
    opt.step([&] {
      if (zeroing == Zeroing::optimizer) base.zero_grad();
      if (zeroing == Zeroing::module_in_place) net.zero_grad(/*set_to_none=*/false);
      if (zeroing == Zeroing::module_set_to_none) net.zero_grad(/*set_to_none=*/true);
      torch::Tensor loss = TinyNet::loss(net.w1, net.w2, x, y);
      loss.backward();
      return loss;
    });
  }
  const auto& s1 = state_of(opt, net.w1);
  const auto& s2 = state_of(opt, net.w2);
  auto momentum = [&](const LiMuonParamState& s) {
    return s.momentum().defined() ? s.momentum() : torch::matmul(s.u() * s.s().unsqueeze(0), s.v().t());
  };
  return {net.w1.detach().clone(), net.w2.detach().clone(), momentum(s1), momentum(s2)};
}

TEST(ClosureProtocol, ZeroingGradientsBeforeBackwardChangesNothing) {
  for (const auto& options : {LiMuonOptions(0.05).beta(0.2).polar(Polar::svd),
                              LiMuonOptions(0.05).beta(0.2).rank(2).polar(Polar::lowrank).seed(3)}) {
    const Trained plain = train_with(Zeroing::none, options);
    for (const Zeroing z : {Zeroing::optimizer, Zeroing::module_in_place, Zeroing::module_set_to_none}) {
      const Trained zeroed = train_with(z, options);
      const std::string why = "zeroing " + std::to_string(static_cast<int>(z)) + ", rank " + std::to_string(options.rank());
      EXPECT_TRUE(torch::equal(zeroed.w1, plain.w1) && torch::equal(zeroed.w2, plain.w2)) << why;
      EXPECT_TRUE(torch::equal(zeroed.m1, plain.m1) && torch::equal(zeroed.m2, plain.m2)) << why;
    }
  }
}

TEST(ClosureProtocol, ClearingGradientsAfterBackwardKeepsTheMomentumAndSaysWhy) {
  TinyModule net;
  LiMuon opt({net.w1, net.w2}, LiMuonOptions(0.05).polar(Polar::svd));
  auto [x, y] = TinyNet::batch(0);
  int calls = 0;
  auto closure = [&] {
    torch::Tensor loss = TinyNet::loss(net.w1, net.w2, x, y);
    loss.backward();
    if (++calls % 2 == 0) net.zero_grad(/*set_to_none=*/true);  // after backward: the gradient is lost
    return loss;
  };
  try {
    opt.step(closure);
    ADD_FAILURE() << "a second pass without gradients was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("without a gradient"), std::string::npos) << e.what();
  }
  EXPECT_EQ(opt.stats().kept_momentum, 1);
  // M_0 = g(W_0; xi_0) stays: the momentum did not become the lost gradient or zero.
  const auto [g1, g2] = TinyNet::grads(TinyNet::initial_weights().first, TinyNet::initial_weights().second, x, y);
  EXPECT_LT(limuon::test::max_abs_diff(state_of(opt, net.w1).momentum(), g1), 1e-12);
}

TEST(ClosureProtocol, AStepWithoutMatrixGradientsSpendsOnePass) {
  torch::Tensor matrix = torch::randn({4, 3}).requires_grad_(true);
  torch::Tensor bias = torch::randn({3}).requires_grad_(true);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{matrix}, std::make_unique<LiMuonOptions>(LiMuonOptions(0.01)));
  groups.emplace_back(std::vector<torch::Tensor>{bias}, std::make_unique<LiMuonOptions>(LiMuonOptions(0.01).adamw(true)));
  LiMuon opt(std::move(groups));
  int calls = 0;
  opt.step([&] {  // only the bias is reached
    ++calls;
    torch::Tensor loss = bias.pow(2).sum();
    loss.backward();
    return loss;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(opt.stats().grad_evals, 1);
  EXPECT_EQ(opt.stats().steps, 1);
  calls = 0;
  opt.step([&] {  // now the matrix too: two passes
    ++calls;
    torch::Tensor loss = bias.pow(2).sum() + matrix.pow(2).sum();
    loss.backward();
    return loss;
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(opt.stats().grad_evals, 3);
}

// Gradients of 1e37 in a 100-entry matrix: every entry is finite, their float32 sum is not.
TEST(FiniteCheck, LargeFiniteGradientsAreNotMistakenForNaN) {
  torch::Tensor a = torch::randn({10, 10}).requires_grad_(true);
  torch::Tensor b = torch::randn({10, 10}).requires_grad_(true);
  ASSERT_FALSE(std::isfinite(torch::full({10, 10}, 1e37f).sum().item<float>()));
  const torch::Tensor a0 = a.detach().clone(), b0 = b.detach().clone();
  LiMuon limuon_opt({a}, LiMuonOptions(0.01).polar(Polar::svd));
  limuon::Muon muon_opt({b}, limuon::MuonOptions(0.01).polar(Polar::svd));
  limuon_opt.step([&] {
    torch::Tensor loss = (a * 1e37f).sum();
    loss.backward();
    return loss;
  });
  b.mutable_grad() = torch::full({10, 10}, 1e37f);
  muon_opt.step();
  EXPECT_EQ(limuon_opt.stats().skipped_nonfinite, 0);
  EXPECT_EQ(muon_opt.stats().skipped_nonfinite, 0);
  EXPECT_FALSE(torch::equal(a.detach(), a0));
  EXPECT_FALSE(torch::equal(b.detach(), b0));
  // A single NaN or Inf among them is still caught.
  for (const float poison : {std::nanf(""), std::numeric_limits<float>::infinity()}) {
    torch::Tensor g = torch::full({10, 10}, 1e37f);
    g[3][4] = poison;
    b.mutable_grad() = g;
    muon_opt.step();
  }
  EXPECT_EQ(muon_opt.stats().skipped_nonfinite, 2);
}

}  // namespace
