// The background trainer: it learns, reports every metric, obeys pause/resume/lr/stop, detects
// divergence, and resumes from its checkpoint bit-identically.
#include "limuon/train/trainer.hpp"

#include "../engine/src/train/spectra.hpp"  // the engine's private spectrum helpers, for one unit test
#include "limuon/limuon.hpp"
#include "limuon/models/model.hpp"
#include "limuon/util/cpu_wait.hpp"

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

// Shapes of the classroom GPT's hidden matrices by name, from a model built here.
std::map<std::string, std::pair<int64_t, int64_t>> matrix_shapes(const RunConfig& c) {
  auto model = limuon::models::build_model(limuon::models::parse_model_spec(c.model), 0);
  const auto split = limuon::split_parameters(*model.module);
  std::map<std::string, std::pair<int64_t, int64_t>> shapes;
  for (size_t i = 0; i < split.matrices.size(); ++i)
    shapes[split.matrix_names[i]] = {split.matrices[i].size(0), split.matrices[i].numel() / split.matrices[i].size(0)};
  return shapes;
}

// The persistent state of a dense LiMuon run, from the documented table: m n float32 numbers per matrix,
// 2 x numel for each AdamW parameter, and LiMuon's two int64 counters (step, sketch seed) per parameter.
int64_t documented_dense_limuon_state_bytes(const RunConfig& c) {
  auto model = limuon::models::build_model(limuon::models::parse_model_spec(c.model), 0);
  const auto split = limuon::split_parameters(*model.module);
  int64_t bytes = 0;
  for (const auto& p : split.matrices) bytes += p.numel() * 4 + 2 * 8;
  for (const auto& p : split.others) bytes += 2 * p.numel() * 4 + 2 * 8;
  return bytes;
}

// Every step from 1 to `last` present, once.
template <typename Series>
void expect_consecutive_steps(const Series& series, int64_t last, const std::string& name) {
  ASSERT_EQ(series.size(), static_cast<size_t>(last)) << name;
  int64_t expected = 1;
  for (const auto& [step, value] : series) EXPECT_EQ(step, expected++) << name;
}

std::string temp_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("limuon-trainer-" + name + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  return p.string();
}

