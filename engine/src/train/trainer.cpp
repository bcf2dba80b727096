#include "limuon/train/trainer.hpp"

#include <ATen/ATen.h>
#include <torch/optim/optimizer.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <utility>
#include <sstream>
#include <cmath>
#include <limits>
#include <system_error>

#include "limuon/data/batches.hpp"
#include "limuon/models/model.hpp"
#include "limuon/optim/state_bytes.hpp"
#include "limuon/util/cpu_wait.hpp"
#include "limuon/util/threads.hpp"
#include "limuon/train/checkpoint.hpp"
#include "limuon/train/optimizer_factory.hpp"
#include "spectra.hpp"

namespace limuon::train {

const char* to_string(RunState state) {
  switch (state) {
    case RunState::created: return "created";
    case RunState::running: return "running";
    case RunState::paused: return "paused";
    case RunState::finished: return "finished";
    case RunState::stopped: return "stopped";
    case RunState::diverged: return "diverged";
    case RunState::failed: return "failed";
  }
  return "unknown";
}

Trainer::Trainer(RunConfig config, std::string checkpoint_dir, bool set_threads)
    : config_(std::move(config)), checkpoint_dir_(std::move(checkpoint_dir)), set_threads_(set_threads) {
  config_.validate();
  config_.steps = config_.total_steps();  // a grad_evals budget, in steps; the stored config keeps the budget
}

Trainer::~Trainer() {
  request_stop();
  if (thread_.joinable()) thread_.join();
}

void Trainer::start() {
  if (thread_.joinable()) return;
  state_ = RunState::running;
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error& e) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::string("cannot start the training thread: ") + e.what();
    }
    state_ = RunState::failed;
  }
}

void Trainer::pause() { pause_requested_ = true; }

void Trainer::resume() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pause_requested_ = false;
    single_steps_ = 0;
  }
  wake_.notify_all();
}

void Trainer::step_once() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!pause_requested_) return;  // a running trainer ignores it
    ++single_steps_;
  }
  wake_.notify_all();
}

void Trainer::request_stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_requested_ = true;
  }
  wake_.notify_all();
}

void Trainer::set_lr(double lr) {
  if (std::isfinite(lr) && lr > 0) requested_lr_ = lr;
}

void Trainer::set_speed_limit(double steps_per_s) {
  speed_limit_ = std::isfinite(steps_per_s) && steps_per_s > 0 ? steps_per_s : 0.0;
  wake_.notify_all();  // a lifted limit ends the current wait at once
}

void Trainer::hold_to_speed_limit(std::chrono::steady_clock::time_point step_began) {
  // Waits out the rest of the step's share of a second; a stop, a pause or a new limit ends the wait.
  for (;;) {
    const double limit = speed_limit_.load();
    if (limit <= 0) return;
    const auto until = step_began + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(1.0 / limit));
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_until(lock, until,
                         [&] { return stop_requested_ || pause_requested_ || speed_limit_.load() != limit; })) {
      if (stop_requested_ || pause_requested_) return;
      continue;  // the limit changed: measure against the new one
    }
    return;
  }
}

void Trainer::confirm_stored(int64_t metrics_through) {
  int64_t seen = stored_through_.load();
  while (metrics_through > seen && !stored_through_.compare_exchange_weak(seen, metrics_through)) {
  }
}

void Trainer::wait() {
  if (thread_.joinable()) thread_.join();
}

bool Trainer::done() const { return is_end_state(state_.load()); }

std::string Trainer::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

bool Trainer::wait_while_paused() {
  if (pause_requested_ && !stop_requested_) {
    state_ = RunState::paused;
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [this] { return !pause_requested_ || stop_requested_ || single_steps_ > 0; });
    if (pause_requested_ && single_steps_ > 0) --single_steps_;  // one step, then paused again
    state_ = RunState::running;
  }
  return !stop_requested_;
}

namespace {

using Clock = std::chrono::steady_clock;

double group_grad_norm(const std::vector<at::Tensor>& params) {
  double sum = 0;
  for (const auto& p : params)
    if (p.grad().defined()) sum += p.grad().to(at::kDouble).pow(2).sum().item<double>();
  return std::sqrt(sum);
}

// The matrices whose spectra are reported: the named ones, or by default the first and the last
// hidden matrix (the input and output ends of the network).
std::vector<size_t> watched_matrices(const std::string& names, const std::vector<std::string>& matrix_names) {
  std::vector<size_t> watched;
  if (names.empty()) {
    if (!matrix_names.empty()) watched.push_back(0);
    if (matrix_names.size() > 1) watched.push_back(matrix_names.size() - 1);
    return watched;
  }
  std::stringstream list(names);
  for (std::string name; std::getline(list, name, ',');) {
    const auto it = std::find(matrix_names.begin(), matrix_names.end(), name);
    if (it == matrix_names.end()) {
      std::string known;
      for (const auto& n : matrix_names) known += (known.empty() ? "" : ", ") + n;
      throw ConfigError("spectrum_params: '" + name + "' is not a hidden matrix of this model (" + known + ")");
    }
    watched.push_back(static_cast<size_t>(it - matrix_names.begin()));
  }
  return watched;
}

std::vector<at::Tensor> snapshot(const std::vector<at::Tensor>& params) {
  std::vector<at::Tensor> copies;
  for (const auto& p : params) copies.push_back(p.detach().clone());
  return copies;
}

}  // namespace

