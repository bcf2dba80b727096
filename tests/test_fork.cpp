// Forks: a branch starts from a kept checkpoint of its parent with a setting changed. It must start from
// exactly the parent's weights and step (so its first loss equals the parent's at that step), see the same
// batches afterwards (an unchanged branch repeats the parent bit for bit), and refuse changes that would
// alter the network or its batches.
#include "limuon/train/fork.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "limuon/train/trainer.hpp"
#include "support/scratch_dir.hpp"
#include "support/tiny_run.hpp"

namespace {

using limuon::train::ForkSource;
using limuon::train::RunConfig;
using limuon::train::RunState;
using limuon::train::Trainer;

struct Ran {
  RunState state;
  std::string error;
  std::map<int64_t, double> loss, grad_evals;
};

Ran run(Trainer& t) {
  t.start();
  t.wait();
  Ran r{t.state(), t.error(), {}, {}};
  for (const auto& m : t.drain().metrics) {
    if (m.name == "train_loss") r.loss[m.step] = m.value;
    if (m.name == "grad_evals") r.grad_evals[m.step] = m.value;
  }
  return r;
}

RunConfig parent_config() {
  RunConfig c = limuon::testing::tiny_run("limuon", 16, 8);
  c.checkpoint_every = 4;
  c.beta = 0.5;
  c.rank = 4;
  c.polar = "lowrank";
  return c;
}

class Fork : public limuon::testing::ScratchDirTest {
 protected:
  Fork() : ScratchDirTest("fork") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    Trainer t(parent_config(), file("parent"));
    t.keep_checkpoint_history(true);
    parent = run(t);
    ASSERT_EQ(parent.state, RunState::finished) << parent.error;
  }
  Ran branch(const RunConfig& config, int64_t step, const std::string& name = "branch") {
    Trainer t(config, file(name));
    t.fork_from(ForkSource{file("parent"), step});
    return run(t);
  }
  Ran parent;
};

TEST_F(Fork, EveryCheckpointIsKeptInTheHistory) {
  EXPECT_EQ(limuon::train::history_steps(file("parent")), (std::vector<int64_t>{4, 8, 12, 16}));
  Trainer t(parent_config(), file("no-history"));
  run(t);
  EXPECT_TRUE(limuon::train::history_steps(file("no-history")).empty()) << "only when asked for";
}

TEST_F(Fork, AnUnchangedBranchRepeatsItsParentBitForBit) {
  const Ran b = branch(parent_config(), 8);
  ASSERT_EQ(b.state, RunState::finished) << b.error;
  ASSERT_EQ(b.loss.size(), 8u);  // steps 9..16 only
  EXPECT_EQ(b.loss.begin()->first, 9);
  for (const auto& [step, loss] : b.loss) EXPECT_EQ(loss, parent.loss.at(step)) << "step " << step;
  EXPECT_EQ(b.grad_evals.at(9), 18);  // the count continues the parent's: 8 steps x 2 + 2
}

TEST_F(Fork, ABranchWithAnotherBetaStartsAtTheParentsWeightsAndThenDiffers) {
  RunConfig changed = parent_config();
  changed.beta = 0.9;  // state kept (same rank and polar), options the branch's own
  const Ran b = branch(changed, 8);
  ASSERT_EQ(b.state, RunState::finished) << b.error;
  // Step 9's loss is taken at W_8 on batch 9, before the branch's first update: the parent's exactly.
  EXPECT_EQ(b.loss.at(9), parent.loss.at(9));
  int differing = 0;
  for (int64_t s = 10; s <= 16; ++s) differing += b.loss.at(s) != parent.loss.at(s);
  EXPECT_GE(differing, 6) << "beta must reach the branch's optimizer";
}

TEST_F(Fork, ABranchMayChangeTheOptimizerOrTheRank) {
  RunConfig muon = limuon::testing::tiny_run("muon", 16, 8);
  const Ran m = branch(muon, 12, "muon");
  ASSERT_EQ(m.state, RunState::finished) << m.error;
  EXPECT_EQ(m.loss.at(13), parent.loss.at(13));
  EXPECT_EQ(m.grad_evals.at(13), 25);  // LiMuon's 24 for 12 steps, then one per Muon step
  EXPECT_EQ(m.grad_evals.at(16), 28);

  RunConfig rank2 = parent_config();
  rank2.rank = 2;  // the parent's rank-4 state does not fit: a fresh state at step 4
  const Ran r = branch(rank2, 4, "rank2");
  ASSERT_EQ(r.state, RunState::finished) << r.error;
  EXPECT_EQ(r.loss.at(5), parent.loss.at(5));
  EXPECT_NE(r.loss.at(16), parent.loss.at(16));
}

TEST_F(Fork, ChangesToTheNetworkOrItsBatchesAreRefused) {
  for (const char* key : {"seed", "batch_size"}) {
    RunConfig changed = parent_config();
    changed.set(key, "7", "test");
    const Ran b = branch(changed, 8, key);
    EXPECT_EQ(b.state, RunState::failed) << key;
    EXPECT_NE(b.error.find(std::string("keeps its parent's ") + key), std::string::npos) << b.error;
  }
  const Ran missing = branch(parent_config(), 6, "missing");  // 6 is not a multiple of 4: never kept
  EXPECT_EQ(missing.state, RunState::failed);
  EXPECT_NE(missing.error.find("no checkpoint of step 6 was kept"), std::string::npos) << missing.error;
}

TEST_F(Fork, ABranchResumesFromItsOwnCheckpointAfterAStop) {
  RunConfig changed = parent_config();
  changed.beta = 0.2;
  const Ran whole = branch(changed, 8, "whole");
  ASSERT_EQ(whole.state, RunState::finished) << whole.error;
  {
    Trainer t(changed, file("stopped"));
    t.fork_from(ForkSource{file("parent"), 8});
    t.pause();  // held before its first step, then stopped: it checkpoints at the fork step
    t.start();
    while (t.state() != RunState::paused) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    t.request_stop();
    t.wait();
    ASSERT_EQ(t.state(), RunState::stopped) << t.error();
  }
  Trainer again(changed, file("stopped"));
  again.fork_from(ForkSource{file("parent"), 8});
  const Ran resumed = run(again);
  ASSERT_EQ(resumed.state, RunState::finished) << resumed.error;
  for (const auto& [step, loss] : resumed.loss) EXPECT_EQ(loss, whole.loss.at(step)) << "step " << step;
  EXPECT_EQ(resumed.grad_evals.at(16), 32);
}

}  // namespace
