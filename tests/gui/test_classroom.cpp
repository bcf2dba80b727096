// Classroom mode's rules that need no window (gui/lesson_logic.hpp): the plots a lesson's views make, a
// class's change to a setting across the presets, the presenter's font size, and the list of lessons.
// Expected values are worked out by hand from assets/lessons.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "gui/lesson_logic.hpp"

namespace {

namespace fs = std::filesystem;
using namespace limuon::gui;
using limuon::train::Lesson;

const std::string kLessons = std::string(LIMUON_SOURCE_DIR) + "/assets/lessons";

Lesson shipped(const std::string& stem) { return limuon::train::load_lesson(kLessons + "/" + stem + ".toml"); }

// An AdamW and a LiMuon preset: beta is read by LiMuon only.
const char* kMixed = R"(
[lesson]
title = "Mixed"
controls = ["play", "beta"]
[base]
model = "gpt:classroom"
steps = 10
[[preset]]
name = "adamw"
optimizer = "adamw"
[[preset]]
name = "limuon"
optimizer = "limuon"
beta = 0.5
)";

TEST(LessonPlots, TrainAndValidationLossShareOnePlot) {
  const auto plots = lesson_plots({"train_loss", "val_loss", "grad_norm", "spectrum_momentum"});
  ASSERT_EQ(plots.size(), 3u);
  EXPECT_EQ(plots[0].metrics, (std::vector<std::string>{"train_loss", "val_loss"}));
  EXPECT_TRUE(plots[0].log_y);
  EXPECT_EQ(plots[1].metrics, (std::vector<std::string>{"grad_norm/matrices", "grad_norm/others"}));
  EXPECT_EQ(plots[2].kind, LessonPlotKind::spectrum_momentum);
  EXPECT_TRUE(plots[2].metrics.empty());
}

TEST(LessonPlots, KeepTheFilesOrderAndPlaceTheLossWhereItIsFirstListed) {
  const auto plots = lesson_plots({"update_norm", "val_loss", "energy_fraction", "state_bytes", "train_loss"});
  ASSERT_EQ(plots.size(), 4u);
  EXPECT_EQ(plots[0].metrics, (std::vector<std::string>{"update_norm"}));
  EXPECT_EQ(plots[1].metrics, (std::vector<std::string>{"train_loss", "val_loss"}));
  EXPECT_EQ(plots[2].kind, LessonPlotKind::energy_fraction);
  EXPECT_EQ(plots[3].metrics, (std::vector<std::string>{"state_bytes"}));
  EXPECT_FALSE(plots[3].smooth);  // exact byte counts are not smoothed
}

TEST(LessonPlots, EveryViewOfEveryShippedLessonIsDrawn) {
  for (const auto& path : limuon::train::lesson_files(kLessons)) {
    const Lesson lesson = limuon::train::load_lesson(path);
    const bool both = std::count(lesson.views.begin(), lesson.views.end(), "train_loss") +
                          std::count(lesson.views.begin(), lesson.views.end(), "val_loss") ==
                      2;
    EXPECT_EQ(lesson_plots(lesson.views).size(), lesson.views.size() - (both ? 1 : 0)) << path;
  }
  EXPECT_TRUE(lesson_plots({"not_a_view"}).empty());
}

TEST(LessonXUnit, NamesMapToUnits) {
  EXPECT_EQ(lesson_x_unit("step"), XUnit::step);
  EXPECT_EQ(lesson_x_unit("grad_evals"), XUnit::grad_evals);
  EXPECT_EQ(lesson_x_unit("samples"), XUnit::samples);
  EXPECT_EQ(lesson_x_unit("wall_time"), XUnit::wall_time);
  EXPECT_EQ(lesson_x_unit("furlongs"), XUnit::step);
  EXPECT_EQ(lesson_x_unit(shipped("equal_cost").x_unit), XUnit::grad_evals);
}

TEST(Presenter, FontFollowsTheWindowHeightWithinLimits) {
  EXPECT_FLOAT_EQ(presenter_font_px(1000), 25);  // 1000 / 40
  EXPECT_FLOAT_EQ(presenter_font_px(1200), 30);
  EXPECT_FLOAT_EQ(presenter_font_px(600), 20);   // 15, raised to the floor
  EXPECT_FLOAT_EQ(presenter_font_px(2160), 40);  // 54, capped
  EXPECT_FLOAT_EQ(presenter_font_px(0), 20);
  EXPECT_FLOAT_EQ(presenter_font_px(-1), 20);    // ImGui's size before the first frame
}

TEST(LessonJobs, EveryPresetAtOnceUpToFour) {
  EXPECT_EQ(lesson_jobs(0), 1);
  EXPECT_EQ(lesson_jobs(1), 1);
  EXPECT_EQ(lesson_jobs(3), 3);
  EXPECT_EQ(lesson_jobs(4), 4);
  EXPECT_EQ(lesson_jobs(6), 4);
}

