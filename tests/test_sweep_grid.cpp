// Sweep grids: a common grid crossed with per-optimizer grids ([grid.limuon] ...), so each optimizer
// gets its own learning rates; mistakes name the file's line.
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