void Trainer::run() {
  try {
    const RunConfig& c = config_;
    if (set_threads_) set_compute_threads(static_cast<int>(c.threads));
    auto model = models::build_model(models::parse_model_spec(c.model), static_cast<uint64_t>(c.seed));
    const bool text = model.task == models::Task::text;
    const std::string data_name = !c.data.empty() ? c.data : text ? "moby-dick" : "fashion-mnist";
    const auto source = text ? data::make_text_source(data::moby_dick_path(), c.batch_size, model.context, c.seed)
                             : data::make_image_source(data_name, c.batch_size, static_cast<uint64_t>(c.seed));
    BuiltOptimizer built = build_optimizer(c, *model.module);
    torch::optim::Optimizer& opt = *built.optimizer;
    const std::string config_json = c.to_json();

    int64_t start = 0;
    double first_loss = std::numeric_limits<double>::quiet_NaN(), wall_offset = 0;
    int64_t grad_evals_at_start = -1;  // -1: start x this optimizer's gradients per step
    if (fork_ && (checkpoint_dir_.empty() || !has_checkpoint(checkpoint_dir_))) {  // a branch's first start
      const CheckpointProgress parent = begin_fork(*fork_, c, *model.module, built);
      start = parent.step;
      first_loss = parent.first_loss;  // divergence is judged against the run both share
      wall_offset = parent.wall_s;     // and the clock and the gradient count continue the parent's
      grad_evals_at_start = parent.grad_evals;
    }
    // Points the store has not confirmed, with their EventQueue numbers: every checkpoint carries them
    // and a resumed run replays them, so none is lost if the process dies before the store has them.
    std::deque<std::pair<int64_t, MetricPoint>> unstored;
    auto push_metric = [&](MetricPoint point) {
      const int64_t number = events_.push(point);
      if (!checkpoint_dir_.empty()) unstored.emplace_back(number, std::move(point));
    };
    auto drop_stored = [&] {
      const int64_t stored = stored_through_.load();
      while (!unstored.empty() && unstored.front().first <= stored) unstored.pop_front();
    };
    if (!checkpoint_dir_.empty())
      if (auto resumed = load_checkpoint(checkpoint_dir_, *model.module, opt, config_json)) {
        start = resumed->step;
        resumed_from_ = start;
        first_loss = resumed->first_loss;
        wall_offset = resumed->wall_s;
        grad_evals_at_start = resumed->grad_evals;
        for (auto& m : resumed->recent_metrics) push_metric(std::move(m));  // unconfirmed until stored again
      }
    step_ = start;
    grad_evals_ = grad_evals_at_start >= 0 ? grad_evals_at_start : start * built.grads_per_step;
    samples_ = start * c.batch_size;

    std::vector<at::Tensor> all_params = built.split.matrices;
    all_params.insert(all_params.end(), built.split.others.begin(), built.split.others.end());
    int64_t param_count = 0;
    for (const auto& p : all_params) param_count += p.numel();
    const bool update_norm_every_step = param_count <= 5'000'000;  // else only on evaluation steps
    const std::vector<size_t> watched = watched_matrices(c.spectrum_params, built.split.matrix_names);

    int64_t skipped_seen = 0, kept_seen = 0;  // the optimizer's counters after the previous step
    const auto began = Clock::now();
    auto wall = [&] { return wall_offset + std::chrono::duration<double>(Clock::now() - began).count(); };
    auto emit = [&](int64_t step, const std::string& name, double value) {
      push_metric(MetricPoint{step, wall(), name, value});
    };
    auto validate = [&] {  // mean loss and accuracy over the validation batches (all the same size)
      at::NoGradGuard no_grad;
      models::BuiltModel::Evaluation sum;
      for (int64_t k = 0; k < c.eval_batches; ++k) {
        const auto e = model.evaluate(source->batch(data::Split::validation, k));
        sum.loss += e.loss;
        sum.accuracy += e.accuracy;
      }
      const double n = static_cast<double>(c.eval_batches);
      return models::BuiltModel::Evaluation{sum.loss / n, sum.accuracy / n};
    };
    auto checkpoint = [&](int64_t step) {
      if (checkpoint_dir_.empty()) return;
      drop_stored();
      CheckpointProgress progress{step, first_loss, wall(), {}, grad_evals_.load()};
      for (const auto& entry : unstored) progress.recent_metrics.push_back(entry.second);
      save_checkpoint(checkpoint_dir_, *model.module, opt, progress, config_json);
      if (keep_history_) keep_in_history(checkpoint_dir_, step);
    };

    for (int64_t t = start; t < c.steps; ++t) {
      if (!wait_while_paused()) {
        checkpoint(t);
        state_ = RunState::stopped;
        return;
      }
      const double new_lr = requested_lr_.exchange(-1.0);
      if (new_lr > 0) {
        const double ratio = new_lr / opt.param_groups()[0].options().get_lr();
        for (auto& group : opt.param_groups()) group.options().set_lr(group.options().get_lr() * ratio);
      }

      drop_stored();  // keeps the list as short as the store's lag
      const auto step_began = Clock::now();
      const data::Batch batch = source->batch(data::Split::train, t);
      const bool measure = update_norm_every_step || (t + 1) % c.eval_every == 0;
      const bool spectra = c.spectrum_every > 0 && (t + 1) % c.spectrum_every == 0;
      int calls = 0;
      double norm_matrices = 0, norm_others = 0;
      auto closure = [&] {
        ++calls;
        opt.zero_grad();  // harmless for LiMuon: it keeps its correction outside the gradients
        at::Tensor loss = model.loss(batch);
        loss.backward();
        if (calls == 1) {  // g(W_t; xi): LiMuon's second pass holds momentum, not a gradient
          at::NoGradGuard no_grad;
          norm_matrices = group_grad_norm(built.split.matrices);
          norm_others = group_grad_norm(built.split.others);
        }
        return loss;
      };
      const std::vector<at::Tensor> before = measure ? snapshot(all_params) : std::vector<at::Tensor>{};

      const std::optional<double> waited_before = thread_cpu_wait_ms();
      const auto t0 = Clock::now();
      const double loss = opt.step(closure).item<double>();
      const double step_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      const std::optional<double> waited_after = thread_cpu_wait_ms();
      step_ = t + 1;
      grad_evals_ += calls;
      samples_ += c.batch_size;
      last_loss_ = loss;

      const int64_t s = t + 1;
      emit(s, "train_loss", loss);
      emit(s, "lr", opt.param_groups()[0].options().get_lr());
      emit(s, "step_ms", step_ms);
      // Part of step_ms when other work held the cores: the step's own cost is step_ms minus this.
      if (waited_before && waited_after) emit(s, "cpu_wait_ms", *waited_after - *waited_before);
      emit(s, "grad_evals", static_cast<double>(grad_evals_.load()));
      emit(s, "samples", static_cast<double>(samples_.load()));
      emit(s, "grad_norm/matrices", norm_matrices);
      emit(s, "grad_norm/others", norm_others);
      if (built.stats != nullptr) {
        // 1 at a step whose update was skipped (NaN/Inf gradient) or whose momentum stayed M_t (a
        // non-finite second pass): markers on the x axis. Evaluation steps write 0, so a healthy run
        // still has both series.
        const bool evaluating = s % c.eval_every == 0 || s == c.steps;
        const bool skipped = built.stats->skipped_nonfinite > skipped_seen;
        const bool kept = built.stats->kept_momentum > kept_seen;
        if (skipped || evaluating) emit(s, "skipped_nonfinite", skipped ? 1.0 : 0.0);
        if (kept || evaluating) emit(s, "kept_momentum", kept ? 1.0 : 0.0);
        skipped_seen = built.stats->skipped_nonfinite;
        kept_seen = built.stats->kept_momentum;
      }
      if (measure) {
        double sum = 0;
        for (size_t i = 0; i < all_params.size(); ++i)
          sum += (all_params[i].detach() - before[i]).to(at::kDouble).pow(2).sum().item<double>();
        emit(s, "update_norm", std::sqrt(sum));
      }

      if (std::isnan(first_loss)) first_loss = loss;
      if (!std::isfinite(loss) || loss > c.divergence_factor * first_loss) {
        diverged_step_ = s;
        state_ = RunState::diverged;
        return;
      }
      if (spectra) {
        for (size_t w : watched) {
          const at::Tensor& p = built.split.matrices[w];
          const std::string& name = built.split.matrix_names[w];
          if (measure) {
            const size_t index = w;  // matrices come first in all_params
            events_.push(Spectrum{s, name, "update", detail::singular_values(p.detach() - before[index]), -1});
          }
          if (auto m = detail::momentum_spectrum(opt, p))
            events_.push(Spectrum{s, name, "momentum", std::move(m->values), m->energy_fraction});
        }
      }
      if (s % c.eval_every == 0 || s == c.steps) {
        const auto validation = validate();
        const double val = validation.loss;
        emit(s, "val_loss", val);
        emit(s, "val_acc", validation.accuracy);
        last_val_loss_ = val;
        last_val_step_ = s;
        emit(s, "state_bytes", static_cast<double>(state_bytes(opt)));
        emit(s, "rss_bytes", static_cast<double>(detail::resident_bytes()));
      }
      if (c.checkpoint_every > 0 && s % c.checkpoint_every == 0 && s < c.steps) checkpoint(s);
      hold_to_speed_limit(step_began);
    }
    checkpoint(c.steps);
    state_ = RunState::finished;
  } catch (const std::exception& e) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = e.what();
    }
    state_ = RunState::failed;
  } catch (...) {  // nothing may escape the thread: std::terminate would take the app down
    {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = "unknown error";
    }
    state_ = RunState::failed;
  }
}

}  // namespace limuon::train
