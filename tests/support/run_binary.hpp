// Runs the built limuon-lab program (LIMUON_LAB_BINARY, set by the test target) in a shell, for tests that
// need a fresh process of their own: everything it printed, stdout and stderr together.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace limuon::testing {

inline std::string run_binary(const std::string& args, int* exit_code) {
  FILE* pipe = popen((std::string(LIMUON_LAB_BINARY) + " " + args + " 2>&1").c_str(), "r");
  std::string text;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
  *exit_code = WEXITSTATUS(pclose(pipe));
  return text;
}

}  // namespace limuon::testing
