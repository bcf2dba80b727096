// limuon-lab train | sweep | fork
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "limuon/store/store.hpp"
#include "limuon/sweep/run_lock.hpp"
#include "limuon/sweep/run_queue.hpp"
#include "limuon/sweep/sweep.hpp"
#include "limuon/train/checkpoint.hpp"
#include "limuon/train/config_string.hpp"
#include "limuon/train/fork.hpp"

namespace limuon::cli::detail {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int signal) {
  g_stop = true;
  std::signal(signal, SIG_DFL);  // a second Ctrl-C ends the process at once
}

// Ctrl-C: running runs checkpoint and end as "stopped"; a second Ctrl-C kills as usual.
struct InterruptGuard {
  InterruptGuard() {
    g_stop = false;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
  }
  ~InterruptGuard() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
};

// Console and a rotating file beside the database (<db>.log, 3 x 5 MB).
std::shared_ptr<spdlog::logger> make_logger(const std::string& db_path) {
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_level(spdlog::level::warn);
  auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(db_path + ".log", 5 * 1024 * 1024, 3);
  auto logger = std::make_shared<spdlog::logger>("limuon", spdlog::sinks_init_list{console, file});
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  return logger;
}

// A bar redrawn in place on a terminal; plain lines (every 10% of a run) otherwise.
class Progress {
 public:
  explicit Progress(std::ostream& out) : out_(out), tty_(isatty(STDOUT_FILENO) == 1) {}
  void update(const sweep::QueueProgress& p) {
    const auto& t = p.trainer;
    const int64_t total = t.config().steps, step = t.step();
    std::ostringstream line;
    // A resumed run has no loss of its own until it takes a step past its checkpoint.
    const bool stepped = step > std::max<int64_t>(0, t.resumed_from());
    line << "run " << p.run_id << " [" << t.config().name << "] " << train::to_string(t.state()) << " step " << step
         << "/" << total << " loss ";
    if (stepped) line << std::fixed << std::setprecision(4) << t.last_loss();
    else line << "--";
    line << std::fixed << std::setprecision(4) << " grads " << t.grad_evals();
    const int64_t val_step = t.last_val_step();
    if (val_step > 0) line << " val " << t.last_val_loss() << " (step " << val_step << ")";
    if (p.ended) {
      if (t.resumed_from() >= 0) line << " (resumed from step " << t.resumed_from() << ")";
      if (t.state() == train::RunState::diverged) line << " (diverged at step " << t.diverged_step() << ")";
      if (!t.error().empty()) line << " error: " << t.error();
      finish(line.str());
      return;
    }
    if (tty_) {
      const int width = 24, filled = total > 0 ? static_cast<int>(width * step / total) : 0;
      out_ << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << line.str() << "   "
           << std::flush;
    } else if ((total > 0 && step * 10 / total > last_tenth_[p.run_id]) || val_step > last_val_step_[p.run_id]) {
      last_tenth_[p.run_id] = total > 0 ? step * 10 / total : 0;  // a line every tenth and at each validation
      last_val_step_[p.run_id] = val_step;
      out_ << line.str() << "\n" << std::flush;
    }
  }

 private:
  void finish(const std::string& line) { out_ << (tty_ ? "\r" : "") << line << "\n" << std::flush; }
  std::ostream& out_;
  bool tty_;
  std::map<int64_t, int64_t> last_tenth_, last_val_step_;
};

std::string default_db() { return "runs.db"; }
std::string checkpoint_root(const std::string& db_path) { return db_path + ".checkpoints"; }

// The documented exit codes (see usage()): a failure, or a run skipped because another process drives
// it, outranks a divergence.
int exit_code(const sweep::QueueOutcome& outcome) {
  if (outcome.failed > 0 || outcome.busy > 0) return kExitFailed;
  if (outcome.diverged > 0) return kExitDiverged;
  return kExitOk;
}

