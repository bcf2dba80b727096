#include <sched.h>

#include <fstream>
#include <string>
#include <thread>

#include "limuon/util/build_info.hpp"
#include "limuon/util/runtime_env.hpp"

namespace limuon {
namespace {

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    const auto begin = line.find_first_not_of(" \t", colon + 1);
    return begin == std::string::npos ? "" : line.substr(begin);
  }
  return "";
}

int usable_cores() {
  // The affinity mask, not the machine's count: a container or taskset may allow fewer.
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::thread::hardware_concurrency());
}

}  // namespace

MachineInfo this_machine() { return MachineInfo{usable_cores(), cpu_model_name(), openblas_core()}; }

}  // namespace limuon
