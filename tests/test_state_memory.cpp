// Persistent state: its exact size per mode, and no hidden m x n buffers in the two-pass step.
#include "limuon/limuon.hpp"
#include "support/alloc_tracker.hpp"
#include "support/references.hpp"

#include <c10/util/string_utils.h>

namespace {

using limuon::LiMuon;
using limuon::LiMuonOptions;
using limuon::LiMuonParamState;
using limuon::Polar;

constexpr int64_t kRows = 96, kCols = 160;

// A closure standing in for backward(): the first pass of a step yields g_old, the second g_new, each
// as a fresh tensor accumulated the way autograd's AccumulateGrad does (taken over by an undefined
// gradient, else added in place). With a tracker it also notes the live bytes when the second pass of
// the next step begins, and which call that was.
struct SyntheticGradients {
  torch::Tensor w, g_old, g_new;
  limuon::test::AllocTracker* tracker = nullptr;
  std::shared_ptr<int64_t> calls = std::make_shared<int64_t>(0);
  std::shared_ptr<int64_t> live_at_second_pass = std::make_shared<int64_t>(-1);
  std::shared_ptr<int64_t> recorded_at_call = std::make_shared<int64_t>(-1);
  explicit SyntheticGradients(torch::Tensor weight)
      : w(std::move(weight)), g_old(torch::randn(w.sizes())), g_new(torch::randn(w.sizes())) {}
  torch::Tensor operator()() const {
    torch::NoGradGuard no_grad;
    const bool second_pass = ++*calls % 2 == 0;
    if (second_pass && tracker && *recorded_at_call < 0) {
      *live_at_second_pass = tracker->live();
      *recorded_at_call = *calls;
    }
    torch::Tensor fresh = (second_pass ? g_new : g_old).clone();
    torch::Tensor w_mut = w;
    if (w.grad().defined()) w_mut.mutable_grad().add_(fresh);
    else w_mut.mutable_grad() = std::move(fresh);
    return torch::zeros({});
  }
};

// After two steps on the same synthetic batch, p.grad must hold M_2 = g_new + (1 - beta)(M_hat_1 - g_old),
// so X = (p.grad - g_new) / (1 - beta) + g_old is M_hat_1: g_new itself for dense momentum (M_1 = g_new,
// the first step's correction being M_0 - g_old = 0), a matrix of rank <= r for low-rank momentum. Only a
// second pass that really delivered g_new gives that: the memory figures above are then not vacuous.
void expect_second_pass_delivered_g_new(const LiMuon& opt, const SyntheticGradients& closure, double beta,
                                        int64_t rank) {
  EXPECT_EQ(*closure.calls, 4) << "two steps, two passes each";
  EXPECT_EQ(*closure.recorded_at_call, 4) << "the live bytes were not taken in the second step's second pass";
  EXPECT_EQ(opt.stats().grad_evals, 4);
  EXPECT_EQ(opt.stats().kept_momentum, 0);
  const torch::Tensor x =
      ((closure.w.grad() - closure.g_new) / (1 - beta) + closure.g_old).to(torch::kDouble);
  if (rank == 0) {
    EXPECT_LT(limuon::test::max_abs_diff(x, closure.g_new), 1e-4);
  } else {
    const torch::Tensor s = torch::linalg_svdvals(x);
    EXPECT_GT(s[rank - 1].item<double>(), 0.1 * s[0].item<double>());
    EXPECT_LT(s[rank].item<double>(), 1e-4 * s[0].item<double>()) << "M_hat_1 is not of rank " << rank;
  }
}

struct StateCase {
  int64_t rank;
  Polar polar;
  int64_t numbers;  // persistent numbers per matrix, from LIMUON.md
  int64_t tensors;
};

class LiMuonState : public ::testing::TestWithParam<StateCase> {};

TEST_P(LiMuonState, HoldsExactlyTheDocumentedNumbers) {
  const StateCase c = GetParam();
  // Installed before any tensor of the test, so that every release is seen: the state is exactly what a
  // step leaves alive that was not alive before it, counted by the allocator, not by the optimizer.
  limuon::test::AllocTracker tracker;
  torch::Tensor w = torch::randn({kRows, kCols}).requires_grad_(true);
  LiMuon opt({w}, LiMuonOptions(0.01).rank(c.rank).polar(c.polar));
  SyntheticGradients closure(w);
  for (int i = 0; i < 3; ++i) {
    const int64_t before = tracker.live();
    opt.step(closure);
    // p.grad (M_{t+1} after a step) belongs to the model's gradients, not to the optimizer's state.
    w.mutable_grad().reset();
    const int64_t grown = tracker.live() - before;
    // The first step creates the state (float32 numbers); later steps reuse it and leave nothing behind.
    EXPECT_EQ(grown, i == 0 ? c.numbers * 4 : 0) << "step " << i + 1;
  }
  EXPECT_EQ(opt.stats().grad_evals, 6);
  EXPECT_EQ(limuon::state_tensor_count(opt), c.tensors);
  EXPECT_EQ(limuon::state_bytes(opt), c.numbers * 4 + 2 * 8);  // float32 numbers + step and seed counters
}

constexpr int64_t kR = 8, kMN = kRows * kCols, kFactors = (kRows + kCols) * kR + kR;
INSTANTIATE_TEST_SUITE_P(Modes, LiMuonState,
                         ::testing::Values(StateCase{0, Polar::newton_schulz, kMN, 1}, StateCase{0, Polar::svd, kMN, 1},
                                           StateCase{kR, Polar::lowrank, kFactors, 3},
                                           StateCase{kR, Polar::newton_schulz, kMN + kFactors, 4},
                                           StateCase{kR, Polar::svd, kMN + kFactors, 4}),
                         [](const auto& info) {
                           return "rank" + std::to_string(info.param.rank) + "_" + limuon::to_string(info.param.polar);
                         });

TEST(StateBytes, MuonAndLibTorchAdamWAreCountedExactly) {
  torch::Tensor a = torch::randn({kRows, kCols}).requires_grad_(true);
  torch::Tensor b = torch::randn({kRows, kCols}).requires_grad_(true);
  limuon::Muon muon({a});
  torch::optim::AdamW adamw({b});
  EXPECT_EQ(limuon::state_bytes(muon), 0);  // lazily created
  a.mutable_grad() = torch::randn({kRows, kCols});
  b.mutable_grad() = torch::randn({kRows, kCols});
  muon.step();
  adamw.step();
  EXPECT_EQ(limuon::state_bytes(muon), kMN * 4 + 8);
  EXPECT_EQ(limuon::state_bytes(adamw), 2 * kMN * 4 + 8);
}

TEST(StateBytes, LowRankStateIsAFractionOfMuonsOnADistilGpt2Shape) {
  torch::Tensor a = torch::randn({768, 3072}).requires_grad_(true);
  LiMuon opt({a}, LiMuonOptions(0.01).rank(8).polar(Polar::lowrank));
  opt.step(SyntheticGradients(a));
  const double muon_bytes = 768.0 * 3072.0 * 4 + 8;
  EXPECT_LE(double(limuon::state_bytes(opt)) / muon_bytes, 0.014);
}

// Peak of live CPU tensor bytes during `work`, above what was alive before it. The tracker must be
// installed before the tensors the step frees were allocated, or their release would go uncounted.
template <typename Work>
int64_t peak_above_baseline(limuon::test::AllocTracker& tracker, Work&& work) {
  const int64_t before = tracker.live();
  tracker.reset_peak();
  work();
  return tracker.peak() - before;
}

// Every live tracked byte accounted for: weight, gradient, the closure's two gradients, the state.
int64_t known_live_bytes(const LiMuon& opt, const SyntheticGradients& closure, int64_t extra = 0) {
  int64_t bytes = 4 * (closure.w.numel() + closure.w.grad().numel() + closure.g_old.numel() + closure.g_new.numel());
  return bytes + limuon::state_bytes(opt) - 2 * 8 + extra;  // state_bytes counts two int64 counters
}

constexpr int64_t kBigRows = 256, kBigCols = 384, kBigBytes = kBigRows * kBigCols * 4;

TEST(StepMemory, LowRankStepAllocatesNoDenseBufferAtAll) {
  limuon::test::AllocTracker tracker;
  torch::Tensor w = torch::randn({kBigRows, kBigCols}).requires_grad_(true);
  LiMuon opt({w}, LiMuonOptions(0.01).rank(kR).polar(Polar::lowrank));
  SyntheticGradients closure(w);
  opt.step(closure);  // state exists; p.grad holds M_1
  EXPECT_NEAR(tracker.live(), known_live_bytes(opt, closure), 64) << "a hidden buffer outlived the step";
  // The second pass's fresh gradient (m x n, as backward() makes it) lives beside the correction, which
  // is the first pass's buffer; everything else is O((m + n) * (r + p)): the sketch, its QR, B = Q^T A
  // and its SVD, the factors, U diag(s).
  closure.tracker = &tracker;
  const int64_t before = tracker.live();
  const int64_t peak = peak_above_baseline(tracker, [&] { opt.step(closure); });
  // While the second pass runs, the only m x n buffers are W, the correction (in the first pass's gradient
  // buffer) and the closure's own inputs: nothing of the optimizer's is alive beyond its state.
  ASSERT_GE(*closure.live_at_second_pass, 0) << "the second pass never ran";
  expect_second_pass_delivered_g_new(opt, closure, LiMuonOptions().beta(), kR);
  EXPECT_LE(*closure.live_at_second_pass - before, kBigBytes / 100);
  const int64_t sketch_bytes = (kBigRows + kBigCols) * (kR + 5) * 4;
  const int64_t optimizers_peak = peak - kBigBytes;  // less the second pass's fresh gradient
  EXPECT_LE(optimizers_peak, 4 * sketch_bytes) << "more than a few sketch-sized temporaries";
  EXPECT_LT(optimizers_peak, kBigBytes / 4) << "an m x n temporary appeared in the low-rank step";
  EXPECT_GT(peak, 0);  // the tracker sees the step's temporaries
  EXPECT_EQ(limuon::state_tensor_count(opt), 3);
}

TEST(StepMemory, DenseStepNeedsNothingBeyondThePolarFactorsOwnTemporaries) {
  limuon::test::AllocTracker tracker;
  torch::Tensor w = torch::randn({kBigRows, kBigCols}).requires_grad_(true);
  LiMuon opt({w}, LiMuonOptions(0.01).polar(Polar::newton_schulz));
  SyntheticGradients closure(w);
  opt.step(closure);
  const torch::Tensor m = torch::randn({kBigRows, kBigCols});
  const int64_t polar_peak = peak_above_baseline(tracker, [&] { limuon::polar_newton_schulz(m); });
  ASSERT_GE(polar_peak, kBigBytes);  // its result alone is m x n
  EXPECT_NEAR(tracker.live(), known_live_bytes(opt, closure, m.nbytes()), 64) << "a hidden buffer outlived the step";
  // The STORM correction lives in the first pass's gradient buffer: a kept copy of g(W_t; xi) would add m x n.
  closure.tracker = &tracker;
  const int64_t before = tracker.live();
  EXPECT_LE(peak_above_baseline(tracker, [&] { opt.step(closure); }), polar_peak + kBigBytes / 100);
  ASSERT_GE(*closure.live_at_second_pass, 0) << "the second pass never ran";
  expect_second_pass_delivered_g_new(opt, closure, LiMuonOptions().beta(), 0);
  EXPECT_LE(*closure.live_at_second_pass - before, kBigBytes / 100);
  EXPECT_EQ(limuon::state_tensor_count(opt), 1);
}

}  // namespace