sweep::QueueOutcome run_recorded(store::Store& db, std::vector<sweep::QueuedRun> runs, int jobs, std::ostream& out,
                                 std::ostream& err, spdlog::logger& log) {
  InterruptGuard interrupt;
  Progress progress(out);
  sweep::QueueOptions options;
  options.jobs = jobs;
  options.checkpoint_root = checkpoint_root(db.path());
  options.keep_checkpoint_history = true;  // every run can be forked from any of its checkpoints
  options.stop = &g_stop;
  options.on_warning = [&](const std::string& message) {
    err << "limuon-lab: " << message << "\n" << std::flush;
    log.info("warning: {}", message);  // the file only: the console already has it
  };
  options.on_progress = [&](const sweep::QueueProgress& p) {
    progress.update(p);
    if (p.ended)
      log.info("run {} ended {} at step {} loss {} {}", p.run_id, train::to_string(p.trainer.state()), p.trainer.step(),
               p.trainer.last_loss(), p.trainer.error());
  };
  for (const auto& r : runs) log.info("run {} queued: {}", r.run_id, r.config.to_json());
  const auto outcome = sweep::run_queue(db, std::move(runs), options);
  out << outcome.finished << " finished, " << outcome.stopped << " stopped, " << outcome.diverged << " diverged, "
      << outcome.failed << " failed";
  if (outcome.busy > 0) out << ", " << outcome.busy << " busy in another process (skipped; run this again later)";
  if (outcome.ended_elsewhere > 0) out << ", " << outcome.ended_elsewhere << " ended by another process";
  out << "\n";
  return outcome;
}

// Nonzero when a run failed or was skipped because another process was running it.

bool has_ended(const std::string& status) {
  return status == "finished" || status == "diverged" || status == "failed";
}

}  // namespace

int train_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string db_path = default_db(), config_path, config_string;
  int64_t resume_id = 0;
  std::vector<std::pair<std::string, std::string>> flags;
  for (ArgCursor a(args); a.next();) {
    const std::string& f = a.flag();
    if (f == "--db") db_path = a.value();
    else if (f == "--config") config_path = a.value();
    else if (f == "--config-string") config_string = a.value();
    else if (f == "--resume") resume_id = parse_int("--resume", a.value(), 1, 2'000'000'000);
    else if (f.rfind("--", 0) == 0 && f.size() > 2) {
      std::string key = f.substr(2);
      std::replace(key.begin(), key.end(), '-', '_');
      flags.emplace_back(key, a.value());
    } else throw UsageError("unexpected argument '" + f + "' for 'train'");
  }
  if (resume_id > 0) {  // an interrupted run continues from its checkpoint with its stored settings
    if (!flags.empty() || !config_path.empty() || !config_string.empty())
      throw UsageError("--resume takes no settings: the run keeps the ones it was started with");
    store::Store db(db_path);
    if (!db.run(resume_id)) throw std::runtime_error("no run " + std::to_string(resume_id) + " in " + db_path);
    // Take the run's lock before touching anything: a sweep or another resume may be driving it.
    auto lock = sweep::RunLock::try_acquire(checkpoint_root(db_path), resume_id);
    if (!lock) {
      err << "limuon-lab: run " << resume_id << " is being run by another limuon-lab process (lock "
          << sweep::RunLock::path_for(checkpoint_root(db_path), resume_id)
          << "); nothing was changed: wait for that process to end, then resume again\n";
      return 1;
    }
    const auto stored = db.run(resume_id);  // read again under the lock
    if (has_ended(stored->status)) {
      out << "run " << resume_id << " already ended (" << stored->status << "); nothing to resume\n";
      return 0;
    }
    auto log = make_logger(db_path);
    out << "run " << resume_id << ": " << stored->name << " (resuming) -> " << db_path << "\n";
    const auto outcome = run_recorded(db,
                                      {{resume_id, train::RunConfig::from_stored_json(stored->config_json),
                                        std::make_shared<sweep::RunLock>(std::move(*lock))}},
                                      1, out, err, *log);
    return exit_code(outcome);
  }
  train::RunConfig config;
  if (!config_path.empty() && !config_string.empty())
    throw UsageError("--config and --config-string both give a whole configuration: use one");
  if (!config_path.empty()) config = train::load_run_config(config_path);
  if (!config_string.empty()) config = train::from_config_string(config_string);
  for (const auto& [key, value] : flags) config.set(key, value, "--" + key);
  config.validate();
  if (config.name.empty()) config.name = config.summary();

  store::Store db(db_path);
  auto log = make_logger(db_path);
  const int64_t run_id = db.create_run(config.name, config.to_json(), std::nullopt);
  out << "run " << run_id << ": " << config.name << " -> " << db_path << "\n";
  return exit_code(run_recorded(db, {{run_id, config, nullptr}}, 1, out, err, *log));
}

