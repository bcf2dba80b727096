// `limuon-lab report` on a small real sweep: the learning rate it chooses is the one a reading of the
// store says is best, its tables hold every method, and the same command writes the same bytes again.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "limuon/store/store.hpp"
#include "limuon/train/run_config.hpp"
#include "support/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;

class CliReport : public limuon::testing::CliTest {
 protected:
  CliReport() : CliTest("cli-report") {}
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(file(name)) << text;
    return file(name);
  }
  static std::string bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
};

constexpr const char* kSweep = R"(
[sweep]
name = "tiny-report"
[base]
model = "gpt:classroom"
steps = 6
batch_size = 4
eval_every = 3
eval_batches = 1
spectrum_every = 0
checkpoint_every = 0
threads = 1
[grid]
optimizer = ["muon", "adamw"]
seed = [0, 1]
[grid.muon]
lr = [0.01, 0.05]
[grid.adamw]
adamw_lr = [0.003]
)";

TEST_F(CliReport, ChoosesTheBestLearningRateAndWritesTheSameBytesTwice) {
  const std::string sweep = write("tiny.toml", kSweep), db = file("runs.db"), out_dir = file("report");
  ASSERT_EQ(run({"sweep", sweep, "--db", db}), 0) << err.str();
  const std::vector<std::string> command = {"report", sweep, "--db", db, "--out", out_dir};
  ASSERT_EQ(run(command), 0) << err.str();
  EXPECT_NE(out.str().find("report of 6 runs"), std::string::npos) << out.str();
  const std::string first = bytes(fs::path(out_dir) / "report.md");
  const std::string figure = bytes(fs::path(out_dir) / "val_loss-wall_s.svg");

  // The reference: each Muon lr's mean final validation loss, read straight from the store.
  std::map<double, std::pair<double, int>> sums;
  {
    limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
    for (const auto& r : store.runs()) {
      const auto config = limuon::train::RunConfig::from_stored_json(r.config_json);
      if (config.optimizer != "muon") continue;
      const auto last = store.last_points(r.id, "val_loss", 1);
      ASSERT_EQ(last.size(), 1u);
      EXPECT_EQ(last[0].step, 6);
      sums[config.lr].first += last[0].value;
      sums[config.lr].second += 1;
    }
  }
  ASSERT_EQ(sums.size(), 2u);
  const double mean_low = sums[0.01].first / 2, mean_high = sums[0.05].first / 2;
  ASSERT_NE(mean_low, mean_high);
  const std::string winner = mean_low < mean_high ? "lr=0.01" : "lr=0.05";
  EXPECT_NE(first.find("| muon | " + winner + " (chosen, grid edge) | 2 | 0 |"), std::string::npos) << first;
  EXPECT_NE(first.find("| adamw | adamw_lr=0.003 (only lr tried) | 2 |"), std::string::npos) << first;
  EXPECT_NE(first.find("at 6 steps"), std::string::npos) << first;
  EXPECT_NE(first.find("`limuon-lab report " + sweep + " --db " + db + " --out " + out_dir + "`"), std::string::npos);
  EXPECT_NE(figure.find("<svg"), std::string::npos);

  ASSERT_EQ(run(command), 0) << err.str();
  EXPECT_EQ(bytes(fs::path(out_dir) / "report.md"), first);
  EXPECT_EQ(bytes(fs::path(out_dir) / "val_loss-wall_s.svg"), figure);
}

TEST_F(CliReport, BadInputIsNamedAndWritesNothing) {
  const std::string sweep = write("tiny.toml", kSweep), out_dir = file("report");
  EXPECT_EQ(run({"report", sweep, "--out", out_dir}), 2);
  EXPECT_NE(err.str().find("needs --db"), std::string::npos) << err.str();
  EXPECT_EQ(run({"report", sweep, "--db", file("missing.db"), "--out", out_dir}), 2);
  EXPECT_NE(err.str().find("no database at"), std::string::npos) << err.str();
  EXPECT_FALSE(fs::exists(file("missing.db")));
  // A database that never ran this sweep.
  ASSERT_EQ(run({"train", "--db", file("other.db"), "--steps", "1", "--batch-size", "2", "--threads", "1"}), 0);
  EXPECT_EQ(run({"report", sweep, "--db", file("other.db"), "--out", out_dir}), 2);
  EXPECT_NE(err.str().find("sweep 'tiny-report' of " + sweep + " is not in"), std::string::npos) << err.str();
  EXPECT_EQ(run({"report", sweep, "--db", file("other.db"), "--out", out_dir, "--metric", "loss"}), 2);
  EXPECT_NE(err.str().find("--metric 'loss'"), std::string::npos) << err.str();
  EXPECT_EQ(run({"report", write("bad.toml", "[sweep]\nname = \"x\"\n[grid]\nrank = 3\n"), "--db", file("other.db"),
                 "--out", out_dir}),
            2);
  EXPECT_FALSE(fs::exists(out_dir));
}

// Image models are judged on accuracy too, where higher is better: the learning rate chosen for accuracy
// is the one with the higher mean final accuracy in the store.
TEST_F(CliReport, ImageRunsGetAnAccuracySectionWhereHigherIsBetter) {
  const std::string sweep = write("vit.toml", R"(
[sweep]
name = "tiny-vit"
[base]
model = "vit:classroom"
optimizer = "adamw"
steps = 4
batch_size = 8
eval_every = 2
eval_batches = 2
spectrum_every = 0
checkpoint_every = 0
threads = 1
[grid]
adamw_lr = [0.0001, 0.01]
)");
  const std::string db = file("runs.db"), out_dir = file("report");
  ASSERT_EQ(run({"sweep", sweep, "--db", db}), 0) << err.str();
  ASSERT_EQ(run({"report", sweep, "--db", db, "--out", out_dir}), 0) << err.str();
  const std::string text = bytes(fs::path(out_dir) / "report.md");
  EXPECT_NE(text.find("## Validation loss (lower is better)"), std::string::npos) << text;
  const auto accuracy_at = text.find("## Validation accuracy (higher is better)");
  ASSERT_NE(accuracy_at, std::string::npos) << text;
  EXPECT_TRUE(fs::exists(fs::path(out_dir) / "val_acc-steps.svg"));

  std::map<double, double> final_accuracy;
  {
    limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
    for (const auto& r : store.runs()) {
      const auto last = store.last_points(r.id, "val_acc", 1);
      ASSERT_EQ(last.size(), 1u);
      final_accuracy[limuon::train::RunConfig::from_stored_json(r.config_json).adamw_lr] = last[0].value;
    }
  }
  ASSERT_EQ(final_accuracy.size(), 2u);
  ASSERT_NE(final_accuracy[0.0001], final_accuracy[0.01]);
  const std::string winner = final_accuracy[0.0001] > final_accuracy[0.01] ? "0.0001" : "0.01";
  EXPECT_NE(text.find("| adamw | adamw_lr=" + winner + " (chosen, grid edge) |", accuracy_at), std::string::npos)
      << text;
}

}  // namespace
