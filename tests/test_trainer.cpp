// The background trainer: it learns, reports every metric, obeys pause/resume/lr/stop, detects
// divergence, and resumes from its checkpoint bit-identically.
#include "limuon/train/trainer.hpp"

#include <filesystem>
#include <map>
#include <thread>

namespace {

using limuon::train::RunConfig;
using limuon::train::RunState;
using limuon::train::Trainer;
using limuon::train::TrainerEvents;

RunConfig small_run(const std::string& optimizer, int64_t steps) {
  RunConfig c;
  c.model = "gpt:classroom";
  c.optimizer = optimizer;
  if (optimizer == "adamw") c.adamw_lr = 3e-3;  // AdamW reads adamw_lr for every parameter
  else c.lr = 0.02;
  if (optimizer == "limuon") c.beta = 0.5;
  c.steps = steps;
  c.batch_size = 8;
  c.eval_every = 10;
  c.eval_batches = 2;
  c.spectrum_every = 10;
  c.checkpoint_every = 10;
  c.threads = 1;
  return c;
}

// Drains until the run ends; the test thread may wait, the GUI never does.
TrainerEvents run_to_end(Trainer& t) {
  TrainerEvents all;
  while (!t.done()) {
    auto e = t.drain();
    all.metrics.insert(all.metrics.end(), e.metrics.begin(), e.metrics.end());
    all.spectra.insert(all.spectra.end(), e.spectra.begin(), e.spectra.end());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  t.wait();
  auto e = t.drain();
  all.metrics.insert(all.metrics.end(), e.metrics.begin(), e.metrics.end());
  all.spectra.insert(all.spectra.end(), e.spectra.begin(), e.spectra.end());
  return all;
}

std::map<int64_t, double> series(const TrainerEvents& e, const std::string& name) {
  std::map<int64_t, double> out;
  for (const auto& m : e.metrics)
    if (m.name == name) out[m.step] = m.value;
  return out;
}

std::string temp_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("limuon-trainer-" + name + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  return p.string();
}

TEST(Trainer, LiMuonRunLearnsAndReportsEverything) {
  Trainer t(small_run("limuon", 60));
  t.start();
  const auto events = run_to_end(t);
  ASSERT_EQ(t.state(), RunState::finished) << t.error();
  EXPECT_EQ(t.step(), 60);
  EXPECT_EQ(t.grad_evals(), 120);  // two gradients per LiMuon step
  EXPECT_EQ(t.samples(), 60 * 8);
  const auto train = series(events, "train_loss"), val = series(events, "val_loss");
  ASSERT_EQ(train.size(), 60u);
  ASSERT_EQ(val.size(), 6u);
  EXPECT_LT(val.rbegin()->second, 0.8 * val.begin()->second);
  for (const char* name : {"lr", "step_ms", "grad_evals", "samples", "grad_norm/matrices", "grad_norm/others",
                           "update_norm", "state_bytes", "rss_bytes"})
    EXPECT_FALSE(series(events, name).empty()) << name;
  EXPECT_EQ(series(events, "grad_evals").rbegin()->second, 120.0);
  // Spectra of two matrices, update and momentum, every 10 steps.
  EXPECT_EQ(events.spectra.size(), 6u * 2u * 2u);
  for (const auto& s : events.spectra) {
    ASSERT_FALSE(s.values.empty());
    EXPECT_TRUE(std::is_sorted(s.values.rbegin(), s.values.rend()));
  }
}

TEST(Trainer, LowRankRunReportsTheEnergyItsFactorsCapture) {
  auto c = small_run("limuon", 10);
  c.rank = 4;
  c.polar = "lowrank";
  Trainer t(c);
  t.start();
  const auto events = run_to_end(t);
  ASSERT_EQ(t.state(), RunState::finished) << t.error();
  int momentum_spectra = 0;
  for (const auto& s : events.spectra)
    if (s.kind == "momentum") {
      ++momentum_spectra;
      EXPECT_EQ(s.values.size(), 4u);
      EXPECT_GT(s.energy_fraction, 0.0);
      EXPECT_LE(s.energy_fraction, 1.0 + 1e-6);
    } else {
      // The applied update is -lr * U_4 V_4^T: at most 4 nonzero singular values, all lr * scale.
      EXPECT_LT(s.values[4], 1e-6);
    }
  EXPECT_EQ(momentum_spectra, 2);
}

TEST(Trainer, PauseHoldsTheStepAndResumeFinishes) {
  Trainer t(small_run("muon", 120));
  t.start();
  // Deadlines turn a hang into a failure; they are not timing assertions.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (t.step() < 3 && !t.done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  t.pause();
  while (t.state() != RunState::paused && !t.done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(t.state(), RunState::paused) << t.error();
  const int64_t held = t.step();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(t.step(), held);
  t.set_lr(0.005);
  t.resume();
  const auto events = run_to_end(t);
  ASSERT_EQ(t.state(), RunState::finished) << t.error();
  EXPECT_EQ(series(events, "lr").rbegin()->second, 0.005);
  EXPECT_EQ(series(events, "lr").begin()->second, 0.02);
}

TEST(Trainer, StopCheckpointsAndAResumedRunContinuesBitIdentically) {
  const std::string dir = temp_dir("resume");
  const auto config = small_run("limuon", 30);
  Trainer straight(config);
  straight.start();
  const auto full = series(run_to_end(straight), "train_loss");

  {
    Trainer first(config, dir);
    first.start();
    while (first.step() < 12 && !first.done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    first.request_stop();
    first.wait();
    EXPECT_EQ(first.state(), RunState::stopped);
  }
  Trainer second(config, dir);
  second.start();
  const auto resumed = series(run_to_end(second), "train_loss");
  ASSERT_EQ(second.state(), RunState::finished) << second.error();
  EXPECT_GE(second.resumed_from(), 12);
  EXPECT_EQ(second.step(), 30);
  for (const auto& [step, loss] : resumed) EXPECT_EQ(loss, full.at(step)) << "step " << step;  // bit for bit
  // The points since the checkpoint before the stop are replayed, so none can be lost in between.
  EXPECT_LE(resumed.begin()->first, second.resumed_from());
  std::filesystem::remove_all(dir);
}

TEST(Trainer, DivergenceEndsTheRunWithItsStep) {
  auto c = small_run("adamw", 200);
  c.adamw_lr = 5.0;  // far too large
  Trainer t(c);
  t.start();
  run_to_end(t);
  EXPECT_EQ(t.state(), RunState::diverged);
  EXPECT_GT(t.diverged_step(), 0);
  EXPECT_LT(t.diverged_step(), 200);
}

TEST(Trainer, MissingDataFailsTheRunWithAMessageNotTheProcess) {
  const char* previous = std::getenv("LIMUON_DATA_DIR");
  const std::string saved = previous ? previous : "";
  setenv("LIMUON_DATA_DIR", "/nonexistent", 1);
  Trainer t(small_run("limuon", 5));
  t.start();
  run_to_end(t);
  if (previous) setenv("LIMUON_DATA_DIR", saved.c_str(), 1);
  else unsetenv("LIMUON_DATA_DIR");
  EXPECT_EQ(t.state(), RunState::failed);
  EXPECT_NE(t.error().find("scripts/setup.sh"), std::string::npos) << t.error();
}

TEST(Trainer, SpectraFollowTheChosenMatricesAndAnUnknownNameFailsTheRun) {
  auto c = small_run("muon", 10);
  c.spectrum_params = "blocks.1.fc.weight";
  Trainer t(c);
  t.start();
  const auto events = run_to_end(t);
  ASSERT_EQ(t.state(), RunState::finished) << t.error();
  ASSERT_EQ(events.spectra.size(), 2u);  // update and momentum at step 10
  for (const auto& s : events.spectra) {
    EXPECT_EQ(s.param, "blocks.1.fc.weight");
    EXPECT_EQ(s.values.size(), 80u);  // min(320, 80) exact singular values
  }
  c.spectrum_params = "blocks.9.fc.weight";
  Trainer bad(c);
  bad.start();
  run_to_end(bad);
  EXPECT_EQ(bad.state(), RunState::failed);
  EXPECT_NE(bad.error().find("blocks.0.attn.q.weight"), std::string::npos) << bad.error();
}

TEST(Trainer, BadConfigIsRejectedBeforeAnyThreadStarts) {
  auto c = small_run("limuon", 5);
  c.optimizer = "sgd";
  EXPECT_THROW(Trainer{c}, limuon::train::ConfigError);
}

}  // namespace