int sweep_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string db_path = default_db(), file;
  int jobs = 0;
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--db") db_path = a.value();
    else if (a.flag() == "--jobs") jobs = parse_int("--jobs", a.value(), 1, 64);
    else if (a.flag().rfind("--", 0) != 0 && file.empty()) file = a.flag();
    else throw UsageError("unexpected argument '" + a.flag() + "' for 'sweep'");
  }
  if (file.empty()) throw UsageError("'sweep' needs a sweep file, e.g. limuon-lab sweep experiments/rank_beta.toml");
  const auto spec = sweep::load_sweep(file);
  // One sweep process per database: two would both pick up the same interrupted runs. The kernel drops
  // the lock when the process ends, also by kill -9.
  const auto lock = sweep::RunLock::try_acquire_sweep(db_path);
  if (!lock)
    throw std::runtime_error("another limuon-lab sweep is using " + db_path + " (lock " + db_path +
                             ".sweep.lock); wait for it to finish or use another --db");
  store::Store db(db_path);
  auto log = make_logger(db_path);
  const auto plan = sweep::plan_sweep(spec, db);
  out << "sweep '" << spec.name << "' (" << plan.sweep_id << "): " << plan.to_run.size() << " to run, " << plan.kept
      << " already done -> " << db_path << "\n";
  return exit_code(run_recorded(db, plan.to_run, jobs > 0 ? jobs : spec.jobs, out, err, *log));
}

int fork_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string db_path = default_db();
  int64_t parent_id = 0, step = -1;
  std::vector<std::pair<std::string, std::string>> flags;
  for (ArgCursor a(args); a.next();) {
    const std::string& f = a.flag();
    if (f == "--db") db_path = a.value();
    else if (f == "--at") step = parse_int("--at", a.value(), 1, 2'000'000'000);
    else if (f.rfind("--", 0) == 0 && f.size() > 2) {
      std::string key = f.substr(2);
      std::replace(key.begin(), key.end(), '-', '_');
      flags.emplace_back(key, a.value());
    } else if (parent_id == 0) parent_id = parse_int("run id", f, 1, 2'000'000'000);
    else throw UsageError("unexpected argument '" + f + "' for 'fork'");
  }
  if (parent_id == 0) throw UsageError("'fork' needs a run id, e.g. limuon-lab fork 3 --at 100 --beta 0.9");
  store::Store db(db_path);
  const auto parent = db.run(parent_id);
  if (!parent) throw std::runtime_error("no run " + std::to_string(parent_id) + " in " + db_path);
  const auto kept = train::history_steps(checkpoint_root(db_path) + "/run-" + std::to_string(parent_id));
  if (step < 0) {  // no step: say which ones there are
    out << "run " << parent_id << " can be forked at step";
    for (int64_t s : kept) out << " " << s;
    out << (kept.empty() ? "s: none (it kept no checkpoints)" : "") << "\n";
    return kept.empty() ? kExitFailed : kExitOk;
  }
  if (std::find(kept.begin(), kept.end(), step) == kept.end()) {
    std::string steps;
    for (int64_t s : kept) steps += " " + std::to_string(s);
    throw UsageError("run " + std::to_string(parent_id) + " kept no checkpoint of step " + std::to_string(step) +
                     (kept.empty() ? std::string("; it kept none") : "; it kept steps" + steps));
  }
  train::RunConfig config = train::RunConfig::from_stored_json(parent->config_json);
  config.name.clear();
  for (const auto& [key, value] : flags) config.set(key, value, "--" + key);
  config.validate();
  train::check_fork_settings(train::RunConfig::from_stored_json(parent->config_json), config);
  if (config.name.empty()) config.name = "fork of " + std::to_string(parent_id) + " at " + std::to_string(step) + ": " + config.summary();
  auto log = make_logger(db_path);
  const int64_t run_id = db.create_fork(config.name, config.to_json(), parent_id, step);
  out << "run " << run_id << ": " << config.name << " -> " << db_path << "\n";
  return exit_code(run_recorded(db, {{run_id, config, nullptr}}, 1, out, err, *log));
}

}  // namespace limuon::cli::detail