TEST(Trainer, LiMuonRunLearnsAndReportsEverything) {
  const RunConfig config = small_run("limuon", 60);
  Trainer t(config);
  t.start();
  const auto events = run_to_end(t);
  ASSERT_EQ(t.state(), RunState::finished) << t.error();
  EXPECT_EQ(t.step(), 60);
  EXPECT_EQ(t.grad_evals(), 120);  // two gradients per LiMuon step
  EXPECT_EQ(t.samples(), 60 * 8);
  const auto train = series(events, "train_loss"), val = series(events, "val_loss");
  expect_consecutive_steps(train, 60, "train_loss");
  ASSERT_EQ(val.size(), 6u);
  int64_t eval_step = 0;
  for (const auto& [step, loss] : val) {
    eval_step += 10;
    EXPECT_EQ(step, eval_step);
  }
  EXPECT_LT(val.rbegin()->second, 0.8 * val.begin()->second);
  // Next-byte accuracy at the same steps rises from about chance (1/256 of a random model) as it learns.
  const auto accuracy = series(events, "val_acc");
  ASSERT_EQ(accuracy.size(), 6u);
  for (const auto& [step, value] : accuracy) EXPECT_EQ(val.count(step), 1u) << step;
  EXPECT_GT(accuracy.rbegin()->second, accuracy.begin()->second + 0.05);
  EXPECT_LE(accuracy.rbegin()->second, 1.0);
  // The training loss falls too: the last ten steps' mean well below the first ten's.
  double first = 0, last = 0;
  for (int64_t s = 1; s <= 10; ++s) {
    first += train.at(s) / 10;
    last += train.at(50 + s) / 10;
  }
  EXPECT_LT(last, 0.85 * first);
  // Per-step series: one value a step, with the values the run must have.
  for (const char* name : {"lr", "step_ms", "grad_evals", "samples", "grad_norm/matrices", "grad_norm/others",
                           "update_norm"})
    expect_consecutive_steps(series(events, name), 60, name);
  for (const auto& [step, value] : series(events, "grad_evals")) EXPECT_EQ(value, 2.0 * double(step));
  for (const auto& [step, value] : series(events, "samples")) EXPECT_EQ(value, 8.0 * double(step));
  for (const auto& [step, value] : series(events, "lr")) EXPECT_EQ(value, 0.02);
  if (limuon::thread_cpu_wait_ms()) {  // where the kernel keeps it: the wait is a part of each step
    expect_consecutive_steps(series(events, "cpu_wait_ms"), 60, "cpu_wait_ms");
    const auto step_ms = series(events, "step_ms");
    for (const auto& [step, value] : series(events, "cpu_wait_ms")) {
      EXPECT_GE(value, 0) << "at step " << step;
      EXPECT_LE(value, step_ms.at(step) + 1.0) << "at step " << step;
    }
  }
  for (const char* name : {"grad_norm/matrices", "grad_norm/others", "update_norm"})
    for (const auto& [step, value] : series(events, name))
      EXPECT_TRUE(std::isfinite(value) && value > 0) << name << " at step " << step << " = " << value;
  // Evaluation-step series, with the documented state size (dense LiMuon: nothing lazily grows).
  const auto state = series(events, "state_bytes");
  ASSERT_EQ(state.size(), 6u);
  for (const auto& [step, value] : state) EXPECT_EQ(value, double(documented_dense_limuon_state_bytes(config)));
  for (const auto& [step, value] : series(events, "rss_bytes")) EXPECT_GT(value, 1e6);
  EXPECT_EQ(series(events, "rss_bytes").size(), 6u);
  // Spectra of two matrices, update and momentum, every 10 steps. The update is -lr scale NS(M_t): its
  // largest singular value is lr scale times a value in the quintic's band [0.6818, 1.2024].
  EXPECT_EQ(events.spectra.size(), 6u * 2u * 2u);
  const auto shapes = matrix_shapes(config);
  for (const auto& s : events.spectra) {
    ASSERT_FALSE(s.values.empty());
    EXPECT_EQ(s.step % 10, 0);
    EXPECT_TRUE(std::is_sorted(s.values.rbegin(), s.values.rend()));
    ASSERT_EQ(shapes.count(s.param), 1u) << s.param;
    const auto [m, n] = shapes.at(s.param);
    EXPECT_EQ(s.values.size(), static_cast<size_t>(std::min(m, n))) << s.param;
    if (s.kind == "update") {
      const double lr_scale = 0.02 * std::sqrt(std::max(1.0, double(m) / double(n)));
      EXPECT_GE(s.values[0], 0.6818 * lr_scale * (1 - 1e-3)) << s.param << " step " << s.step;
      EXPECT_LE(s.values[0], 1.2024 * lr_scale * (1 + 1e-3)) << s.param << " step " << s.step;
    } else {
      EXPECT_EQ(s.kind, "momentum");
      EXPECT_EQ(s.energy_fraction, -1.0);  // defined only for low-rank momentum
    }
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
  const auto shapes = matrix_shapes(c);
  int momentum_spectra = 0, update_spectra = 0;
  for (const auto& s : events.spectra) {
    EXPECT_EQ(s.step, 10);
    const auto [m, n] = shapes.at(s.param);
    if (s.kind == "momentum") {
      ++momentum_spectra;
      ASSERT_EQ(s.values.size(), 4u);
      EXPECT_TRUE(std::is_sorted(s.values.rbegin(), s.values.rend()));
      EXPECT_GT(s.values[3], 0.0);
      EXPECT_GT(s.energy_fraction, 0.0);
      EXPECT_LE(s.energy_fraction, 1.0 + 1e-6);
    } else {
      ++update_spectra;
      // The applied update is -lr scale U_4 V_4^T: exactly 4 nonzero singular values, each lr * scale
      // (shape scale sqrt(max(1, m / n))), up to the float32 rounding of W_{t+1} - W_t.
      ASSERT_EQ(s.values.size(), static_cast<size_t>(std::min(m, n)));
      const double step = 0.02 * std::sqrt(std::max(1.0, double(m) / double(n)));
      for (int i = 0; i < 4; ++i) EXPECT_NEAR(s.values[i], step, 1e-4 * step) << s.param << " value " << i;
      EXPECT_LT(s.values[4], 1e-6);
    }
  }
  EXPECT_EQ(momentum_spectra, 2);
  EXPECT_EQ(update_spectra, 2);
}

TEST(MomentumSpectrum, EnergyFractionIsTheTopRShareOfTheDenseMomentum) {
  // An 80 x 80 matrix whose gradient has a clear gap after 4 singular values; the closure returns the same
  // gradient in both passes, so M_1 = beta G + (1 - beta) M_hat_0 keeps the gap (and, with beta 0.9, most
  // of the tail). The fraction the trainer
  // reports must equal sum_{i<4} sigma_i(M_1)^2 / ||M_1||_F^2, computed here from p.grad (= M_1) by an
  // exact SVD.
  auto gen = at::detail::createCPUGenerator(11);
  const auto u = std::get<0>(torch::linalg_qr(torch::randn({80, 80}, gen, torch::kDouble)));
  const auto v = std::get<0>(torch::linalg_qr(torch::randn({80, 80}, gen, torch::kDouble)));
  torch::Tensor sigma = 0.5 * torch::rand({80}, gen, torch::kDouble);
  sigma.narrow(0, 0, 4).copy_(torch::tensor({4.0, 3.0, 2.5, 2.0}, torch::kDouble));
  const torch::Tensor g = torch::matmul(u * sigma.unsqueeze(0), v.t()).to(torch::kFloat);
  torch::Tensor w = torch::zeros({80, 80}).requires_grad_(true);
  limuon::LiMuon opt({w}, limuon::LiMuonOptions(0.02).beta(0.9).rank(4).polar(limuon::Polar::lowrank).power_iters(3));
  opt.step([&] {
    w.mutable_grad() = g.clone();
    return torch::zeros({});
  });
  const auto view = limuon::train::detail::momentum_spectrum(opt, w);
  ASSERT_TRUE(view.has_value());
  const torch::Tensor exact = torch::linalg_svdvals(w.grad().to(torch::kDouble));
  const double expected = exact.narrow(0, 0, 4).pow(2).sum().item<double>() / exact.pow(2).sum().item<double>();
  EXPECT_GT(expected, 0.7);
  EXPECT_LT(expected, 0.95);  // the tail is not negligible: a fraction of 1 would pass by accident
  EXPECT_NEAR(view->energy_fraction, expected, 1e-5);
  ASSERT_EQ(view->values.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(view->values[i], exact[i].item<double>(), 1e-4 * exact[i].item<double>());
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

TEST(Trainer, StepOnceWhilePausedTakesExactlyOneStep) {
  Trainer t(small_run("limuon", 20));
  t.pause();  // before start: the run waits at step 0
  t.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto wait_for = [&](auto ready) {
    while (!ready() && !t.done() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  };
  wait_for([&] { return t.state() == RunState::paused; });
  ASSERT_EQ(t.state(), RunState::paused) << t.error();
  EXPECT_EQ(t.step(), 0);
  for (int64_t want = 1; want <= 2; ++want) {
    t.step_once();
    wait_for([&] { return t.step() == want && t.state() == RunState::paused; });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // no further step sneaks in
    EXPECT_EQ(t.step(), want);
    EXPECT_EQ(t.state(), RunState::paused);
  }
  t.resume();
  run_to_end(t);
  EXPECT_EQ(t.state(), RunState::finished) << t.error();
  EXPECT_EQ(t.step(), 20);
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

TEST(Trainer, ASpeedLimitSpacesTheStepsAndChangesNoResult) {
  auto c = small_run("muon", 10);
  c.spectrum_every = 0;
  Trainer free_run(c);
  free_run.start();
  const auto unlimited = run_to_end(free_run);
  Trainer limited(c);
  limited.set_speed_limit(20);  // at most 20 steps a second: 10 steps span at least 0.45 s
  limited.start();
  const auto held = run_to_end(limited);
  ASSERT_EQ(limited.state(), RunState::finished) << limited.error();
  EXPECT_EQ(series(held, "train_loss"), series(unlimited, "train_loss"));
  double first = -1, last = -1;
  for (const auto& m : held.metrics)
    if (m.name == "train_loss") (first < 0 ? first : last) = m.wall_s;
  // A lower bound only (sleeps last at least as long as asked): the first step's own time is subtracted.
  EXPECT_GE(last - first, 9 / 20.0 - 0.05);
  // Lifting the limit mid-run lets it finish at once; a stop ends a long wait.
  Trainer slow(c);
  slow.set_speed_limit(0.01);  // one step every 100 s
  slow.start();
  while (slow.step() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  slow.set_speed_limit(0);
  run_to_end(slow);
  EXPECT_EQ(slow.step(), 10);
  Trainer stopped(c);
  stopped.set_speed_limit(0.01);
  stopped.start();
  while (stopped.step() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  stopped.request_stop();
  run_to_end(stopped);
  EXPECT_EQ(stopped.state(), RunState::stopped);
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
