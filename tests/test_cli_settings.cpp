// The settings table seen from the command line: `settings`, --key=value, refusals before anything is
// recorded, and the documented exit codes.
#include "limuon/cli.hpp"
#include "limuon/store/store.hpp"
#include "limuon/train/settings.hpp"
#include "support/scratch_dir.hpp"

#include <filesystem>
#include <sstream>

namespace {

class CliSettings : public limuon::testing::ScratchDirTest {
 protected:
  CliSettings() : ScratchDirTest("cli-settings") {}
  int run(const std::vector<std::string>& args) {
    out.str("");
    err.str("");
    return limuon::cli::run(args, out, err);
  }
  std::ostringstream out, err;
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

}  // namespace
