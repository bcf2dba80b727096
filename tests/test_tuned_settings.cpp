// The tuned settings table: every entry is a valid config change, it applies to its model and mode only,
// and what it sets is what its committed report chose; the app's first experiment is one of them.
#include "cli/default_job.hpp"
#include "limuon/sweep/sweep.hpp"
#include "limuon/train/settings.hpp"
#include "limuon/train/tuned_settings.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

namespace {

using limuon::train::RunConfig;

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(LIMUON_SOURCE_DIR) + "/" + relative);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(TunedSettings, EveryEntryIsAValidChangeOfAValidConfig) {
  ASSERT_FALSE(limuon::train::tuned_settings().empty());
  for (const auto& entry : limuon::train::tuned_settings()) {
    RunConfig c;
    c.model = entry.model;
    for (const auto& [key, value] : entry.mode) {
      ASSERT_NE(limuon::train::find_setting(key), nullptr) << key;
      limuon::train::find_setting(key)->set(c, value, "mode");
    }
    ASSERT_EQ(limuon::train::find_tuned(c), &entry) << entry.method;
    // Start from other values, so that an entry equal to the defaults still has to be applied.
    for (const auto& [key, value] : entry.settings) {
      const auto* setting = limuon::train::find_setting(key);
      ASSERT_TRUE(setting->is_number()) << key;
      setting->set(c, value == "0.5" ? "0.25" : "0.5", "probe");
    }
    const RunConfig tuned = limuon::train::with_tuned_settings(c);
    EXPECT_NO_THROW(tuned.validate()) << entry.method;
    for (const auto& [key, value] : entry.settings)
      EXPECT_EQ(limuon::train::find_setting(key)->value(tuned), value) << entry.method << " " << key;
  }
}

TEST(TunedSettings, AnEntryAppliesToItsModelAndModeOnly) {
  RunConfig adamw;
  adamw.optimizer = "adamw";
  adamw.adamw_lr = 0.5;
  const RunConfig tuned = limuon::train::with_tuned_settings(adamw);
  EXPECT_EQ(tuned.adamw_lr, 0.003);
  RunConfig untouched = tuned;
  untouched.adamw_lr = 0.5;
  EXPECT_EQ(untouched.to_json(), adamw.to_json());  // nothing else changed
  RunConfig other_model = adamw;
  other_model.model = "vit:vit-tiny";
  EXPECT_EQ(limuon::train::find_tuned(other_model), nullptr);
  EXPECT_EQ(limuon::train::with_tuned_settings(other_model).adamw_lr, 0.5);
}

// The window's combo boxes: picking a mode brings its tuned values and says which changed; picking it
// again, or changing a setting that is not part of a mode, changes nothing.
TEST(TunedSettings, ChoosingAModeAppliesItsEntryOnce) {
  RunConfig c;
  c.optimizer = "adamw";
  c.adamw_lr = 0.5;
  c.lr = 0.25;
  EXPECT_EQ(limuon::train::apply_tuned_after_choice(c, "seed"), "");
  EXPECT_EQ(c.adamw_lr, 0.5);
  EXPECT_EQ(limuon::train::apply_tuned_after_choice(c, "optimizer"), "adamw_lr 0.003");
  EXPECT_EQ(c.adamw_lr, 0.003);
  EXPECT_EQ(c.lr, 0.25);  // not AdamW's setting: untouched
  EXPECT_EQ(limuon::train::apply_tuned_after_choice(c, "model"), "");  // already there
  c.model = "vit:vit-tiny";
  c.adamw_lr = 0.5;
  EXPECT_EQ(limuon::train::apply_tuned_after_choice(c, "model"), "");  // no entry for this model
  EXPECT_EQ(c.adamw_lr, 0.5);
}

// Muon picked while the rank-aware lr scale of a low-rank LiMuon run is set: its lr was tuned under the
// per-shape scale, which comes along. A scale the user then picks is left alone.
TEST(TunedSettings, ANewOptimizerBringsTheLrScaleItWasTunedUnder) {
  RunConfig c;
  c.optimizer = "muon";
  c.lr_scale = "match_adamw_rms_rank";
  c.lr = 0.5;
  EXPECT_EQ(limuon::train::find_tuned(c), nullptr);
  EXPECT_EQ(limuon::train::apply_tuned_after_choice(c, "optimizer"), "lr_scale shape, lr 0.01");
  EXPECT_EQ(c.lr_scale, "shape");
  c.lr_scale = "match_adamw_rms";
  c.lr = 0.5;
  EXPECT_EQ(limuon::train::apply_tuned_after_choice(c, "lr_scale"), "");
  EXPECT_EQ(c.lr_scale, "match_adamw_rms");
  EXPECT_EQ(c.lr, 0.5);
}

// The learning rate each entry sets is the one its report marks "(chosen)" for its method, and its other
// settings (beta) name that method: the table cannot drift from the experiments it cites.
TEST(TunedSettings, EachEntryIsWhatItsReportChose) {
  for (const auto& entry : limuon::train::tuned_settings()) {
    const std::string report = read_source_file(entry.report);
    ASSERT_FALSE(report.empty()) << entry.report;
    for (const auto& [key, value] : entry.settings) {
      if (key != "lr" && key != "adamw_lr") {  // e.g. beta: a setting that tells the winning method apart
        EXPECT_NE((" " + entry.method + " ").find(" " + key + "=" + value + " "), std::string::npos)
            << entry.method << " is not the method with " << key << "=" << value;
        continue;
      }
      // The report writes 0.0003 where the settings write 3e-04: the numbers are compared.
      const std::string row = "| " + entry.method + " | " + key + "=";
      bool chosen = false;
      for (auto at = report.find(row); at != std::string::npos && !chosen; at = report.find(row, at + 1)) {
        const auto number = at + row.size(), end = report.find(' ', number);
        chosen = report.compare(end, 8, " (chosen") == 0 &&
                 std::stod(report.substr(number, end - number)) == std::stod(value);
      }
      EXPECT_TRUE(chosen) << entry.report << " has no row '" << row << value << " (chosen'";
    }
  }
}

// The run the app opens with is a measured one: a tuned mode, at the model and batch of every sweep its
// report was written from (the report's first line names their files).
TEST(TunedSettings, TheDefaultExperimentIsATunedModeAsItsSweepsRanIt) {
  const RunConfig config = limuon::cli::default_experiment();
  const auto* entry = limuon::train::find_tuned(config);
  ASSERT_NE(entry, nullptr) << "the default experiment has no tuned entry";
  for (const auto& [key, value] : entry->settings)
    EXPECT_EQ(limuon::train::find_setting(key)->value(config), value) << key;
  const std::string report = read_source_file(entry->report);
  const std::string opening = "Written by `limuon-lab report ";
  const auto command = report.find(opening);
  ASSERT_NE(command, std::string::npos) << entry->report;
  std::istringstream words(report.substr(command, report.find('`', command + opening.size()) - command));
  int sweeps = 0;
  for (std::string word; words >> word;) {
    if (word.size() < 5 || word.compare(word.size() - 5, 5, ".toml") != 0) continue;
    const auto sweep = limuon::sweep::load_sweep(std::string(LIMUON_SOURCE_DIR) + "/" + word);
    EXPECT_EQ(sweep.base.model, config.model) << word;
    EXPECT_EQ(sweep.base.batch_size, config.batch_size) << word;
    ++sweeps;
  }
  EXPECT_GT(sweeps, 0) << "the report names no sweep file";
}

}  // namespace
