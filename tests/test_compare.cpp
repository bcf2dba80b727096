// Runs side by side at equal steps, gradient evaluations and wall time, on curves known in closed form.
#include "limuon/store/compare.hpp"
#include "support/known_curves.hpp"
#include "support/scratch_dir.hpp"

namespace {

using limuon::store::Store;

class Compare : public limuon::testing::ScratchDirTest {
 protected:
  Compare() : ScratchDirTest("compare") {}
};

// Mean of f(s) for s = first..last, computed by hand.
double mean(double intercept, double slope, int first, int last) {
  return intercept + slope * (first + last) / 2.0;
}

TEST_F(Compare, EachLimitIsTheFewestAnyRunReachedAndEachRunIsReadThere) {
  Store db(file("runs.db"));
  limuon::testing::write_known_curves(db);
  const auto c = limuon::store::compare_runs(db, {1, 2});
  EXPECT_EQ(c.steps, 10);
  EXPECT_EQ(c.grad_evals, 20);
  EXPECT_EQ(c.wall_s, 1.25);
  // Equal steps: both at step 10.
  EXPECT_EQ(c.at_steps[0].step, 10);
  EXPECT_NEAR(*c.at_steps[0].train_loss, mean(10, -0.5, 1, 10), 1e-12);
  EXPECT_EQ(*c.at_steps[0].val_loss, 4.0);
  EXPECT_EQ(c.at_steps[1].step, 10);
  EXPECT_NEAR(*c.at_steps[1].train_loss, mean(8, -0.2, 1, 10), 1e-12);
  EXPECT_NEAR(*c.at_steps[1].val_loss, 6.0, 1e-12);
  // Equal gradient evaluations (20): LiMuon at step 10, Muon at step 20.
  EXPECT_EQ(c.at_grad_evals[0].step, 10);
  EXPECT_EQ(c.at_grad_evals[1].step, 20);
  EXPECT_EQ(c.at_grad_evals[1].grad_evals, 20);
  EXPECT_NEAR(*c.at_grad_evals[1].train_loss, mean(8, -0.2, 11, 20), 1e-12);
  EXPECT_NEAR(*c.at_grad_evals[1].val_loss, 5.0, 1e-12);
  // Equal wall time (1.25 s): LiMuon at step 5, Muon at step 20.
  EXPECT_EQ(c.at_wall_s[0].step, 5);
  EXPECT_NEAR(*c.at_wall_s[0].train_loss, mean(10, -0.5, 1, 5), 1e-12);
  EXPECT_EQ(*c.at_wall_s[0].val_loss, 5.0);
  EXPECT_EQ(c.at_wall_s[1].step, 20);
}

TEST_F(Compare, LastPointsAreTheNewestOldestFirst) {
  Store db(file("runs.db"));
  limuon::testing::write_known_curves(db);
  const auto last = db.last_points(2, "train_loss", 3);
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(last[0].step, 18);
  EXPECT_EQ(last[2].step, 20);
  EXPECT_NEAR(last[2].value, 8 - 0.2 * 20, 1e-12);
  EXPECT_EQ(db.last_points(1, "val_loss", 50).size(), 2u);
  EXPECT_TRUE(db.last_points(1, "no_such_metric", 5).empty());
}

TEST_F(Compare, ASummaryNamesTheRunsSettingsAndFinalLosses) {
  Store db(file("runs.db"));
  limuon::testing::write_known_curves(db);
  const auto a = limuon::store::summarize_run(db, *db.run(1));
  EXPECT_EQ(a.optimizer, "limuon");
  EXPECT_EQ(a.model, "gpt:classroom");
  EXPECT_EQ(a.data, "moby-dick");
  EXPECT_EQ(a.settings, "rank=8 polar=lowrank");
  EXPECT_NEAR(*a.final_train_loss, mean(10, -0.5, 1, 10), 1e-12);
  EXPECT_EQ(*a.final_val_loss, 4.0);
  EXPECT_THROW(limuon::store::compare_runs(db, {1, 3}), limuon::store::StoreError);
}

}  // namespace
