// limuon-lab: the LiMuon Lab executable. The window comes with the GUI issue; today every command is
// headless and lives in the engine (limuon::cli), so the tests exercise the same code.
#include <iostream>
#include <string>
#include <vector>

#include "limuon/cli.hpp"
#include "limuon/runtime_env.hpp"

int main(int argc, char** argv) {
  limuon::reexec_with_tuned_runtime(argv);
  const std::vector<std::string> args(argv + 1, argv + argc);
  return limuon::cli::run(args, std::cout, std::cerr);
}
