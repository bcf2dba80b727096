#include "limuon/bench/memory_bench.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "measured_run.hpp"

namespace limuon::bench {

std::vector<MemoryCase> memory_cases(const std::string& model, int64_t steps) {
  // One thread, like the experiments' sweeps: the seconds are then comparable between rows. The state bytes
  // come with the validation after the last step.
  const train::RunConfig base = detail::measured_config(model, /*batch=*/1, steps, /*threads=*/1);
  auto with = [&](const std::string& label, auto&& edit) {
    train::RunConfig c = base;
    edit(c);
    return MemoryCase{label, c};
  };
  std::vector<MemoryCase> cases = {
      with("adamw", [](train::RunConfig& c) { c.optimizer = "adamw"; }),
      with("muon", [](train::RunConfig& c) { c.optimizer = "muon"; }),
      with("limuon dense (option #1)", [](train::RunConfig& c) { c.optimizer = "limuon"; }),
  };
  for (int64_t rank : {1, 4, 8, 16})
    cases.push_back(with("limuon r=" + std::to_string(rank) + " lowrank (option #2)", [&](train::RunConfig& c) {
      c.optimizer = "limuon";
      c.rank = rank;
      c.polar = "lowrank";
    }));
  cases.push_back(with("limuon r=8 newton_schulz (ablation, dense M kept)", [](train::RunConfig& c) {
    c.optimizer = "limuon";
    c.rank = 8;
  }));
  return cases;
}

MemoryResult measure_in_this_process(const train::RunConfig& config) {
  const auto began = std::chrono::steady_clock::now();
  const auto metrics = detail::train_to_end(config);
  MemoryResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  bool found = false;
  for (const auto& p : metrics)
    if (p.name == "state_bytes") r.state_bytes = static_cast<int64_t>(p.value), found = true;
  if (!found) throw std::runtime_error("the run recorded no state_bytes");
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  r.peak_rss_bytes = static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports KiB
  return r;
}

std::string to_line(const MemoryResult& result) {
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, "%lld %.0f %.3f", static_cast<long long>(result.state_bytes),
                result.peak_rss_bytes, result.seconds);
  return buffer;
}

MemoryResult from_line(const std::string& line) {
  std::istringstream in(line);
  MemoryResult r;
  std::string rest;
  if (!(in >> r.state_bytes >> r.peak_rss_bytes >> r.seconds) || (in >> rest))
    throw std::invalid_argument("not a memory result line: '" + line + "'");
  return r;
}

}  // namespace limuon::bench
