#include "limuon/util/cpu_wait.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <string>

namespace limuon {

std::optional<double> schedstat_wait_ms(std::string_view line) {
  std::array<uint64_t, 3> fields{};
  const char* p = line.data();
  const char* end = line.data() + line.size();
  for (auto& field : fields) {
    while (p < end && *p == ' ') ++p;
    const auto [next, error] = std::from_chars(p, end, field);
    if (error != std::errc() || next == p) return std::nullopt;
    p = next;
  }
  while (p < end && (*p == ' ' || *p == '\n')) ++p;
  if (p != end) return std::nullopt;
  return static_cast<double>(fields[1]) * 1e-6;
}

std::optional<double> thread_cpu_wait_ms() {
  std::ifstream file("/proc/thread-self/schedstat");
  std::string line;
  if (!file || !std::getline(file, line)) return std::nullopt;
  return schedstat_wait_ms(line);
}

}  // namespace limuon
