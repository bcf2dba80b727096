// The one settings table: every setting parses, range-checks, prints as people write it and reloads
// through JSON and TOML; settings the chosen optimizer ignores are refused; run names tell runs apart;
// the README's table is the table.
#include "limuon/train/settings.hpp"
#include "limuon/store/store.hpp"
#include "limuon/sweep/sweep.hpp"
#include "support/old_schema.hpp"
#include "support/scratch_dir.hpp"

#include <sqlite3.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace {

using limuon::train::ConfigError;
using limuon::train::RunConfig;
using limuon::train::Setting;
using limuon::train::settings;

std::string rejection(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// A valid value other than the default, written as a person would.
std::string other_value(const Setting& s) {
  const std::string d = s.default_value();
  for (const auto& c : s.choices)
    if (c != d && !c.empty()) return std::string(c);
  if (s.type_name() == "integer") return d == "0" || s.range.low >= 1 ? std::to_string(std::stoll(d) + 3) : "0";
  if (s.type_name() == "real") return d == "0" ? "0.25" : limuon::train::format_number(std::stod(d) * 0.75);
  return "text with spaces, and a comma";
}

TEST(Settings, EveryRunConfigKeyHasOneEntryWithAMeaning) {
  std::set<std::string> names;
  for (const auto& s : settings()) {
    EXPECT_TRUE(names.insert(std::string(s.name)).second) << s.name << " is listed twice";
    EXPECT_GT(s.meaning.size(), 20u) << s.name;
    EXPECT_NE(s.used_by, 0u) << s.name;
  }
  // RunConfig's JSON holds every field: each must come from a setting.
  const auto json = RunConfig{}.to_json();
  EXPECT_EQ(names.size(), 25u);
  for (const auto& name : names) EXPECT_NE(json.find("\"" + name + "\":"), std::string::npos) << name;
}

class SettingsFiles : public limuon::testing::ScratchDirTest {
 protected:
  SettingsFiles() : ScratchDirTest("settings") {}
};

TEST_F(SettingsFiles, EverySettingRoundTripsThroughTextJsonAndToml) {
  for (const auto& s : settings()) {
    const std::string text = other_value(s);
    RunConfig c;
    s.set(c, text, "test");
    EXPECT_EQ(s.value(c), text) << s.name;
    EXPECT_NE(s.value(c), s.default_value()) << s.name;
    const RunConfig back = RunConfig::from_json(c.to_json());
    EXPECT_EQ(s.value(back), text) << s.name;
    EXPECT_EQ(back.to_json(), c.to_json()) << s.name;
    const std::string toml = file("run.toml");
    std::ofstream(toml) << "[run]\n" << s.name << " = " << (s.is_number() ? text : "\"" + text + "\"") << "\n";
    const std::string loaded = rejection([&] {
      const RunConfig from_file = limuon::train::load_run_config(toml);
      EXPECT_EQ(s.value(from_file), text) << s.name;
    });
    // A file is validated as a whole: a lone setting that needs a partner says so, nothing else fails.
    if (!loaded.empty()) EXPECT_NE(loaded.find(std::string(s.name)), std::string::npos) << loaded;
  }
}

TEST(Settings, OutOfRangeValuesAreRefusedWithTheRangeAndLeaveTheConfigUnchanged) {
  for (const auto& s : settings()) {
    if (!s.is_number()) continue;
    RunConfig c;
    const std::string before = c.to_json();
    const double below = std::isfinite(s.range.low) ? s.range.low - (s.range.low_open ? 0 : 1) : NAN;
    if (std::isnan(below)) continue;
    const std::string text = limuon::train::format_number(below);
    const std::string message = rejection([&] { s.set(c, text, "line 3"); });
    EXPECT_NE(message.find("line 3: " + std::string(s.name) + " = " + text + " must be"), std::string::npos)
        << message;
    EXPECT_NE(message.find(s.valid_values()), std::string::npos) << message;
    EXPECT_EQ(c.to_json(), before) << s.name;
  }
  RunConfig c;
  EXPECT_NE(rejection([&] { c.set("beta", "1", "--beta"); }).find("beta = 1 must be in [0, 1)"), std::string::npos);
  EXPECT_NE(rejection([&] { c.set("polar", "qr", "--polar"); }).find("not one of newton_schulz, svd, lowrank"),
            std::string::npos);
  EXPECT_NE(rejection([&] { c.set("rnak", "8", "--rnak"); }).find("unknown key 'rnak'"), std::string::npos);
}

// Before schema 2, AdamW read `lr` for every parameter; now it reads `adamw_lr`. A stored AdamW run must
// keep the rate it trained with, or its resume would train on at another rate.
TEST_F(SettingsFiles, AnAdamWRunStoredBeforeAdamwLrKeepsItsLearningRate) {
  const std::string db = file("old.db");
  {
    limuon::store::Store store(db);
    store.create_run("old adamw", R"({"optimizer":"adamw","lr":0.001,"adamw_lr":0.003})", std::nullopt);
    store.create_run("old limuon", R"({"optimizer":"limuon","lr":0.01,"adamw_lr":0.003})", std::nullopt);
  }
  sqlite3* handle = nullptr;  // turn the file back into schema 1, as an older build left it
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  const std::string undo = std::string(limuon::testing::kUndoSchema3) + "PRAGMA user_version=1";
  ASSERT_EQ(sqlite3_exec(handle, undo.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(handle);
  {
    limuon::store::Store browsing(db, limuon::store::Store::Mode::read_only);  // `runs` reads it unmigrated
    EXPECT_EQ(browsing.schema_version(), 1);
    EXPECT_EQ(RunConfig::from_stored_json(browsing.run(1)->config_json).adamw_lr, 0.001);
  }
  limuon::store::Store store(db);
  EXPECT_EQ(store.schema_version(), limuon::store::Store::kSchemaVersion);
  const RunConfig adamw = RunConfig::from_json(store.run(1)->config_json);
  EXPECT_EQ(adamw.adamw_lr, 0.001);
  EXPECT_EQ(adamw.lr, RunConfig{}.lr);
  EXPECT_NO_THROW(adamw.validate());
  EXPECT_EQ(RunConfig::from_stored_json(store.run(1)->config_json).adamw_lr, 0.001);  // not mapped twice
  // A checkpoint written by the older build still holds the old meaning, and reads the same.
  EXPECT_EQ(RunConfig::from_stored_json(R"({"optimizer":"adamw","lr":0.001,"adamw_lr":0.003})").adamw_lr, 0.001);
  const RunConfig limuon = RunConfig::from_json(store.run(2)->config_json);
  EXPECT_EQ(limuon.lr, 0.01);
  EXPECT_EQ(limuon.adamw_lr, 0.003);
}

TEST(Settings, AnAliasIsStoredInItsCanonicalForm) {
  RunConfig c;
  c.set("polar", "ns", "--polar");
  EXPECT_EQ(c.polar, "newton_schulz");
  EXPECT_NE(c.to_json().find("\"polar\":\"newton_schulz\""), std::string::npos) << c.to_json();
}

TEST(Settings, ASettingTheOptimizerIgnoresIsRefusedAndSaysWhy) {
  RunConfig c;
  c.optimizer = "adamw";
  c.set("rank", "8", "--rank");
  c.set("beta", "0.9", "--beta");
  const std::string message = rejection([&] { c.validate(); });
  EXPECT_NE(message.find("optimizer = adamw does not read beta = 0.9 (read by limuon), rank = 8 (read by limuon)"),
            std::string::npos)
      << message;
  c = RunConfig{};
  c.optimizer = "adamw";
  c.set("lr", "0.001", "--lr");  // the matrices' rate: AdamW's is adamw_lr
  EXPECT_NE(rejection([&] { c.validate(); }).find("does not read lr = 0.001 (read by limuon and muon)"),
            std::string::npos);
  c.lr = RunConfig{}.lr;
  c.set("adamw_lr", "0.001", "--adamw_lr");
  EXPECT_EQ(rejection([&] { c.validate(); }), "");
  c = RunConfig{};
  c.optimizer = "muon";
  c.beta = 0.5;
  EXPECT_NE(rejection([&] { c.validate(); }).find("optimizer = muon does not read beta = 0.5 (read by limuon)"),
            std::string::npos);
  c = RunConfig{};
  c.momentum = 0.9;  // LiMuon has no Nesterov momentum of its own
  EXPECT_NE(rejection([&] { c.validate(); }).find("optimizer = limuon does not read momentum = 0.9 (read by muon)"),
            std::string::npos);
}

TEST(Settings, NumbersPrintAsPeopleWriteThem) {
  using limuon::train::format_number;
  EXPECT_EQ(format_number(0.005), "0.005");
  EXPECT_EQ(format_number(3e-3), "0.003");
  EXPECT_EQ(format_number(1e-5), "1e-05");
  EXPECT_EQ(format_number(-1.0), "-1");
  EXPECT_EQ(format_number(4.0), "4");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.30000000000000004");  // the shortest text that reads back the same
  for (double x : {0.005, 1e-5, 0.1 + 0.2, 2.5e-300, 123456.789})
    EXPECT_EQ(std::stod(format_number(x)), x);
}

TEST(Settings, RunNamesNameEverySettingThatDiffersFromTheDefaults) {
  RunConfig c;
  EXPECT_EQ(c.summary(), "limuon");
  c.set("lr", "0.005", "t");
  c.set("rank", "8", "t");
  c.set("polar", "lowrank", "t");
  EXPECT_EQ(c.summary(), "limuon lr=0.005 rank=8 polar=lowrank");
  // Two configs that differ in any one setting never share a name.
  std::set<std::string> names{RunConfig{}.summary()};
  for (const auto& s : settings()) {
    if (s.name == "name") continue;
    RunConfig d;
    s.set(d, other_value(s), "t");
    EXPECT_TRUE(names.insert(d.summary()).second) << s.name << ": " << d.summary();
  }
}

TEST(Settings, ASweepGridCollapsesCombinationsThatDifferOnlyInIgnoredSettings) {
  limuon::sweep::SweepSpec spec;
  spec.name = "g";
  spec.base.steps = 5;
  spec.grid = {{"optimizer", {"limuon", "adamw"}}, {"beta", {"0.1", "0.5"}}};
  const auto runs = limuon::sweep::expand_grid(spec);
  std::vector<std::string> names;
  for (const auto& r : runs) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"optimizer=limuon beta=0.1", "optimizer=limuon beta=0.5",
                                             "optimizer=adamw"}));
  EXPECT_EQ(runs.back().beta, RunConfig{}.beta);
}

TEST(Settings, TheReadmeTableIsTheEnginesTable) {
  std::ifstream in(LIMUON_SOURCE_DIR "/README.md");
  ASSERT_TRUE(in) << "README.md not found";
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find(limuon::train::settings_markdown()), std::string::npos)
      << "README.md's settings table is out of date: paste `limuon-lab settings --markdown` into it";
  for (const auto& s : settings())
    EXPECT_NE(text.str().find("| `" + std::string(s.name) + "` |"), std::string::npos) << s.name;
}

}  // namespace
