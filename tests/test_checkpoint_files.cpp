// Trainer checkpoints on disk: the newest complete one wins, also after kills between the renames.
#include "limuon/train/checkpoint.hpp"
#include "support/scratch_dir.hpp"

#include <filesystem>

namespace {

namespace fs = std::filesystem;
using limuon::train::CheckpointProgress;

struct Fixture {
  torch::nn::Linear model{3, 2};
  torch::optim::SGD opt{model->parameters(), torch::optim::SGDOptions(0.1)};
};

class CheckpointFiles : public limuon::testing::ScratchDirTest {
 protected:
  CheckpointFiles() : ScratchDirTest("ckpt") {}
  void save(int64_t step) {
    Fixture f;
    limuon::train::save_checkpoint(dir.string(), *f.model, f.opt,
                                   CheckpointProgress{step, 2.5, 1.0 * double(step), {{step, 0.5, "train_loss", 1.0}}},
                                   "{}");
  }
  int64_t load_step() {
    Fixture f;
    const auto p = limuon::train::load_checkpoint(dir.string(), *f.model, f.opt, "{}");
    return p ? p->step : -1;
  }
};

TEST_F(CheckpointFiles, ProgressRoundTrips) {
  save(7);
  Fixture f;
  const auto p = limuon::train::load_checkpoint(dir.string(), *f.model, f.opt, "{}");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->step, 7);
  EXPECT_EQ(p->first_loss, 2.5);
  EXPECT_EQ(p->wall_s, 7.0);
  ASSERT_EQ(p->recent_metrics.size(), 1u);
  EXPECT_EQ(p->recent_metrics[0].name, "train_loss");
  EXPECT_THROW(limuon::train::load_checkpoint(dir.string(), *f.model, f.opt, "{\"other\": 1}"), std::runtime_error);
}

TEST_F(CheckpointFiles, KillBetweenTheRenamesLeavesOnlyOldAndTheNextSaveKeepsIt) {
  save(5);
  fs::rename(dir / "current", dir / "old");  // killed after current -> old, before next -> current
  EXPECT_EQ(load_step(), 5);
  save(10);
  EXPECT_EQ(load_step(), 10);
  EXPECT_FALSE(fs::exists(dir / "old"));
}

TEST_F(CheckpointFiles, KillBeforeTheSwapLeavesACompleteNextThatWins) {
  save(5);
  save(10);
  fs::rename(dir / "current", dir / "next");  // a complete next, current gone: two kills in a row
  EXPECT_EQ(load_step(), 10);
  fs::remove(dir / "next" / "step");  // an incomplete next is ignored
  EXPECT_EQ(load_step(), -1);
}

}  // namespace
