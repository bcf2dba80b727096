#include "limuon/report/curves.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace limuon::report {

const char* basis_title(Basis basis) {
  switch (basis) {
    case Basis::steps:
      return "equal steps";
    case Basis::grad_evals:
      return "equal gradient evaluations";
    case Basis::wall_s:
      return "equal wall time";
  }
  return "";
}

double coordinate(const CurvePoint& point, Basis basis) {
  switch (basis) {
    case Basis::steps:
      return static_cast<double>(point.step);
    case Basis::grad_evals:
      return point.grad_evals;
    case Basis::wall_s:
      return point.wall_s;
  }
  return 0;
}

bool higher_is_better(const std::string& metric) { return metric == "val_acc"; }

RunCurve load_run_curve(const store::Store& store, const store::RunRecord& record, const std::string& metric) {
  RunCurve run;
  run.run_id = record.id;
  run.config = train::RunConfig::from_stored_json(record.config_json);
  run.status = record.status;
  // Gradient evaluations and wall time are recorded every step; the metric every eval_every steps.
  std::map<int64_t, double> grad_evals;
  for (const auto& p : store.series(record.id, "grad_evals")) grad_evals[p.step] = p.value;
  const auto train = store.series(record.id, "train_loss");
  auto grads_at = [&](int64_t step) {
    const auto it = grad_evals.upper_bound(step);
    return it == grad_evals.begin() ? 0.0 : std::prev(it)->second;
  };
  for (const auto& p : store.series(record.id, metric))
    run.points.push_back({p.step, grads_at(p.step), p.wall_s, p.value});
  if (!train.empty()) run.end = {train.back().step, grads_at(train.back().step), train.back().wall_s, 0};

  const auto state = store.last_points(record.id, "state_bytes", 1);
  if (!state.empty()) run.state_bytes = state.back().value;
  for (const auto& p : store.series(record.id, "rss_bytes"))
    run.peak_rss_bytes = std::max(run.peak_rss_bytes.value_or(p.value), p.value);
  auto step_ms = store.series(record.id, "step_ms");
  if (!step_ms.empty()) {
    std::vector<double> v;
    for (const auto& p : step_ms) v.push_back(p.value);
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    run.median_step_ms = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }
  // Both are written at every step, so the sums cover the same steps.
  const auto waits = store.series(record.id, "cpu_wait_ms");
  if (!waits.empty()) {
    double waited = 0, stepped = 0;
    for (const auto& p : waits) waited += p.value;
    for (const auto& p : step_ms) stepped += p.value;
    if (stepped > 0) run.cpu_wait_share = waited / stepped;
  }
  const auto spectra = store.spectra(record.id);
  int64_t last_step = -1;
  for (const auto& s : spectra)
    if (s.kind == "momentum" && s.energy_fraction >= 0) last_step = std::max(last_step, s.step);
  double sum = 0;
  int count = 0;
  for (const auto& s : spectra)
    if (s.kind == "momentum" && s.energy_fraction >= 0 && s.step == last_step) sum += s.energy_fraction, ++count;
  if (count > 0) run.energy_fraction = sum / count;
  return run;
}

std::optional<double> value_at(const RunCurve& run, Basis basis, double limit) {
  if (coordinate(run.end, basis) < limit) return std::nullopt;
  const CurvePoint* before = nullptr;
  for (const auto& p : run.points) {
    if (!std::isfinite(p.value)) return std::nullopt;  // diverged on the way
    const double x = coordinate(p, basis);
    if (x == limit) return p.value;
    if (x > limit) {
      if (!before) return std::nullopt;
      const double x0 = coordinate(*before, basis);
      const double t = (limit - x0) / (x - x0);
      return before->value + t * (p.value - before->value);
    }
    before = &p;
  }
  return before ? std::optional<double>(before->value) : std::nullopt;
}

std::optional<double> final_value(const RunCurve& run) {
  if (run.points.empty() || !std::isfinite(run.points.back().value)) return std::nullopt;
  return run.points.back().value;
}

}  // namespace limuon::report
