// The line a benchmark's report.md opens with: the command that wrote it, the date, the machine and the
// commit, so that every figure in it can be traced and rerun. Private to the command line.
#pragma once

#include <string>
#include <vector>

namespace limuon::cli::detail {

// "Written by `limuon-lab bench NAME ARGS` on 2026-12-02: AMD EPYC, 2 cores, OpenBLAS kernel Zen, commit abc."
std::string written_by(const std::string& bench_name, const std::vector<std::string>& args);

}  // namespace limuon::cli::detail
