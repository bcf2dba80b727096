#include "limuon/bench/step_bench.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "measured_run.hpp"

namespace limuon::bench {

std::vector<StepCase> step_cases(const std::string& model, int64_t batch, int64_t warmup, int64_t steps,
                                 int threads) {
  const train::RunConfig base = detail::measured_config(model, batch, warmup + steps, threads);
  auto with = [&](const std::string& label, auto&& edit) {
    train::RunConfig c = base;
    edit(c);
    return StepCase{label, c};
  };
  std::vector<StepCase> cases = {
      with("muon", [](train::RunConfig& c) { c.optimizer = "muon"; }),
      with("adamw", [](train::RunConfig& c) { c.optimizer = "adamw"; }),
      with("limuon dense, Newton-Schulz", [](train::RunConfig& c) { c.optimizer = "limuon"; }),
      with("limuon dense, exact SVD", [](train::RunConfig& c) {
        c.optimizer = "limuon";
        c.polar = "svd";
      }),
  };
  for (int64_t rank : {1, 4, 8, 16})
    cases.push_back(with("limuon r=" + std::to_string(rank) + " lowrank", [&](train::RunConfig& c) {
      c.optimizer = "limuon";
      c.rank = rank;
      c.polar = "lowrank";
    }));
  return cases;
}

StepTiming time_steps(const train::RunConfig& config, int64_t warmup) {
  if (warmup < 0 || warmup >= config.steps)
    throw std::invalid_argument("time_steps: the warm-up must leave at least one timed step");
  const auto metrics = detail::train_to_end(config);
  std::vector<double> timed;
  double grad_evals = 0;
  for (const auto& p : metrics) {
    if (p.name == "step_ms" && p.step > warmup) timed.push_back(p.value);
    if (p.name == "grad_evals" && p.step == config.steps) grad_evals = p.value;
  }
  if (timed.empty()) throw std::runtime_error("the run recorded no step times");
  std::sort(timed.begin(), timed.end());
  const size_t n = timed.size();
  const double median = n % 2 ? timed[n / 2] : 0.5 * (timed[n / 2 - 1] + timed[n / 2]);
  return {median, grad_evals / static_cast<double>(config.steps)};
}

std::vector<StepBenchRow> run_step_bench(const std::vector<StepCase>& cases, int64_t warmup, int rounds,
                                         const std::function<void(const std::string&, int, double)>& progress) {
  std::vector<StepBenchRow> rows(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    rows[i].label = cases[i].label;
    rows[i].best_ms = std::numeric_limits<double>::infinity();
  }
  for (int round = 1; round <= rounds; ++round)
    for (size_t i = 0; i < cases.size(); ++i) {
      const StepTiming t = time_steps(cases[i].config, warmup);
      rows[i].best_ms = std::min(rows[i].best_ms, t.median_ms);
      rows[i].worst_ms = std::max(rows[i].worst_ms, t.median_ms);
      rows[i].grad_evals_per_step = t.grad_evals_per_step;
      if (progress) progress(cases[i].label, round, t.median_ms);
    }
  return rows;
}

std::string format_step_table(const std::vector<StepBenchRow>& rows) {
  std::ostringstream out;
  out << "| optimizer | gradients per step | step (ms) | slowest round (ms) | step / first row's | ms per gradient |\n"
      << "|---|---|---|---|---|---|\n";
  char line[256];
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "| %s | %g | %.1f | %.1f | %.2f | %.1f |\n", r.label.c_str(),
                  r.grad_evals_per_step, r.best_ms, r.worst_ms, r.best_ms / rows.front().best_ms,
                  r.best_ms / r.grad_evals_per_step);
    out << line;
  }
  return out.str();
}

}  // namespace limuon::bench
