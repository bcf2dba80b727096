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

const limuon::LiMuonParamState& state_of(const LiMuon& opt, const torch::Tensor& p) {
  return static_cast<const limuon::LiMuonParamState&>(*opt.state().at(c10::guts::to_string(p.unsafeGetTensorImpl())));
}

// Everything a matrix's state holds, copied: dense momentum, factors, step and sketch counters.
struct StateCopy {
  torch::Tensor momentum, u, s, v;
  int64_t step, rsvd_seed;
  explicit StateCopy(const limuon::LiMuonParamState& st)
      : momentum(st.momentum().defined() ? st.momentum().clone() : torch::Tensor()),
        u(st.u().defined() ? st.u().clone() : torch::Tensor()),
        s(st.s().defined() ? st.s().clone() : torch::Tensor()),
        v(st.v().defined() ? st.v().clone() : torch::Tensor()),
        step(st.step()),
        rsvd_seed(st.rsvd_seed()) {}
};

bool same_tensor(const torch::Tensor& a, const torch::Tensor& b) {
  return a.defined() == b.defined() && (!a.defined() || torch::equal(a, b));
}

// Bit-identical: the same tensors (or the same absence of one) and the same counters.
void expect_same_state(const StateCopy& a, const StateCopy& b, const std::string& what) {
  EXPECT_TRUE(same_tensor(a.momentum, b.momentum)) << what << ": momentum";
  EXPECT_TRUE(same_tensor(a.u, b.u)) << what << ": u";
  EXPECT_TRUE(same_tensor(a.s, b.s)) << what << ": s";
  EXPECT_TRUE(same_tensor(a.v, b.v)) << what << ": v";
  EXPECT_EQ(a.step, b.step) << what << ": step";
  EXPECT_EQ(a.rsvd_seed, b.rsvd_seed) << what << ": rsvd_seed";
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

    const torch::Tensor w1 = dirty.w1.detach().clone(), w2 = dirty.w2.detach().clone();
    const StateCopy st1(state_of(dirty_opt, dirty.w1)), st2(state_of(dirty_opt, dirty.w2));
    const int64_t bytes = limuon::state_bytes(dirty_opt);
    dirty_opt.step(closure_for(dirty, 1, poison, /*poison_call=*/1));
    EXPECT_TRUE(dirty_opt.stats().last_skipped);
    EXPECT_EQ(dirty_opt.stats().skipped_nonfinite, 1);
    EXPECT_EQ(dirty_opt.stats().kept_momentum, 0);
    EXPECT_EQ(dirty_opt.stats().steps, 1);       // the skipped step updated nothing
    EXPECT_EQ(dirty_opt.stats().grad_evals, 3);  // but its first pass was evaluated: 2 + 1, no second pass
    EXPECT_TRUE(torch::equal(dirty.w1, w1) && torch::equal(dirty.w2, w2));
    expect_same_state(StateCopy(state_of(dirty_opt, dirty.w1)), st1, "W1 after the skipped step");
    expect_same_state(StateCopy(state_of(dirty_opt, dirty.w2)), st2, "W2 after the skipped step");
    EXPECT_EQ(limuon::state_bytes(dirty_opt), bytes);

    for (int64_t t = 1; t < 4; ++t) {
      clean_opt.step(closure_for(clean, t));
      dirty_opt.step(closure_for(dirty, t));
    }
    EXPECT_FALSE(dirty_opt.stats().last_skipped);
    EXPECT_TRUE(torch::equal(clean.w1, dirty.w1) && torch::equal(clean.w2, dirty.w2));
    expect_same_state(StateCopy(state_of(dirty_opt, dirty.w1)), StateCopy(state_of(clean_opt, clean.w1)), "W1 later");
    expect_same_state(StateCopy(state_of(dirty_opt, dirty.w2)), StateCopy(state_of(clean_opt, clean.w2)), "W2 later");
    EXPECT_EQ(dirty_opt.stats().steps, clean_opt.stats().steps);
    EXPECT_EQ(dirty_opt.stats().grad_evals, clean_opt.stats().grad_evals + 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, NonFinite,
                         ::testing::Values(std::make_pair(int64_t{0}, Polar::newton_schulz),
                                           std::make_pair(int64_t{2}, Polar::lowrank)),
                         [](const auto& info) {
                           return "rank" + std::to_string(info.param.first) + "_" + limuon::to_string(info.param.second);
                         });

TEST(NonFinite, SecondPassPoisonKeepsTheMomentumAndTheWeightsMoveAsInACleanRun) {
  Net net, clean;
  const auto o = LiMuonOptions(0.05).polar(Polar::svd);
  LiMuon opt({net.w1, net.w2}, o), clean_opt({clean.w1, clean.w2}, o);
  opt.step(closure_for(net, 0));
  clean_opt.step(closure_for(clean, 0));
  const StateCopy before(state_of(opt, net.w1));
  opt.step(closure_for(net, 1, std::nan(""), /*poison_call=*/2));
  clean_opt.step(closure_for(clean, 1));
  EXPECT_EQ(opt.stats().kept_momentum, 1);
  EXPECT_EQ(opt.stats().skipped_nonfinite, 0);
  EXPECT_FALSE(opt.stats().last_skipped);
  EXPECT_EQ(opt.stats().steps, 2);       // the weights did move
  EXPECT_EQ(opt.stats().grad_evals, 4);  // both passes ran
  // M_t, and its step counter (the sketch number), exactly as before the step.
  expect_same_state(StateCopy(state_of(opt, net.w1)), before, "after a poisoned second pass");
  // The update used only the finite first pass: the weights are those of the clean run, bit for bit.
  EXPECT_TRUE(torch::equal(net.w1, clean.w1) && torch::equal(net.w2, clean.w2));
  // The next step goes on from M_t: its momentum changes and its counter advances by one.
  opt.step(closure_for(net, 2));
  const auto& after = state_of(opt, net.w1);
  EXPECT_EQ(after.step(), before.step + 1);
  EXPECT_FALSE(torch::equal(after.momentum(), before.momentum));
  EXPECT_TRUE(torch::isfinite(after.momentum()).all().item<bool>());
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
  EXPECT_EQ(opt.stats().steps, 0);
  EXPECT_TRUE(opt.stats().last_skipped);
  EXPECT_EQ(limuon::state_bytes(opt), 0);
  EXPECT_TRUE(opt.state().empty());
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
