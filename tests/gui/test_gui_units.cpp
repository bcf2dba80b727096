// The window's pieces that need no window: the demo script parser, the settings file, the frame pacer
// and a run's series (x units, replayed points, smoothing). Expected values are worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "gui/app_settings.hpp"
#include "gui/demo_script.hpp"
#include "gui/frame_pacer.hpp"
#include "gui/run_data.hpp"

namespace {

namespace fs = std::filesystem;
using namespace limuon::gui;

fs::path temp_file(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::ofstream(p) << text;
  return p;
}

TEST(DemoScript, ParsesCommandsAndSkipsComments) {
  const auto path = temp_file("ok.demo", "# a comment\nset rank 4\n\nstart   # press it\nwait_steps 10\nmeasure 5 idle\nquit\n");
  const auto commands = load_demo_script(path.string());
  ASSERT_EQ(commands.size(), 5u);
  EXPECT_EQ(commands[0].name, "set");
  EXPECT_EQ(commands[0].args, (std::vector<std::string>{"rank", "4"}));
  EXPECT_EQ(commands[1].name, "start");
  EXPECT_EQ(commands[1].line, 4);
  EXPECT_EQ(commands[3].args, (std::vector<std::string>{"5", "idle"}));
  fs::remove(path);
}

void expect_error(const std::string& text, const std::string& wanted) {
  const auto path = temp_file("bad.demo", text);
  try {
    load_demo_script(path.string());
    ADD_FAILURE() << "accepted: " << text;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(wanted), std::string::npos) << e.what();
  }
  fs::remove(path);
}

TEST(DemoScript, BadLinesAreNamedWithTheirNumber) {
  expect_error("start\njump 3\n", "line 2: unknown command 'jump'");
  expect_error("set rank\n", "line 1: 'set' takes 2 argument(s)");
  expect_error("start\n\nset rnak 4\n", "line 3: no run setting 'rnak'");
  expect_error("wait_steps ten\n", "line 1: 'ten' is not a count");
  expect_error("wait_frames 3000000000\n", "line 1: '3000000000' is not a count in [0, 1e9]");
  expect_error("measure 5 sometimes\n", "line 1: measure's mode is continuous, idle or hidden");
  expect_error("tab settings\n", "line 1: tab is curves, spectra, sweeps, sweep_queue, sweep_results or lesson");
  expect_error("presenter maybe\n", "line 1: presenter is on or off");
  expect_error("fork 1\n", "line 1: 'fork' takes 2 argument(s)");
  expect_error("fork 1 4 beta\n", "line 1: fork's settings come as KEY VALUE pairs");
  expect_error("x epochs\n", "line 1: x is step, grad_evals, samples or wall_time");
}

TEST(DemoScript, TheBuiltInScriptParses) {
  const auto commands = load_demo_script("default");
  ASSERT_FALSE(commands.empty());
  EXPECT_EQ(commands.front().name, "start");
  EXPECT_EQ(commands.back().name, "quit");
}

TEST(AppSettings, RoundTripAndDamagedFiles) {
  AppSettings s;
  s.window_width = 1280;
  s.db_path = "/tmp/some.db";
  s.run.optimizer = "muon";
  s.run.lr = 0.0125;
  s.x_unit = XUnit::wall_time;
  s.smoothing = 0.3;
  const auto path = fs::temp_directory_path() / ("app-" + std::to_string(::getpid()) + ".json");
  std::string message;
  ASSERT_TRUE(save_app_settings(s, path.string(), message)) << message;
  const AppSettings back = load_app_settings(path.string(), message);
  EXPECT_TRUE(message.empty()) << message;
  EXPECT_EQ(back.window_width, 1280);
  EXPECT_EQ(back.db_path, "/tmp/some.db");
  EXPECT_EQ(back.run.optimizer, "muon");
  EXPECT_EQ(back.run.lr, 0.0125);
  EXPECT_EQ(back.x_unit, XUnit::wall_time);
  EXPECT_EQ(back.smoothing, 0.3);

  std::ofstream(path) << "{ not json";
  const AppSettings damaged = load_app_settings(path.string(), message);
  EXPECT_NE(message.find("is not readable"), std::string::npos) << message;
  EXPECT_EQ(damaged.window_width, 1600);  // the defaults
  EXPECT_EQ(damaged.run.rank, 8);         // the classroom experiment

  message.clear();
  std::ofstream(path) << R"({"window_width": 100000, "run": {"optimizer": "sgd"}})";
  const AppSettings odd = load_app_settings(path.string(), message);
  EXPECT_EQ(odd.window_width, 16384);  // clamped
  EXPECT_NE(message.find("not usable"), std::string::npos) << message;
  EXPECT_EQ(odd.run.optimizer, "limuon");
  fs::remove(path);
}

