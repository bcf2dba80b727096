// What built this program and where it runs: recorded with every run, so a report can say which commit
// and which machine measured its numbers.
#pragma once

#include <string>

namespace limuon {

// The git commit the sources were at when built ("abc123def456", "-dirty" appended when the tracked
// files differed from it), "unknown" when built outside a git checkout.
const char* build_commit();

struct MachineInfo {
  int cores = 0;          // hardware threads the process may use
  std::string cpu;        // the processor's model name, "" when /proc/cpuinfo does not say
  std::string blas_core;  // OpenBLAS's kernel set, e.g. "Haswell"; "" when the BLAS is not OpenBLAS
};
MachineInfo this_machine();

}  // namespace limuon
