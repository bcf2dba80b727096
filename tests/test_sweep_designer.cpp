// The sweep designer's pure functions: the TOML it writes reads back as the same sweep, its run count
// agrees with expand_grid, and its time estimates match makespans worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "limuon/sweep/designer.hpp"
#include "limuon/train/settings.hpp"
#include "support/scratch_dir.hpp"

namespace {

using limuon::sweep::SweepSpec;
using limuon::train::ConfigError;
using limuon::train::RunConfig;
using limuon::train::format_number;

class SweepDesigner : public limuon::testing::ScratchDirTest {
 protected:
  SweepDesigner() : ScratchDirTest("sweep-designer") {}
};

// Every kind of value: text with a quote and a backslash, choices, integers, and doubles that only read
// back as themselves in full (0.1 + 0.2 needs 17 digits). Keys in key order, as load_sweep reads them.
SweepSpec every_kind_of_value() {
  SweepSpec spec;
  spec.name = "rank \"vs\" beta\\2";
  spec.jobs = 3;
  spec.base.model = "vit:classroom";
  spec.base.data = "fashion-mnist";
  spec.base.adamw_lr = 3e-4;
  spec.base.weight_decay = 0.02;
  spec.base.batch_size = 16;
  spec.base.spectrum_params = "blocks.0.attn.qkv.weight,head.weight";
  spec.grid = {{"optimizer", {"limuon", "muon"}}, {"seed", {"0", "1"}}};
  spec.optimizer_grids = {
      {"limuon",
       {{"beta", {"0.1", format_number(0.1 + 0.2)}},
        {"lr", {"0.02", format_number(3e-4)}},
        {"polar", {"newton_schulz", "svd"}}}},
      {"muon", {{"lr", {"0.02", format_number(3e-5)}}, {"momentum", {"0.9", "0.95"}}}},
  };
  return spec;
}

void expect_same_sweep(const SweepSpec& back, const SweepSpec& spec) {
  EXPECT_EQ(back.name, spec.name);
  EXPECT_EQ(back.jobs, spec.jobs);
  EXPECT_EQ(back.base.to_json(), spec.base.to_json());
  EXPECT_EQ(back.grid, spec.grid);
  EXPECT_EQ(back.optimizer_grids, spec.optimizer_grids);
}

TEST_F(SweepDesigner, TheWrittenFileLoadsAsTheSameSweep) {
  const SweepSpec spec = every_kind_of_value();
  const std::string path = file("designed.toml");
  std::ofstream(path) << limuon::sweep::sweep_to_toml(spec);
  const SweepSpec back = limuon::sweep::load_sweep(path);
  expect_same_sweep(back, spec);
  // The doubles themselves, not only their text: a writer that rounds to fewer digits turns these red.
  EXPECT_EQ(back.base.adamw_lr, 3e-4);
  EXPECT_EQ(back.base.weight_decay, 0.02);
  int exact_beta = 0, exact_lr = 0;
  for (const auto& run : limuon::sweep::expand_grid(back)) {
    exact_beta += run.beta == 0.1 + 0.2;
    exact_lr += run.optimizer == "limuon" ? run.lr == 3e-4 : run.lr == 3e-5;
  }
  EXPECT_EQ(exact_beta, 8);  // limuon: 2 seeds x 2 lr x 2 polar at that beta
  EXPECT_EQ(exact_lr, 8 + 4);
}

TEST(SweepToToml, WritesOnlyTheBaseSettingsOffTheirDefaults) {
  SweepSpec spec;
  spec.name = "rank-vs-beta";
  spec.jobs = 2;
  spec.base.lr = 0.02;  // the default: left out
  spec.base.rank = 8;
  spec.base.polar = "svd";
  spec.base.steps = 200;
  spec.grid = {{"optimizer", {"limuon", "muon"}}, {"seed", {"0", "1"}}};
  spec.optimizer_grids = {{"limuon", {{"beta", {"0.1", "0.5"}}}}};
  EXPECT_EQ(limuon::sweep::sweep_to_toml(spec),
            "[sweep]\nname = \"rank-vs-beta\"\njobs = 2\n\n"
            "[base]\nrank = 8\npolar = \"svd\"\nsteps = 200\n\n"
            "[grid]\noptimizer = [\"limuon\", \"muon\"]\nseed = [0, 1]\n\n"
            "[grid.limuon]\nbeta = [0.1, 0.5]\n");
}

TEST(SweepToToml, ASpecWithoutAFileFormIsRefused) {
  SweepSpec spec;
  spec.name = "bad";
  spec.grid = {{"lr", {"fast"}}};
  EXPECT_THROW(limuon::sweep::sweep_to_toml(spec), ConfigError);
  spec.grid = {{"rnak", {"8"}}};
  EXPECT_THROW(limuon::sweep::sweep_to_toml(spec), ConfigError);
  spec.grid.clear();
  spec.optimizer_grids = {{"sgd", {{"lr", {"0.1"}}}}};
  EXPECT_THROW(limuon::sweep::sweep_to_toml(spec), ConfigError);
}

TEST(SweepFromText, ReadsLikeAFileAndNamesTheOriginInMistakes) {
  const SweepSpec spec = every_kind_of_value();
  const std::string text = limuon::sweep::sweep_to_toml(spec);
  const SweepSpec back = limuon::sweep::sweep_from_toml_text(text, "designer");
  expect_same_sweep(back, spec);
  EXPECT_EQ(back.source_text, text);
  try {
    limuon::sweep::sweep_from_toml_text("[sweep]\nname = \"d\"\n[base]\nsteps = 5\nrnak = 8\n", "designer");
    ADD_FAILURE() << "an unknown key was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("designer line 5: unknown key 'rnak'"), std::string::npos) << e.what();
  }
  try {
    limuon::sweep::sweep_from_toml_text("[sweep]\nname = \"d\"\njobs = = 2\n", "designer");
    ADD_FAILURE() << "broken TOML was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("designer:3:", 0), 0u) << e.what();
  }
}

// load_sweep reads keys sorted (toml++ tables are sorted maps): a designer that keeps the user's order
// would show runs in an order, and with names, the CLI does not give them.
TEST(SortGridKeys, PutsKeysInTheOrderTheFileIsReadIn) {
  SweepSpec spec;
  spec.name = "unsorted";
  spec.grid = {{"seed", {"0", "1"}}, {"optimizer", {"muon", "limuon"}}};
  spec.optimizer_grids = {{"muon", {{"lr", {"0.01"}}}}, {"limuon", {{"lr", {"0.01"}}, {"beta", {"0.5"}}}}};
  const SweepSpec read = limuon::sweep::sweep_from_toml_text(limuon::sweep::sweep_to_toml(spec), "designer");
  limuon::sweep::sort_grid_keys(spec);
  const SweepSpec::Grid sorted_grid{{"optimizer", {"muon", "limuon"}}, {"seed", {"0", "1"}}};
  EXPECT_EQ(spec.grid, sorted_grid);
  ASSERT_EQ(spec.optimizer_grids.size(), 2u);
  EXPECT_EQ(spec.optimizer_grids[0].first, "limuon");
  EXPECT_EQ(spec.optimizer_grids[0].second[0].first, "beta");
  EXPECT_EQ(spec.optimizer_grids[1].first, "muon");
  expect_same_sweep(read, spec);
}

// The count by formula and by expansion, on specs that exercise each rule; `runs` is worked out by hand.
void expect_count(const SweepSpec& spec, int64_t runs, const std::string& what) {
  EXPECT_EQ(limuon::sweep::count_runs(spec), runs) << what;
  EXPECT_EQ(static_cast<int64_t>(limuon::sweep::expand_grid(spec).size()), runs) << what;
}

TEST(CountRuns, AgreesWithExpandGrid) {
  expect_count(every_kind_of_value(), 2 * 2 * 2 * 2 + 2 * 2 * 2, "limuon 16 and muon 8");
  SweepSpec spec;
  spec.name = "count";
  expect_count(spec, 1, "no grid: the base alone");
  spec.grid = {{"optimizer", {"muon", "adamw"}}, {"beta", {"0.1", "0.5"}}};
  expect_count(spec, 2, "beta is LiMuon's: Muon and AdamW run once each");
  spec.grid = {{"polar", {"ns", "newton_schulz", "svd"}}};
  expect_count(spec, 2, "ns is newton_schulz");
  spec.grid = {{"seed", {"0", "1"}}, {"beta", {"0.5", "0.50"}}};
  expect_count(spec, 2, "0.50 is 0.5");
  spec.grid = {{"optimizer", {"limuon", "muon"}}, {"lr", {"0.01", "0.02", "0.03"}}};
  spec.optimizer_grids = {{"limuon", {{"lr", {"0.05"}}}}};
  expect_count(spec, 1 + 3, "limuon's own lr replaces the common one");
  spec.grid = {{"optimizer", {"muon", "adamw"}}};
  spec.optimizer_grids = {{"adamw", {{"adamw_lr", {}}}}, {"muon", {{"beta", {"0.1", "0.5"}}}}};
  expect_count(spec, 1, "an empty adamw list leaves no adamw run; muon does not read beta");
  spec.grid = {{"optimizer", {"limuon", "muon"}}, {"seed", {"0", "1"}}};
  spec.optimizer_grids = {{"limuon", {{"optimizer", {"muon"}}}}};
  expect_count(spec, 2, "limuon's runs turned into muon's");
  spec.optimizer_grids.clear();
  spec.grid = {{"seed", {}}, {"lr", {"0.01"}}};
  expect_count(spec, 0, "an empty common list");
}

TEST(CountRuns, RefusesWhatExpandGridRefuses) {
  SweepSpec spec;
  spec.name = "bad";
  spec.grid = {{"lr", {"0.01", "fast"}}};
  EXPECT_THROW(limuon::sweep::count_runs(spec), ConfigError);
  spec.grid = {{"rnak", {"8"}}};
  EXPECT_THROW(limuon::sweep::count_runs(spec), ConfigError);
}

RunConfig muon_run(int64_t steps) {
  RunConfig c;
  c.optimizer = "muon";
  c.steps = steps;
  return c;
}

// One Muon sample of 100 ms a step: runs of 100, 200 and 300 steps take 10, 20 and 30 s alone.
const std::vector<limuon::sweep::StepTimeSample> kMuonAt100ms{{muon_run(1), 100.0}};

double makespan(const std::vector<int64_t>& steps, int jobs, int cores) {
  std::vector<RunConfig> runs;
  for (const int64_t s : steps) runs.push_back(muon_run(s));
  return limuon::sweep::estimate_sweep(runs, kMuonAt100ms, jobs, cores).seconds;
}

TEST(EstimateSweep, MakespansOfRunsStartedInOrderOnTheLaneThatFreesFirst) {
  // 10 s and 20 s start; the 30 s run takes the lane free at 10 s and ends at 40 s.
  EXPECT_NEAR(makespan({100, 200, 300}, 2, 2), 40.0, 1e-9);
  // 30 s and 20 s start; the 10 s run follows the 20 s one and ends at 30 s.
  EXPECT_NEAR(makespan({300, 200, 100}, 2, 2), 30.0, 1e-9);
  // The 30 s run holds one lane while three 10 s runs follow each other on the other: 30 s, where
  // taking lanes in turn would give 40 s.
  EXPECT_NEAR(makespan({300, 100, 100, 100}, 2, 2), 30.0, 1e-9);
  EXPECT_NEAR(makespan({100, 200, 300}, 1, 2), 60.0, 1e-9);
  // 4 jobs on 2 cores: each run takes twice as long, 20, 40 and 60 s side by side.
  EXPECT_NEAR(makespan({100, 200, 300}, 4, 2), 60.0, 1e-9);
  // 3 jobs on 2 cores: 1.5 times as long.
  EXPECT_NEAR(makespan({100, 200, 300}, 3, 2), 45.0, 1e-9);
  const auto e = limuon::sweep::estimate_sweep({muon_run(100), muon_run(200), muon_run(300)}, kMuonAt100ms, 2, 2);
  EXPECT_EQ(e.runs, 3);
  EXPECT_EQ(e.measured_runs, 3);
  EXPECT_EQ(e.total_steps, 600);
  EXPECT_EQ(e.total_grad_evals, 600);
  EXPECT_TRUE(e.unmeasured.empty());
}

TEST(EstimateSweep, KindsWithoutASampleAddNoSecondsAndAreListedOnce) {
  RunConfig measured_elsewhere = muon_run(1);  // lr and seed do not change a step's cost
  measured_elsewhere.lr = 0.5;
  measured_elsewhere.seed = 3;
  RunConfig vit = muon_run(300);
  vit.model = "vit:classroom";
  RunConfig light;  // LiMuon's light option on a budget: 400 gradient evaluations are 200 steps
  light.rank = 8;
  light.polar = "lowrank";
  light.batch_size = 16;
  light.grad_evals = 400;
  RunConfig light_sample = light;
  light_sample.batch_size = 32;  // another batch size is another cost
  const auto e = limuon::sweep::estimate_sweep({muon_run(100), vit, vit, light},
                                               {{measured_elsewhere, 100.0}, {light_sample, 50.0}}, 1, 2);
  EXPECT_NEAR(e.seconds, 10.0, 1e-9);
  EXPECT_EQ(e.runs, 4);
  EXPECT_EQ(e.measured_runs, 1);
  EXPECT_EQ(e.total_steps, 100 + 300 + 300 + 200);
  EXPECT_EQ(e.total_grad_evals, 100 + 300 + 300 + 400);
  const std::vector<std::string> unmeasured{"vit:classroom muon batch 32",
                                            "gpt:classroom limuon rank 8 polar lowrank batch 16"};
  EXPECT_EQ(e.unmeasured, unmeasured);
}

TEST(EstimateSweep, AStepTakesTheMedianOfItsKindsSamples) {
  RunConfig muon_with_rank = muon_run(100);
  muon_with_rank.rank = 8;  // Muon does not read rank: the same kind
  EXPECT_EQ(limuon::sweep::step_cost_kind(muon_with_rank), "gpt:classroom muon batch 32");
  const auto seconds = [](const std::vector<double>& step_ms) {
    std::vector<limuon::sweep::StepTimeSample> samples;
    for (const double ms : step_ms) samples.push_back({muon_run(1), ms});
    return limuon::sweep::estimate_sweep({muon_run(100)}, samples, 1, 1).seconds;
  };
  EXPECT_NEAR(seconds({60, 10, 20}), 2.0, 1e-9);       // median 20 ms (the mean would be 30)
  EXPECT_NEAR(seconds({30, 10, 100, 20}), 2.5, 1e-9);  // (20 + 30) / 2 (the mean would be 40)
  EXPECT_NEAR(seconds({60, std::numeric_limits<double>::quiet_NaN(), 10, 20}), 2.0, 1e-9);  // NaN measured nothing
}

}  // namespace
