// The subcommands of limuon-lab. Each returns the exit code; they throw UsageError for a bad command
// line and std::exception for failures, which cli::run turns into messages.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace limuon::cli::detail {

int bench_optim(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int bench_train(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int bench_store(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int train_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int runs_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int sweep_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace limuon::cli::detail
