// The command line as a user meets it: `settings`, --key=value, refusals before anything is recorded,
// the documented exit codes, validation losses on the console, and `runs` list, compare and export.
#include "cli/cli.hpp"
#include "limuon/store/store.hpp"
#include "limuon/train/settings.hpp"
#include "support/cli_fixture.hpp"
#include "support/known_curves.hpp"
#include "support/scratch_dir.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

class CliSettings : public limuon::testing::CliTest {
 protected:
  CliSettings() : CliTest("cli-settings") {}
};

TEST_F(CliSettings, SettingsPrintsTheEnginesTable) {
  ASSERT_EQ(run({"settings", "--markdown"}), 0) << err.str();
  EXPECT_EQ(out.str(), limuon::train::settings_markdown());
  ASSERT_EQ(run({"settings"}), 0);
  for (const auto& s : limuon::train::settings())
    EXPECT_NE(out.str().find(std::string(s.name) + " "), std::string::npos) << s.name;
  EXPECT_EQ(run({"settings", "--html"}), 2);
}

TEST_F(CliSettings, KeyEqualsValueWorksAsWellAsKeySpaceValue) {
  const std::string db = file("runs.db");
  ASSERT_EQ(run({"train", "--db=" + db, "--optimizer=adamw", "--adamw-lr=0.001", "--steps=3", "--batch-size", "4",
                 "--eval-every=2", "--threads=1", "--spectrum-every=0"}),
            0)
      << err.str();
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto stored = store.run(1);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->name, "adamw adamw_lr=0.001 steps=3 batch_size=4 eval_every=2 spectrum_every=0 threads=1");
  EXPECT_EQ(stored->steps_done, 3);
  EXPECT_EQ(run({"train", "--db=" + db, "--steps=3", "--quick=1"}), 2);  // an unknown key, refused as before
  EXPECT_NE(err.str().find("unknown key 'quick'"), std::string::npos) << err.str();
}

TEST_F(CliSettings, AnIgnoredSettingIsRefusedBeforeTheDatabaseIsTouched) {
  const std::string db = file("runs.db");
  EXPECT_EQ(run({"train", "--db", db, "--optimizer", "adamw", "--adamw-lr", "0.001", "--rank", "8", "--beta", "0.9"}),
            2);
  EXPECT_NE(err.str().find("optimizer = adamw does not read beta = 0.9 (read by limuon), rank = 8 (read by limuon)"),
            std::string::npos)
      << err.str();
  EXPECT_FALSE(std::filesystem::exists(db));
}

TEST_F(CliSettings, ADivergedRunExitsWithThree) {
  EXPECT_EQ(run({"train", "--db", file("runs.db"), "--optimizer", "adamw", "--adamw-lr", "5", "--steps", "200",
                 "--batch-size", "8", "--threads", "1", "--eval-every", "10", "--spectrum-every", "0"}),
            3)
      << out.str() << err.str();
  EXPECT_NE(out.str().find("1 diverged"), std::string::npos) << out.str();
}

TEST_F(CliSettings, ValidationLossesShowOnTheConsoleAsTheyAreComputed) {
  // Three validations a few hundred milliseconds apart, longer than the console's refresh.
  ASSERT_EQ(run({"train", "--db", file("runs.db"), "--steps", "9", "--batch-size", "16", "--eval-every", "3",
                 "--eval-batches", "1", "--threads", "1", "--spectrum-every", "0"}),
            0)
      << err.str();
  int lines_with_val = 0;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);)
    for (const char* step : {"(step 3)", "(step 6)"})  // the last, step 9, is in the final line anyway
      if (line.find(" val ") != std::string::npos && line.find(step) != std::string::npos) ++lines_with_val;
  EXPECT_GE(lines_with_val, 1) << out.str();  // printed while the run went on, not only at its end
  EXPECT_NE(out.str().find("finished step 9/9"), std::string::npos) << out.str();
}

TEST_F(CliSettings, RunsListsComparesAndExportsKnownCurves) {
  {
    limuon::store::Store db(file("runs.db"));
    limuon::testing::write_known_curves(db);
    db.append_spectra(1, {{10, "blocks.0.attn.q.weight", "momentum", {3.0, 2.0, 1.0}, 0.75}});
  }
  ASSERT_EQ(run({"runs", "--db", file("runs.db")}), 0) << err.str();
  EXPECT_NE(out.str().find("gpt:classroom   moby-dick     limuon    finished 10     7.2500  4.0000  rank=8 polar=lowrank"),
            std::string::npos)
      << out.str();
  ASSERT_EQ(run({"runs", "compare", "1", "2", "--db", file("runs.db")}), 0) << err.str();
  EXPECT_NE(out.str().find("at equal gradient evaluations (20):"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("at equal wall time (1.2 s):"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("  train loss (last 10 steps)   7.2500         4.9000"), std::string::npos) << out.str();
  EXPECT_EQ(run({"runs", "compare", "1", "--db", file("runs.db")}), 2);
  EXPECT_EQ(run({"runs", "compare", "1", "9", "--db", file("runs.db")}), 1);
  ASSERT_EQ(run({"runs", "export", "2", "--csv", file("run2.csv"), "--db", file("runs.db")}), 0) << err.str();
  std::ostringstream csv;
  csv << std::ifstream(file("run2.csv")).rdbuf();
  EXPECT_NE(csv.str().find("\ntrain_loss,1,7.8,0.0625\n"), std::string::npos) << csv.str();  // not 7.7999999999999998
  ASSERT_EQ(run({"runs", "export", "1", "--json", file("run1.json"), "--db", file("runs.db")}), 0) << err.str();
  const auto j = nlohmann::json::parse(std::ifstream(file("run1.json")));
  ASSERT_EQ(j["spectra"].size(), 1u);
  EXPECT_EQ(j["spectra"][0]["singular_values"], nlohmann::json::array({3.0, 2.0, 1.0}));
  EXPECT_EQ(j["spectra"][0]["energy_fraction"], 0.75);
  EXPECT_EQ(j["metrics"]["train_loss"].size(), 10u);
  EXPECT_EQ(j["config"]["rank"], 8);
}

}  // namespace
