// A sweep's runs as a report judges them: grouped into methods (every setting but the learning rate and
// the seed), each method at the learning rate that won on its own grid, then the methods side by side
// at equal steps, equal gradient evaluations and equal wall time, as means and spreads over seeds.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "limuon/report/curves.hpp"

namespace limuon::report {

// Runs still queued, running or stopped are not judged; the report counts them.
bool is_judged(const RunCurve& run);  // finished, diverged or failed

// The learning rate a run's optimizer reads for what it is judged on: `adamw_lr` for AdamW (every
// parameter), `lr` (the hidden matrices) for LiMuon and Muon.
const char* lr_key(const train::RunConfig& config);
double lr_of(const train::RunConfig& config);

struct LrResult {
  double lr = 0;
  std::vector<int64_t> run_ids;  // the seeds, by run id
  int failed = 0;                // runs without a final value: diverged, failed, or never evaluated
  double mean_final = std::numeric_limits<double>::quiet_NaN();  // over the runs with a final value
};

struct Method {
  std::string label;  // the optimizer and every setting that tells it from the other methods
  std::string lr_key;
  std::vector<LrResult> lrs;  // ascending
  // The winner: fewest failed runs first, then the best mean final value; -1 when no lr has a value.
  int best = -1;
  // The fastest and slowest median step among all its judged runs: on a machine shared with other work
  // they drift apart, and wall-time comparisons inherit that error. NaN when no run recorded step times.
  double min_step_ms = std::numeric_limits<double>::quiet_NaN();
  double max_step_ms = std::numeric_limits<double>::quiet_NaN();
  // The most any of its judged runs waited for a free core, as a share of its step time (RunCurve::
  // cpu_wait_share): above a few percent, other work held the cores. NaN when no run recorded it.
  double max_cpu_wait_share = std::numeric_limits<double>::quiet_NaN();
  // The winner is the smallest or the largest lr tried (of two or more): the optimum may lie outside the grid.
  bool best_at_edge() const { return lrs.size() >= 2 && (best == 0 || best + 1 == static_cast<int>(lrs.size())); }
};

// Methods in the order their first run appears in `runs`; only judged runs count, and a run whose settings
// and seed repeat an earlier one's (the same run in two sweeps, bit-identical on CPU) counts once. `higher_better` from
// higher_is_better(metric).
std::vector<Method> group_methods(const std::vector<RunCurve>& runs, bool higher_better);

// Mean and sample standard deviation (n - 1; NaN when n < 2) of the values that exist, and how many of
// the runs had none.
struct Stat {
  int n = 0;
  int missing = 0;
  double mean = std::numeric_limits<double>::quiet_NaN();
  double std = std::numeric_limits<double>::quiet_NaN();
};
Stat stat_of(const std::vector<std::optional<double>>& values);

struct MethodRow {
  std::string label, lr_key;
  double lr = 0;
  bool lr_at_edge = false;  // Method::best_at_edge()
  bool lr_alone = false;    // the method ran at one learning rate: nothing was chosen here
  std::vector<int64_t> run_ids;
  std::array<Stat, 3> at;  // at each basis's limit, in kBases order
  Stat state_bytes, peak_rss_bytes, median_step_ms, energy_fraction;
};

struct Comparison {
  // Per basis: the point every compared run reached (the smallest end among the best learning rates'
  // runs that finished); NaN when none finished.
  std::array<double, 3> limits{};
  std::vector<MethodRow> rows;  // one per method with a best learning rate, in group order
};
Comparison compare_methods(const std::vector<Method>& methods, const std::vector<RunCurve>& runs);

// Which rank is enough: the rank-r methods of a comparison as lines over the rank, one line per label
// once its "rank=N" is taken out (the plain and the rank-aware lr scale, say), ranks ascending. A row's
// rank is its runs' config's; rows of rank 0 (dense momentum) and of other optimizers are left out.
struct RankLine {
  std::string label;  // the method label without " rank=N"
  std::vector<int64_t> ranks;
  std::vector<Stat> at_steps;  // the metric at equal steps
  std::vector<Stat> energy;    // the momentum energy the rank-r factors keep
};
std::vector<RankLine> rank_lines(const Comparison& comparison, const std::vector<RunCurve>& runs);

// What a rank is measured against: for each optimizer that is not rank-r LiMuon (Muon, AdamW, LiMuon with
// dense momentum), its best row at equal steps, in the order the rows first show that optimizer.
struct RankReference {
  std::string label;
  Stat at_steps;
};
std::vector<RankReference> rank_references(const Comparison& comparison, const std::vector<RunCurve>& runs,
                                           bool higher_better);

// A method's seeds averaged along one basis, for a figure: at each evaluation step that every seed
// reached, the mean coordinate and the mean and standard deviation of the value.
struct MeanCurve {
  std::vector<double> x, mean, std;
};
MeanCurve mean_curve(const std::vector<const RunCurve*>& seeds, Basis basis);

}  // namespace limuon::report