TEST(FramePacer, InputDrawsNowDataAtMostTwiceASecondIdleSleeps) {
  FramePacer p;
  EXPECT_EQ(p.seconds_until_due(0, false), 0);  // the first two frames lay out the window
  p.frame_drawn(0);
  p.frame_drawn(10);
  EXPECT_TRUE(std::isinf(p.seconds_until_due(20, false)));  // nothing going on: sleep
  EXPECT_NEAR(p.seconds_until_due(20, true), (10 + 1000 - 20) / 1000.0, 1e-12);  // a run's clock: 1 s after the last frame
  p.note_events(false, true);
  EXPECT_NEAR(p.seconds_until_due(20, false), (10 + 500 - 20) / 1000.0, 1e-12);  // data: 500 ms after the last frame
  EXPECT_LE(p.seconds_until_due(510, false), 0);
  p.frame_drawn(510);
  p.note_events(true, false);
  EXPECT_EQ(p.seconds_until_due(511, false), 0);  // input: now
  p.frame_drawn(511);
  EXPECT_EQ(p.seconds_until_due(512, false), 0);  // and once more to settle
  p.frame_drawn(512);
  EXPECT_TRUE(std::isinf(p.seconds_until_due(513, false)));
}

TEST(RunData, XUnitsReplaysAndSmoothing) {
  RunData r;
  r.config.optimizer = "limuon";  // two gradient evaluations a step
  r.config.batch_size = 32;
  EXPECT_EQ(r.x_of(5, 1.5, XUnit::step), 5);
  EXPECT_EQ(r.x_of(5, 1.5, XUnit::grad_evals), 10);
  EXPECT_EQ(r.x_of(5, 1.5, XUnit::samples), 160);
  EXPECT_EQ(r.x_of(5, 1.5, XUnit::wall_time), 1.5);
  r.add({1, 0.1, "train_loss", 4.0}, XUnit::step, 0.5);
  r.add({2, 0.2, "train_loss", 2.0}, XUnit::step, 0.5);
  r.add({2, 0.3, "train_loss", 9.0}, XUnit::step, 0.5);  // a resumed run replays step 2: kept once
  r.add({3, 0.4, "train_loss", 1.0}, XUnit::step, 0.5);
  const MetricColumn* c = r.metric("train_loss");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->raw.size(), 3u);
  EXPECT_EQ(c->raw.ys()[1], 2.0);
  // Debiased EMA, w = 0.5: last = 2, 2, 1.5; shown = 2/0.5, 2/0.75, 1.5/0.875.
  EXPECT_DOUBLE_EQ(c->smoothed.ys()[0], 4.0);
  EXPECT_DOUBLE_EQ(c->smoothed.ys()[1], 2.0 / 0.75 * 1.0);
  EXPECT_DOUBLE_EQ(c->smoothed.ys()[2], 1.5 / 0.875);
  r.rebuild(XUnit::grad_evals, 0.0);
  EXPECT_EQ(c->raw.xs()[2], 6);
  EXPECT_EQ(c->smoothed.ys()[2], 1.0);  // weight 0: the raw values
}

}  // namespace
