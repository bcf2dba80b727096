// The sweep results views' math: which settings vary, heatmap cells averaged over seeds, parallel
// coordinates positions and brushing, each against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <tuple>

#include "limuon/sweep/results.hpp"

namespace {

using limuon::sweep::ResultRun;
using limuon::train::RunConfig;

constexpr double kInf = std::numeric_limits<double>::infinity();

RunConfig limuon_run(int64_t rank, double beta, int64_t seed) {
  RunConfig c;
  c.rank = rank;
  c.beta = beta;
  c.seed = seed;
  c.name = "rank=" + std::to_string(rank) + " seed=" + std::to_string(seed);  // names never count as an axis
  return c;
}

using Ids = std::vector<int64_t>;

TEST(SweepResults, VaryingKeysFollowTheSettingsOrderAndLeaveOutTheName) {
  std::vector<ResultRun> runs{{1, limuon_run(0, 0.1, 1), 3.0}, {2, limuon_run(0, 0.1, 0), 2.0}};
  runs[1].config.polar = "svd";
  runs[1].config.lr = 0.01;
  const std::vector<std::string> expected{"lr", "polar", "seed"};
  EXPECT_EQ(limuon::sweep::varying_keys(runs), expected);
  EXPECT_TRUE(limuon::sweep::varying_keys({runs[0]}).empty());
}

TEST(SweepResults, AxisValuesSortNumbersByValueAndKeepTextInFirstSeenOrder) {
  std::vector<ResultRun> runs;
  const std::vector<std::pair<int64_t, double>> rank_lr{{16, 0.1}, {8, 0.02}, {0, 0.003}, {8, 0.1}};
  const std::vector<std::string> polars{"svd", "newton_schulz", "svd", "lowrank"};
  for (size_t i = 0; i < rank_lr.size(); ++i) {
    RunConfig c;
    c.rank = rank_lr[i].first;
    c.lr = rank_lr[i].second;
    c.polar = polars[i];
    runs.push_back({static_cast<int64_t>(i), c, 1.0});
  }
  EXPECT_EQ(limuon::sweep::axis_values(runs, "rank"), (std::vector<std::string>{"0", "8", "16"}));  // not "16" < "8"
  EXPECT_EQ(limuon::sweep::axis_values(runs, "lr"), (std::vector<std::string>{"0.003", "0.02", "0.1"}));
  EXPECT_EQ(limuon::sweep::axis_values(runs, "polar"), (std::vector<std::string>{"svd", "newton_schulz", "lowrank"}));
  EXPECT_EQ(limuon::sweep::axis_values(runs, ""), (std::vector<std::string>{""}));
  EXPECT_THROW(limuon::sweep::axis_values(runs, "rnak"), limuon::train::ConfigError);
}

// Rank x beta x two seeds. Cell means by hand: (0, 0.1) (3.0 + 3.2) / 2 = 3.1, (8, 0.1) 2.9,
// (0, 0.5) 2.5 (the best), (8, 0.5) only seed 1's 2.7 (seed 0 has no value).
std::vector<ResultRun> rank_beta_seeds() {
  return {
      {1, limuon_run(8, 0.5, 0), std::nullopt}, {2, limuon_run(8, 0.5, 1), 2.7},
      {3, limuon_run(8, 0.1, 0), 2.8},          {4, limuon_run(8, 0.1, 1), 3.0},
      {5, limuon_run(0, 0.1, 0), 3.0},          {6, limuon_run(0, 0.1, 1), 3.2},
      {7, limuon_run(0, 0.5, 0), 2.6},          {8, limuon_run(0, 0.5, 1), 2.4},
  };
}

TEST(SweepResults, AHeatmapAveragesSeedsAndMarksTheBestCell) {
  const auto panels = limuon::sweep::heatmap(rank_beta_seeds(), "rank", "beta");
  ASSERT_EQ(panels.size(), 1u);
  const auto& p = panels[0];
  EXPECT_TRUE(p.fixed.empty());
  EXPECT_EQ(p.x_values, (std::vector<std::string>{"0", "8"}));
  EXPECT_EQ(p.y_values, (std::vector<std::string>{"0.1", "0.5"}));
  ASSERT_EQ(p.cells.size(), 4u);
  const double means[] = {3.1, 2.9, 2.5, 2.7};  // row-major: beta 0.1 (rank 0, 8), then beta 0.5
  const int counts[] = {2, 2, 2, 1};
  const Ids ids[] = {{5, 6}, {3, 4}, {7, 8}, {1, 2}};
  for (size_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(p.cells[i].mean) << i;
    EXPECT_NEAR(*p.cells[i].mean, means[i], 1e-12) << i;
    EXPECT_EQ(p.cells[i].count, counts[i]) << i;
    EXPECT_EQ(p.cells[i].run_ids, ids[i]) << i;
  }
  EXPECT_EQ(p.best, 2);
}

TEST(SweepResults, ACellWhoseRunsAllDivergedHasNoMeanAndIsNeverBest) {
  auto runs = rank_beta_seeds();
  runs[1].value = kInf;  // rank 8, beta 0.5: seed 0 has no value, seed 1 blew up
  const auto p = limuon::sweep::heatmap(runs, "rank", "beta").at(0);
  EXPECT_FALSE(p.cells[3].mean);
  EXPECT_EQ(p.cells[3].count, 0);
  EXPECT_EQ(p.cells[3].run_ids, (Ids{1, 2}));
  EXPECT_EQ(p.best, 2);  // 2.5; a missing value read as 0 would make the diverged cell the best
  for (auto& r : runs) r.value.reset();
  EXPECT_EQ(limuon::sweep::heatmap(runs, "rank", "beta").at(0).best, -1);
}

TEST(SweepResults, WithoutAveragingEachSeedGetsItsPanel) {
  const auto panels = limuon::sweep::heatmap(rank_beta_seeds(), "rank", "beta", /*average_seeds=*/false);
  ASSERT_EQ(panels.size(), 2u);
  using Fixed = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(panels[0].fixed, (Fixed{{"seed", "0"}}));
  EXPECT_EQ(panels[1].fixed, (Fixed{{"seed", "1"}}));
  // Seed 0: 3.0, 2.8, 2.6 and none; seed 1: 3.2, 3.0, 2.4, 2.7. The lowest is rank 0, beta 0.5 in both.
  EXPECT_FALSE(panels[0].cells[3].mean);
  EXPECT_EQ(panels[0].cells[3].run_ids, (Ids{1}));
  EXPECT_EQ(*panels[0].cells[2].mean, 2.6);
  EXPECT_EQ(panels[0].best, 2);
  EXPECT_EQ(*panels[1].cells[3].mean, 2.7);
  EXPECT_EQ(panels[1].best, 2);
}

// Muon runs (listed first) beside LiMuon's rank x beta grid, at two learning rates: a panel per
// optimizer and lr that has runs, text in first-seen order, numbers by value; Muon's panels have only
// the one rank and beta its runs have.
TEST(SweepResults, APanelPerCombinationOfTheOtherVaryingKeys) {
  std::vector<ResultRun> runs;
  for (const double lr : {0.02, 0.01}) {
    RunConfig muon;
    muon.optimizer = "muon";
    muon.lr = lr;
    runs.push_back({static_cast<int64_t>(runs.size() + 1), muon, lr == 0.01 ? 2.0 : 2.2});
  }
  for (const int64_t rank : {0, 8})
    for (const double beta : {0.1, 0.5})
      runs.push_back({static_cast<int64_t>(runs.size() + 1), limuon_run(rank, beta, 0), 3.0 - beta - rank / 100.0});
  const auto panels = limuon::sweep::heatmap(runs, "rank", "beta");
  ASSERT_EQ(panels.size(), 3u);
  using Fixed = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(panels[0].fixed, (Fixed{{"optimizer", "muon"}, {"lr", "0.01"}}));
  EXPECT_EQ(panels[1].fixed, (Fixed{{"optimizer", "muon"}, {"lr", "0.02"}}));
  EXPECT_EQ(panels[2].fixed, (Fixed{{"optimizer", "limuon"}, {"lr", "0.02"}}));
  EXPECT_EQ(panels[0].x_values, (std::vector<std::string>{"0"}));
  EXPECT_EQ(panels[0].y_values, (std::vector<std::string>{"0.1"}));
  EXPECT_EQ(panels[0].cells.at(0).run_ids, (Ids{2}));
  EXPECT_EQ(panels[1].cells.at(0).run_ids, (Ids{1}));
  EXPECT_EQ(panels[2].x_values, (std::vector<std::string>{"0", "8"}));
  EXPECT_EQ(panels[2].best, 3);  // rank 8, beta 0.5: 3.0 - 0.5 - 0.08
}

TEST(SweepResults, DefaultAxesAreRankAndBetaElseTheFirstTwoVaryingKeys) {
  auto runs = rank_beta_seeds();
  runs[0].config.lr = 0.01;
  EXPECT_EQ(limuon::sweep::default_heatmap_axes(runs), (std::pair<std::string, std::string>{"rank", "beta"}));
  std::vector<ResultRun> others{{1, limuon_run(0, 0.1, 0), 1.0}, {2, limuon_run(0, 0.1, 1), 1.0}};
  EXPECT_EQ(limuon::sweep::default_heatmap_axes(others), (std::pair<std::string, std::string>{"seed", ""}));
  others[1].config.polar = "svd";
  others[0].config.lr = 0.01;
  EXPECT_EQ(limuon::sweep::default_heatmap_axes(others), (std::pair<std::string, std::string>{"lr", "polar"}));
  others[1].config.polar = others[0].config.polar;
  EXPECT_EQ(limuon::sweep::default_heatmap_axes(others), (std::pair<std::string, std::string>{"lr", "seed"}));
  // No y axis: one row.
  const auto p = limuon::sweep::heatmap(others, "lr", "").at(0);
  EXPECT_EQ(p.y_values, (std::vector<std::string>{""}));
  EXPECT_EQ(p.x_values, (std::vector<std::string>{"0.01", "0.02"}));
  EXPECT_EQ(p.cells.size(), 2u);
}

// Learning rates over two decades (log axis), three polar methods, and a run without a value.
std::vector<ResultRun> lr_polar_runs() {
  const std::vector<std::tuple<double, std::string, std::optional<double>>> rows{
      {1e-3, "svd", 2.0}, {1e-2, "newton_schulz", 3.0}, {1e-1, "lowrank", 4.0}, {1e-2, "svd", std::nullopt}};
  std::vector<ResultRun> runs;
  for (const auto& [lr, polar, value] : rows) {
    RunConfig c;
    c.lr = lr;
    c.polar = polar;
    runs.push_back({11 + static_cast<int64_t>(runs.size()), c, value});
  }
  return runs;
}

TEST(SweepResults, ParallelCoordinatesPlaceEachRunOnEveryAxis) {
  const auto data = limuon::sweep::parallel_coordinates(lr_polar_runs());
  ASSERT_EQ(data.axes.size(), 3u);
  EXPECT_EQ(data.axes[0].key, "lr");
  EXPECT_TRUE(data.axes[0].log_scale);
  EXPECT_FALSE(data.axes[0].categorical);
  EXPECT_EQ(data.axes[0].lo, 1e-3);
  EXPECT_EQ(data.axes[0].hi, 1e-1);
  EXPECT_EQ(data.axes[1].key, "polar");
  EXPECT_TRUE(data.axes[1].categorical);
  EXPECT_EQ(data.axes[1].categories, (std::vector<std::string>{"svd", "newton_schulz", "lowrank"}));
  EXPECT_EQ(data.axes[2].key, "value");
  EXPECT_FALSE(data.axes[2].log_scale);  // 4 / 2 is under a decade
  EXPECT_EQ(data.run_ids, (Ids{11, 12, 13, 14}));
  // lr 1e-3, 1e-2, 1e-1 at 0, 0.5, 1 on the log axis; polar evenly spaced; values 2, 3, 4 at 0, 0.5, 1,
  // and the run without a value at 1, with the worst.
  const std::vector<std::vector<double>> expected{{0, 0, 0}, {0.5, 0.5, 0.5}, {1, 1, 1}, {0.5, 0, 1}};
  ASSERT_EQ(data.positions.size(), 4u);
  for (size_t r = 0; r < 4; ++r)
    for (size_t a = 0; a < 3; ++a) EXPECT_NEAR(data.positions[r][a], expected[r][a], 1e-12) << r << " " << a;
  EXPECT_NEAR(data.colour[0], 0.0, 1e-12);
  EXPECT_NEAR(data.colour[1], 0.5, 1e-12);
  EXPECT_NEAR(data.colour[2], 1.0, 1e-12);
  EXPECT_TRUE(std::isnan(data.colour[3]));
}

TEST(SweepResults, NumericAxesAreLinearUnlessPositiveOverADecade) {
  std::vector<ResultRun> runs;
  const std::vector<std::tuple<int64_t, int64_t, double>> rows{{0, 16, 0.1}, {8, 24, 1.0}, {16, 32, 10.0}};
  for (const auto& [rank, batch, value] : rows) {
    RunConfig c;
    c.rank = rank;
    c.batch_size = batch;
    runs.push_back({rank, c, value});
  }
  const auto data = limuon::sweep::parallel_coordinates(runs);
  ASSERT_EQ(data.axes.size(), 3u);  // rank, batch_size, value
  EXPECT_FALSE(data.axes[0].log_scale);  // rank starts at 0
  EXPECT_FALSE(data.axes[1].log_scale);  // 32 / 16 is under a decade
  EXPECT_TRUE(data.axes[2].log_scale);   // 0.1 to 10
  EXPECT_NEAR(data.positions[1][0], 0.5, 1e-12);
  EXPECT_NEAR(data.positions[1][1], 0.5, 1e-12);  // a log axis would put 24 at 0.585
  EXPECT_NEAR(data.positions[1][2], 0.5, 1e-12);  // a linear one would put 1.0 at 0.09
}

TEST(SweepResults, BrushesKeepTheRunsInsideEveryOne) {
  const auto data = limuon::sweep::parallel_coordinates(lr_polar_runs());
  using Brush = std::optional<std::pair<double, double>>;
  EXPECT_EQ(limuon::sweep::filter_runs(data, {}), (Ids{11, 12, 13, 14}));
  EXPECT_EQ(limuon::sweep::filter_runs(data, {Brush{{0.45, 0.55}}}), (Ids{12, 14}));
  // A brush dragged downwards is the same range.
  EXPECT_EQ(limuon::sweep::filter_runs(data, {Brush{{0.45, 0.55}}, std::nullopt, Brush{{0.6, 0.0}}}), (Ids{12}));
  // Ends are inside: newton_schulz sits exactly at 0.5.
  EXPECT_EQ(limuon::sweep::filter_runs(data, {std::nullopt, Brush{{0.0, 0.5}}}), (Ids{11, 12, 14}));
  // A run without a value is among the worst.
  EXPECT_EQ(limuon::sweep::filter_runs(data, {std::nullopt, std::nullopt, Brush{{0.9, 1.0}}}), (Ids{13, 14}));
}

}  // namespace
