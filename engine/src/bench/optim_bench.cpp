#include "limuon/bench/optim_bench.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/optim/adamw.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>

#include "limuon/optim/limuon_optimizer.hpp"
#include "limuon/optim/muon.hpp"
#include "limuon/optim/state_bytes.hpp"
#include "limuon/util/threads.hpp"

namespace limuon::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Case {
  std::string name;
  std::function<std::unique_ptr<torch::optim::Optimizer>(const at::Tensor&)> make;
  bool needs_closure;  // LiMuon's two-pass step
};

std::vector<Case> cases(int64_t rank) {
  const std::string r = std::to_string(rank);
  auto limuon = [](int64_t rank, Polar polar) {
    return [rank, polar](const at::Tensor& w) -> std::unique_ptr<torch::optim::Optimizer> {
      return std::make_unique<LiMuon>(std::vector<at::Tensor>{w}, LiMuonOptions(0.01).rank(rank).polar(polar));
    };
  };
  auto muon = [](Polar polar) {
    return [polar](const at::Tensor& w) -> std::unique_ptr<torch::optim::Optimizer> {
      return std::make_unique<Muon>(std::vector<at::Tensor>{w}, MuonOptions(0.01).polar(polar));
    };
  };
  return {
      {"adamw (libtorch)",
       [](const at::Tensor& w) -> std::unique_ptr<torch::optim::Optimizer> {
         return std::make_unique<torch::optim::AdamW>(std::vector<at::Tensor>{w}, torch::optim::AdamWOptions(1e-3));
       },
       false},
      {"muon ns5", muon(Polar::newton_schulz), false},
      {"muon svd", muon(Polar::svd), false},
      {"limuon full ns5", limuon(0, Polar::newton_schulz), true},
      {"limuon full svd", limuon(0, Polar::svd), true},
      {"ablation r=" + r + " + dense ns5", limuon(rank, Polar::newton_schulz), true},  // not the paper's
      {"limuon r=" + r + " lowrank (option #2)", limuon(rank, Polar::lowrank), true},
  };
}

// Median step time of one optimizer on one m x n weight, with the closure's own time subtracted.
OptimBenchRow time_case(const Case& c, int64_t m, int64_t n, const OptimBenchConfig& config) {
  at::manual_seed(0);
  at::Tensor w = at::randn({m, n}).mul_(0.02).set_requires_grad(true);
  const at::Tensor g_old = at::randn({m, n}).mul_(1e-3), g_new = at::randn({m, n}).mul_(1e-3);
  auto optimizer = c.make(w);

  double closure_ms = 0;
  int64_t calls = 0;
  // Stands in for backward(): each pass makes a fresh gradient (g_old on the first, g_new on the second)
  // and accumulates it as AccumulateGrad does. Its time is measured and taken out of the step time.
  auto closure = [&]() -> at::Tensor {
    const auto start = Clock::now();
    at::NoGradGuard no_grad;
    at::Tensor fresh = (++calls % 2 == 1 ? g_old : g_new).clone();
    if (!w.grad().defined()) w.mutable_grad() = std::move(fresh);
    else w.mutable_grad().add_(fresh);
    closure_ms += ms_since(start);
    return at::zeros({});
  };
  auto one_step = [&]() -> double {
    closure_ms = 0;
    if (!c.needs_closure) w.mutable_grad() = g_old.clone();
    const auto start = Clock::now();
    if (c.needs_closure) optimizer->step(closure);
    else optimizer->step();
    return ms_since(start) - closure_ms;
  };

  one_step();  // warm-up: lazy state, allocator, BLAS thread pool
  std::vector<double> samples;
  const auto started = Clock::now();
  while (static_cast<int>(samples.size()) < config.max_samples &&
         (static_cast<int>(samples.size()) < config.min_samples || ms_since(started) < config.seconds_per_case * 1000))
    samples.push_back(one_step());
  std::sort(samples.begin(), samples.end());

  OptimBenchRow row;
  row.rows = m;
  row.cols = n;
  row.optimizer = c.name;
  row.samples = static_cast<int>(samples.size());
  row.median_ms = samples[samples.size() / 2];
  row.state_bytes = state_bytes(*optimizer);
  return row;
}

}  // namespace

std::vector<OptimBenchRow> run_optim_bench(const OptimBenchConfig& config,
                                           const std::function<void(const OptimBenchRow&)>& progress) {
  std::vector<OptimBenchRow> rows;
  for (const int threads_wanted : config.threads) {
    const int threads = threads_wanted <= 0 ? hardware_threads() : threads_wanted;
    set_compute_threads(threads);
    for (const auto& [m, n] : config.shapes) {
      const size_t first = rows.size();
      for (const auto& c : cases(config.rank)) {
        OptimBenchRow row = time_case(c, m, n, config);
        row.threads = threads;
        rows.push_back(row);
      }
      // Ratios against the baselines measured in this same run, shape and thread count.
      double muon_ms = 0, adamw_ms = 0;
      for (size_t i = first; i < rows.size(); ++i) {
        if (rows[i].optimizer == "muon ns5") muon_ms = rows[i].median_ms;
        if (rows[i].optimizer == "adamw (libtorch)") adamw_ms = rows[i].median_ms;
      }
      for (size_t i = first; i < rows.size(); ++i) {
        rows[i].vs_muon_ns = rows[i].median_ms / muon_ms;
        rows[i].vs_adamw = rows[i].median_ms / adamw_ms;
        if (progress) progress(rows[i]);
      }
    }
  }
  set_compute_threads(0);
  return rows;
}

std::string format_table(const std::vector<OptimBenchRow>& rows) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "%-11s %3s  %-30s %11s %9s %9s %14s %8s\n", "shape", "thr", "optimizer",
                "step ms", "/muon", "/adamw", "state bytes", "/muon");
  out << line;
  for (const auto& r : rows) {
    int64_t muon_state = 0;
    for (const auto& q : rows)
      if (q.rows == r.rows && q.cols == r.cols && q.threads == r.threads && q.optimizer == "muon ns5")
        muon_state = q.state_bytes;
    const std::string shape = std::to_string(r.rows) + "x" + std::to_string(r.cols);
    std::snprintf(line, sizeof line, "%-11s %3d  %-30s %11.3f %9.4f %9.3f %14lld %7.2f%%\n", shape.c_str(), r.threads,
                  r.optimizer.c_str(), r.median_ms, r.vs_muon_ns, r.vs_adamw, static_cast<long long>(r.state_bytes),
                  100.0 * static_cast<double>(r.state_bytes) / static_cast<double>(muon_state));
    out << line;
  }
  return out.str();
}

std::string format_json(const std::vector<OptimBenchRow>& rows) {
  std::ostringstream out;
  out.precision(9);
  out << "[\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    out << "  {\"rows\": " << r.rows << ", \"cols\": " << r.cols << ", \"threads\": " << r.threads
        << ", \"optimizer\": \"" << r.optimizer << "\", \"median_ms\": " << r.median_ms
        << ", \"samples\": " << r.samples << ", \"state_bytes\": " << r.state_bytes
        << ", \"vs_muon_ns\": " << r.vs_muon_ns << ", \"vs_adamw\": " << r.vs_adamw << "}"
        << (i + 1 < rows.size() ? ",\n" : "\n");
  }
  out << "]\n";
  return out.str();
}

}  // namespace limuon::bench
