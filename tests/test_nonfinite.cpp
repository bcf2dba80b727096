// A NaN or Inf gradient never reaches weights or state; the step is skipped, counted, and the next
// finite step proceeds as if the bad one never happened. Parameters without a gradient stay untouched.
#include "limuon/limuon.hpp"
#include "support/references.hpp"

namespace {

using limuon::LiMuon;
using limuon::LiMuonOptions;
using limuon::Polar;
using limuon::test::TinyNet;

struct Net {
  torch::Tensor w1, w2;
  Net() {
    auto [a, b] = TinyNet::initial_weights();
    w1 = a.requires_grad_(true);
    w2 = b.requires_grad_(true);
  }
};

// Loss on batch t; `poison` multiplies it by NaN or Inf on the chosen call of the closure (0 = none).
auto closure_for(Net& net, int64_t t, double poison = 1.0, int poison_call = 0) {
  auto [x, y] = TinyNet::batch(t);
  auto calls = std::make_shared<int>(0);
  return [&net, x = x, y = y, poison, poison_call, calls] {
    ++*calls;
    torch::Tensor loss = TinyNet::loss(net.w1, net.w2, x, y);
    if (*calls == poison_call) loss = loss * poison;
    loss.backward();
    return loss;
  };
}

class NonFinite : public ::testing::TestWithParam<std::pair<int64_t, Polar>> {};

TEST_P(NonFinite, FirstPassPoisonSkipsTheStepAndTheRunContinuesUnchanged) {
  const auto [rank, polar] = GetParam();
  const auto o = LiMuonOptions(0.05).rank(rank).polar(polar);
  for (const double poison : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    Net clean, dirty;
    LiMuon clean_opt({clean.w1, clean.w2}, o), dirty_opt({dirty.w1, dirty.w2}, o);
    clean_opt.step(closure_for(clean, 0));
    dirty_opt.step(closure_for(dirty, 0));

    const torch::Tensor w1 = dirty.w1.detach().clone();
    const int64_t bytes = limuon::state_bytes(dirty_opt);
    dirty_opt.step(closure_for(dirty, 1, poison, /*poison_call=*/1));
    EXPECT_TRUE(dirty_opt.stats().last_skipped);
    EXPECT_EQ(dirty_opt.stats().skipped_nonfinite, 1);
    EXPECT_TRUE(torch::equal(dirty.w1, w1));
    EXPECT_EQ(limuon::state_bytes(dirty_opt), bytes);

    for (int64_t t = 1; t < 4; ++t) {
      clean_opt.step(closure_for(clean, t));
      dirty_opt.step(closure_for(dirty, t));
    }
    EXPECT_FALSE(dirty_opt.stats().last_skipped);
    EXPECT_TRUE(torch::equal(clean.w1, dirty.w1) && torch::equal(clean.w2, dirty.w2));
    EXPECT_TRUE(torch::isfinite(dirty.w1).all().item<bool>());
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, NonFinite,
                         ::testing::Values(std::make_pair(int64_t{0}, Polar::newton_schulz),
                                           std::make_pair(int64_t{2}, Polar::lowrank)),
                         [](const auto& info) {
                           return "rank" + std::to_string(info.param.first) + "_" + limuon::to_string(info.param.second);
                         });

TEST(NonFinite, SecondPassPoisonKeepsTheMomentumAndTheWeightsFinite) {
  Net net;
  LiMuon opt({net.w1, net.w2}, LiMuonOptions(0.05).polar(Polar::svd));
  opt.step(closure_for(net, 0));
  const auto key = c10::guts::to_string(net.w1.unsafeGetTensorImpl());
  const torch::Tensor momentum = static_cast<const limuon::LiMuonParamState&>(*opt.state().at(key)).momentum().clone();
  opt.step(closure_for(net, 1, std::nan(""), /*poison_call=*/2));
  EXPECT_EQ(opt.stats().kept_momentum, 1);
  EXPECT_TRUE(torch::equal(static_cast<const limuon::LiMuonParamState&>(*opt.state().at(key)).momentum(), momentum));
  EXPECT_TRUE(torch::isfinite(net.w1).all().item<bool>());
  opt.step(closure_for(net, 2));
  EXPECT_TRUE(torch::isfinite(static_cast<const limuon::LiMuonParamState&>(*opt.state().at(key)).momentum()).all().item<bool>());
}

TEST(NonFinite, MuonSkipsAPoisonedStep) {
  torch::Tensor w = torch::randn({6, 4}).requires_grad_(true);
  limuon::Muon opt({w}, limuon::MuonOptions(0.1));
  w.mutable_grad() = torch::randn({6, 4});
  w.mutable_grad()[2][1] = std::numeric_limits<float>::infinity();
  const torch::Tensor before = w.detach().clone();
  opt.step();
  EXPECT_TRUE(torch::equal(w, before));
  EXPECT_EQ(opt.stats().skipped_nonfinite, 1);
  EXPECT_EQ(limuon::state_bytes(opt), 0);
}

TEST(NoGradient, ParametersTheClosureDoesNotReachStayUntouched) {
  Net net;
  torch::Tensor unused = torch::randn({3, 3}).requires_grad_(true);
  const torch::Tensor before = unused.detach().clone();
  LiMuon opt({net.w1, net.w2, unused}, LiMuonOptions(0.05));
  for (int64_t t = 0; t < 3; ++t) opt.step(closure_for(net, t));
  EXPECT_TRUE(torch::equal(unused, before));
  EXPECT_EQ(opt.state().count(c10::guts::to_string(unused.unsafeGetTensorImpl())), 0u);
  EXPECT_FALSE(unused.grad().defined());
}

}  // namespace
