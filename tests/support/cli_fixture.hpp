// A fixture that runs limuon-lab's command line in process, in its own scratch folder, and keeps what it
// printed.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "support/scratch_dir.hpp"

namespace limuon::testing {

class CliTest : public ScratchDirTest {
 protected:
  explicit CliTest(const std::string& name) : ScratchDirTest(name) {}
  int run(const std::vector<std::string>& args) {
    out.str("");
    err.str("");
    return limuon::cli::run(args, out, err);
  }
  std::ostringstream out, err;
};

}  // namespace limuon::testing
