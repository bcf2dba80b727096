// The headless command line of limuon-lab: every subcommand the app offers without a window.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace limuon::cli {

// Runs `limuon-lab <args...>` and returns the process exit code: 0 done, 2 bad command line (with a
// message on `err` naming what was wrong), 1 a failure while running. Never throws.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string usage();

}  // namespace limuon::cli
