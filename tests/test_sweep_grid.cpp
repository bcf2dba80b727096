// Sweep grids: a common grid crossed with per-optimizer grids ([grid.limuon] ...), so each optimizer
// gets its own learning rates; mistakes name the file's line.
#include "limuon/store/store.hpp"
#include "limuon/sweep/sweep.hpp"
#include "support/scratch_dir.hpp"

#include <filesystem>
#include <fstream>
#include <map>

namespace {

using limuon::train::ConfigError;

class SweepGrid : public limuon::testing::ScratchDirTest {
 protected:
  SweepGrid() : ScratchDirTest("sweep-grid") {}
  std::string write(const std::string& text) {
    std::ofstream(file("sweep.toml")) << "[sweep]\nname = \"g\"\n[base]\nsteps = 5\n" << text;
    return file("sweep.toml");
  }
  std::string rejection(const std::string& text) {
    try {
      limuon::sweep::expand_grid(limuon::sweep::load_sweep(write(text)));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(SweepGrid, EachOptimizerCrossesOnlyItsOwnGrid) {
  const auto runs = limuon::sweep::expand_grid(limuon::sweep::load_sweep(
      write("[grid]\noptimizer = [\"limuon\", \"muon\", \"adamw\"]\nseed = [0, 1]\n"
            "[grid.limuon]\nlr = [0.01, 0.02]\n[grid.adamw]\nadamw_lr = [0.001, 0.003]\n")));
  std::map<std::string, limuon::train::RunConfig> by_name;
  for (const auto& r : runs) by_name[r.name] = r;
  ASSERT_EQ(runs.size(), 10u);  // limuon 2 seeds x 2 lr, muon 2 seeds, adamw 2 seeds x 2 adamw_lr
  ASSERT_EQ(by_name.size(), 10u);
  const auto& l = by_name.at("optimizer=limuon seed=1 lr=0.01");
  EXPECT_EQ(l.optimizer, "limuon");
  EXPECT_EQ(l.seed, 1);
  EXPECT_EQ(l.lr, 0.01);
  const auto& a = by_name.at("optimizer=adamw seed=0 adamw_lr=0.001");
  EXPECT_EQ(a.adamw_lr, 0.001);
  EXPECT_EQ(a.lr, limuon::train::RunConfig{}.lr);
  EXPECT_EQ(by_name.at("optimizer=muon seed=1").adamw_lr, limuon::train::RunConfig{}.adamw_lr);
  for (const auto& r : runs) EXPECT_EQ(r.steps, 5) << r.name;
}

TEST_F(SweepGrid, MistakesInOptimizerGridsNameTheLine) {
  std::string m = rejection("[grid]\noptimizer = [\"muon\", \"adamw\"]\n[grid.adamw]\nlr = [0.001]\n");
  EXPECT_NE(m.find("line 8: [grid.adamw] lr is not read by adamw (read by limuon and muon)"), std::string::npos) << m;
  m = rejection("[grid]\noptimizer = [\"muon\"]\n[grid.sgd]\nlr = [0.1]\n");
  EXPECT_NE(m.find("[grid.sgd] is not an optimizer"), std::string::npos) << m;
  m = rejection("[grid]\nseed = [1, 2]\n[grid.muon]\nlr = [0.1]\n");
  EXPECT_NE(m.find("[grid.muon] but no run of this sweep uses muon"), std::string::npos) << m;
  m = rejection("[grid]\noptimizer = [\"muon\"]\nlr = [0.1]\n[grid.muon]\nlr = [0.2]\n");
  EXPECT_NE(m.find("'lr' is in [grid] and in [grid.muon]"), std::string::npos) << m;
  m = rejection("[grid]\noptimizer = [\"limuon\"]\n[grid.limuon]\nbeta = [0.5, 0.50]\n");
  EXPECT_NE(m.find("has 0.5 listed twice"), std::string::npos) << m;
}

// Older builds named runs after every grid key, with 17-digit numbers, and stored settings the optimizer
// ignored: rerunning such a sweep must find its runs by their settings, not create and run them again.
TEST_F(SweepGrid, ASweepStartedByAnOlderBuildIsFoundBySettingsAndNothingRunsTwice) {
  const auto spec = limuon::sweep::load_sweep(write("[grid]\noptimizer = [\"muon\"]\nbeta = [0.1]\nseed = [0, 1]\n"));
  limuon::store::Store db(file("runs.db"));
  const int64_t sweep = db.create_sweep(spec.name, spec.source_text);
  const int64_t done = db.create_run("optimizer=muon beta=0.10000000000000001 seed=0",
                                     R"({"optimizer":"muon","beta":0.1,"seed":0,"steps":5})", sweep);
  const int64_t killed = db.create_run("optimizer=muon beta=0.10000000000000001 seed=1",
                                       R"({"optimizer":"muon","beta":0.1,"seed":1,"steps":5})", sweep);
  db.finish_run(done, "finished", 5, std::nullopt, "");
  const auto plan = limuon::sweep::plan_sweep(spec, db);
  EXPECT_EQ(plan.kept, 1);
  ASSERT_EQ(plan.to_run.size(), 1u);
  EXPECT_EQ(plan.to_run[0].run_id, killed);
  EXPECT_EQ(plan.to_run[0].config.seed, 1);
  EXPECT_EQ(db.runs(sweep).size(), 2u);  // nothing created
}

TEST(ExperimentFiles, EverySweepInExperimentsLoadsAndExpands) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LIMUON_SOURCE_DIR "/experiments")) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    EXPECT_NO_THROW({
      const auto runs = limuon::sweep::expand_grid(limuon::sweep::load_sweep(entry.path().string()));
      EXPECT_FALSE(runs.empty()) << entry.path();
    }) << entry.path();
  }
  EXPECT_GE(files, 2);
}

}  // namespace
