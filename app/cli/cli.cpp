#include "cli/cli.hpp"

#include <exception>

#include "args.hpp"
#include "cli/default_job.hpp"
#include "limuon/train/run_config.hpp"
#include "commands.hpp"

namespace limuon::cli {

std::string usage() {
  return "usage: limuon-lab [command]\n"
         "  (no command)          the window (see `limuon-lab gui --help`); without a display, the classroom\n"
         "                        experiment headless, with a progress bar\n"
         "  train [--config FILE] [--db runs.db] [--KEY VALUE ...] | train --resume ID [--db runs.db]\n"
         "                        one training run recorded in the database; KEY is any run setting, e.g.\n"
         "                        --model gpt:classroom --optimizer limuon --rank 8 --beta 0.1 --steps 300\n"
         "                        LiMuon modes: --rank 0 (option #1, dense momentum); --rank R --polar lowrank\n"
         "                        (option #2, (m+n)R numbers a matrix); --rank R --polar newton_schulz|svd (an\n"
         "                        ablation of ours: dense M kept, more memory than Muon). --lr-scale\n"
         "                        match_adamw_rms_rank gives every rank the update RMS of AdamW (0.2)\n"
         "  sweep FILE [--db runs.db] [--jobs N]\n"
         "                        a grid of runs (see experiments/*.toml); rerun to resume after a kill\n"
         "  report SWEEP.toml [SWEEP.toml ...] --db runs.db --out DIR [--metric val_loss|val_acc]\n"
         "                        DIR/report.md and SVG figures: each method at its best learning rate, at\n"
         "                        equal steps, gradient evaluations and wall time, mean and spread over seeds\n"
         "  fork ID [--at STEP] [--db runs.db] [--KEY VALUE ...]\n"
         "                        a branch of run ID from its checkpoint at STEP with settings changed (the\n"
         "                        same batches from there on); without --at, the steps it can branch at\n"
         "  runs [list | show ID | export ID --csv FILE --json FILE | config-string ID] [--db runs.db]\n"
         "  train --config-string S  a run's whole configuration as `runs config-string ID` prints it\n"
         "  bench optim [--json FILE] [--rank R] [--threads 1,0] [--quick] [--small]\n"
         "                        optimizer step time and state bytes: LiMuon modes, Muon, AdamW\n"
         "  bench train [--model gpt:classroom|gpt:small] [--batch N] [--steps N] [--threads T]\n"
         "                        GPT training tokens/s: this engine against Python PyTorch, same LibTorch\n"
         "  bench store [--rows N] [--db FILE]\n"
         "                        metric insert throughput and series read time of the SQLite store\n"
         "  bench runs-browser [--runs 10000] [--points 50] [--dir FOLDER]\n"
         "                        opening and filtering a database of many runs, as the runs browser does\n"
         "  bench memory [--model NAME] [--steps 3] [--out DIR]\n"
         "                        optimizer state and peak resident memory of every mode on DistilGPT2 and\n"
         "                        vit-tiny, each case in a fresh process\n"
         "  bench steps [--model gpt:classroom] [--batch 16] [--steps 30] [--rounds 3] [--out DIR]\n"
         "                        wall time of a training step of every optimizer mode, taking turns\n"
         "  settings [--markdown]  every run setting: type, default, valid values, which optimizers read it\n"
         "  help | --version      this text | the version\n"
         "exit codes: 0 finished (or stopped with Ctrl-C), 1 a run failed or another process is driving it,\n"
         "2 bad input (nothing ran or was recorded), 3 a run diverged\n";
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  using detail::UsageError;
  try {
    if (args.empty()) return run_default_headless(default_app_db(), out, err);
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    const std::string& command = args[0];
    if (command == "help" || command == "--help" || command == "-h") {
      out << usage();
      return 0;
    }
    if (command == "--version" || command == "version") {
      out << "limuon-lab " << LIMUON_VERSION << "\n";
      return 0;
    }
    if (command == "settings") return detail::settings_command(rest, out, err);
    if (command == "train") return detail::train_command(rest, out, err);
    if (command == "sweep") return detail::sweep_command(rest, out, err);
    if (command == "fork") return detail::fork_command(rest, out, err);
    if (command == "report") return detail::report_command(rest, out, err);
    if (command == "runs") return detail::runs_command(rest, out, err);
    if (command == "bench") {
      const std::vector<std::string> bench_args(rest.empty() ? rest.begin() : rest.begin() + 1, rest.end());
      if (!rest.empty() && rest[0] == "optim") return detail::bench_optim(bench_args, out, err);
      if (!rest.empty() && rest[0] == "store") return detail::bench_store(bench_args, out, err);
      if (!rest.empty() && rest[0] == "train") return detail::bench_train(bench_args, out, err);
      if (!rest.empty() && rest[0] == "runs-browser") return detail::bench_runs_browser(bench_args, out, err);
      if (!rest.empty() && rest[0] == "memory") return detail::bench_memory(bench_args, out, err);
      if (!rest.empty() && rest[0] == "steps") return detail::bench_steps(bench_args, out, err);
      if (!rest.empty() && rest[0] == "memory-case") return detail::bench_memory_case(bench_args, out, err);
      throw UsageError("'bench' needs a benchmark name: bench optim, bench store, bench train, bench runs-browser, bench memory, bench steps");
    }
    throw UsageError("unknown command '" + command + "'");
  } catch (const UsageError& e) {
    err << "limuon-lab: " << e.what() << "\n" << usage();
    return detail::kExitBadInput;
  } catch (const train::ConfigError& e) {  // a bad setting in a flag or a config file: nothing ran
    err << "limuon-lab: " << e.what() << "\n";
    return detail::kExitBadInput;
  } catch (const std::exception& e) {
    err << "limuon-lab: " << e.what() << "\n";
    return detail::kExitFailed;
  }
}

}  // namespace limuon::cli
