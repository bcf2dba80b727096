// What a report reads of each run: the judged metric at its evaluations, where the run ended (in steps,
// gradient evaluations and seconds), and its memory and step time. Read from the store once, then
// everything else in limuon::report is a pure function of these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "limuon/store/store.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::report {

// The three ways to line runs up: a LiMuon step costs two gradient evaluations, so equal steps alone
// flatter it, and equal wall time also charges its SVDs and sketches.
enum class Basis { steps, grad_evals, wall_s };
constexpr Basis kBases[] = {Basis::steps, Basis::grad_evals, Basis::wall_s};
const char* basis_title(Basis basis);  // "equal steps", "equal gradient evaluations", "equal wall time"

struct CurvePoint {
  int64_t step = 0;
  double grad_evals = 0;
  double wall_s = 0;
  double value = 0;
};
double coordinate(const CurvePoint& point, Basis basis);

struct RunCurve {
  int64_t run_id = 0;
  train::RunConfig config;
  std::string status;                    // the store's: finished, diverged, failed, stopped, running, queued
  std::vector<CurvePoint> points;        // the metric at each evaluation, in step order
  CurvePoint end;                        // the last step the run took (its value is unused)
  std::optional<double> state_bytes;     // optimizer state, as last recorded
  std::optional<double> peak_rss_bytes;  // the largest resident memory recorded
  std::optional<double> median_step_ms;
  // The share of its step time the run's training thread spent waiting for a free core (cpu_wait_ms over
  // step_ms, summed over its steps); unset for runs from builds that did not record the wait.
  std::optional<double> cpu_wait_share;
  // LiMuon rank-r: the share of the momentum's energy its rank-r factors keep, |M_hat|^2 / |M|^2, averaged
  // over the matrices of the last step that recorded spectra.
  std::optional<double> energy_fraction;
};

// The judged metric: "val_loss" (lower is better) or "val_acc" (higher is better).
bool higher_is_better(const std::string& metric);

// StoreError when a run does not exist; train::ConfigError when its config cannot be read by this build.
RunCurve load_run_curve(const store::Store& store, const store::RunRecord& record, const std::string& metric);

// The metric at `limit` along `basis`, linear between the two evaluations around it (exact at an
// evaluation). nullopt when the run ended before `limit` or has no evaluation at or before it, and when a
// value on the way is not finite.
std::optional<double> value_at(const RunCurve& run, Basis basis, double limit);

// The run's last evaluation: what it ended with. nullopt when it has none or it is not finite.
std::optional<double> final_value(const RunCurve& run);

}  // namespace limuon::report
