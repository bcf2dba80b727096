// The subcommands of limuon-lab. Each returns the exit code; they throw UsageError for a bad command
// line and std::exception for failures, which cli::run turns into messages.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace limuon::cli::detail {

// Exit codes of limuon-lab: every run finished (or stopped by Ctrl-C), a run failed, bad input (nothing
// ran or was recorded), a run diverged.
inline constexpr int kExitOk = 0, kExitFailed = 1, kExitBadInput = 2, kExitDiverged = 3;

int settings_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

int bench_optim(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int bench_train(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int bench_runs_browser(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int bench_store(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int bench_memory(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int bench_steps(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int bench_memory_case(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int train_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int runs_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int fork_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int sweep_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace limuon::cli::detail