TEST(LessonControls, SettingsAmongTheControls) {
  const Lesson storm = shipped("storm_beta");
  EXPECT_EQ(lesson_setting_controls(storm), (std::vector<std::string>{"beta"}));
  EXPECT_TRUE(lesson_has_control(storm, "reset"));
  EXPECT_FALSE(lesson_has_control(storm, "x_axis"));
  EXPECT_EQ(lesson_setting_controls(shipped("orthogonalise")), std::vector<std::string>{});
  EXPECT_EQ(preset_values(storm, "beta"), "0.05, 0.6, 0.9");
  EXPECT_EQ(preset_values(shipped("equal_cost"), "seed"), "0");
  EXPECT_EQ(preset_values(storm, "no_such_setting"), "");
}

TEST(LessonRuns, WithoutChangesThePresetsRunAsWritten) {
  const Lesson storm = shipped("storm_beta");
  const LessonRuns runs = lesson_runs(storm, {{"beta", ""}});
  ASSERT_EQ(runs.configs.size(), 3u);
  EXPECT_TRUE(runs.errors.empty());
  EXPECT_DOUBLE_EQ(runs.configs[0].beta, 0.05);
  EXPECT_DOUBLE_EQ(runs.configs[2].beta, 0.9);
  EXPECT_EQ(runs.configs[1].name, "beta 0.6");
}

TEST(LessonRuns, AChangeReachesEveryPresetAndItsName) {
  const LessonRuns runs = lesson_runs(shipped("storm_beta"), {{"beta", "0.7"}});
  EXPECT_TRUE(runs.errors.empty());
  for (const auto& config : runs.configs) EXPECT_DOUBLE_EQ(config.beta, 0.7);
  EXPECT_EQ(runs.configs[0].name, "beta 0.05 (beta=0.7)");
}

TEST(LessonRuns, ARefusedValueChangesNothingAndSaysWhy) {
  const Lesson storm = shipped("storm_beta");
  for (const char* bad : {"1.5", "abc", "-0.1"}) {
    const LessonRuns runs = lesson_runs(storm, {{"beta", bad}});
    ASSERT_EQ(runs.errors.count("beta"), 1u) << bad;
    EXPECT_NE(runs.errors.at("beta").find("beta"), std::string::npos) << runs.errors.at("beta");
    EXPECT_DOUBLE_EQ(runs.configs[0].beta, 0.05);
    EXPECT_EQ(runs.configs[0].name, "beta 0.05");
  }
}

TEST(LessonRuns, OnlyPresetsThatReadTheSettingChange) {
  const Lesson mixed = limuon::train::parse_lesson(kMixed, "mixed.toml");
  const LessonRuns runs = lesson_runs(mixed, {{"beta", "0.3"}});
  ASSERT_TRUE(runs.errors.empty()) << runs.errors.begin()->second;
  EXPECT_DOUBLE_EQ(runs.configs[0].beta, mixed.presets[0].config.beta);  // AdamW does not read beta
  EXPECT_EQ(runs.configs[0].name, "adamw");
  EXPECT_DOUBLE_EQ(runs.configs[1].beta, 0.3);
  EXPECT_EQ(runs.configs[1].name, "limuon (beta=0.3)");
}

TEST(LessonRuns, ARankTheModelCannotTakeIsRefusedByTheEngine) {
  const LessonRuns runs = lesson_runs(shipped("sketch_rank"), {{"rank", "100000"}});
  ASSERT_EQ(runs.errors.count("rank"), 1u);
  EXPECT_NE(runs.errors.at("rank").find("preset '"), std::string::npos) << runs.errors.at("rank");
}

TEST(LessonList, ListsTheShippedLessonsByFileName) {
  const auto entries = read_lesson_list(kLessons);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].stem, "equal_cost");
  EXPECT_EQ(entries[1].stem, "orthogonalise");
  EXPECT_EQ(entries[2].stem, "sketch_rank");
  EXPECT_EQ(entries[3].stem, "storm_beta");
  for (const auto& e : entries) {
    EXPECT_TRUE(e.error.empty()) << e.error;
    EXPECT_FALSE(e.title.empty());
  }
  EXPECT_EQ(entries[3].title, "LiMuon's momentum and its beta");
}

TEST(LessonList, ABrokenLessonIsListedWithItsReason) {
  const fs::path dir = fs::temp_directory_path() / ("lessons-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "b_broken.toml") << "[lesson]\nsummary = \"no title\"\n";
  std::ofstream(dir / "a_mixed.toml") << kMixed;
  std::ofstream(dir / "notes.txt") << "not a lesson";
  const auto entries = read_lesson_list(dir.string());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].title, "Mixed");
  EXPECT_EQ(entries[1].stem, "b_broken");
  EXPECT_TRUE(entries[1].title.empty());
  EXPECT_NE(entries[1].error.find("title"), std::string::npos) << entries[1].error;
  EXPECT_TRUE(read_lesson_list((dir / "missing").string()).empty());
  fs::remove_all(dir);
}

TEST(LessonList, StemsAreFileNamesOnly) {
  EXPECT_TRUE(valid_lesson_stem("storm_beta"));
  EXPECT_FALSE(valid_lesson_stem(""));
  EXPECT_FALSE(valid_lesson_stem(".."));
  EXPECT_FALSE(valid_lesson_stem("../etc/passwd"));
  EXPECT_FALSE(valid_lesson_stem("a/b"));
}

}  // namespace
