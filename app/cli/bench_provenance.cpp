#include "cli/bench_provenance.hpp"

#include <ctime>
#include <sstream>

#include "limuon/util/build_info.hpp"

namespace limuon::cli::detail {

std::string written_by(const std::string& bench_name, const std::vector<std::string>& args) {
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  const MachineInfo machine = this_machine();
  std::ostringstream text;
  text << "Written by `limuon-lab bench " << bench_name;
  for (const auto& arg : args) text << " " << arg;
  text << "` on " << date << ": " << machine.cpu << ", " << machine.cores << " cores, OpenBLAS kernel "
       << (machine.blas_core.empty() ? "none" : machine.blas_core) << ", commit " << build_commit() << ".";
  return text.str();
}

}  // namespace limuon::cli::detail
