#include "limuon/report/aggregate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "limuon/train/settings.hpp"

namespace limuon::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const RunCurve* find_run(const std::vector<RunCurve>& runs, int64_t id) {
  for (const auto& r : runs)
    if (r.run_id == id) return &r;
  return nullptr;
}

// Every setting but the learning rate being judged, the seed, the name and the thread count: what makes
// two runs the same method.
train::RunConfig method_of(const train::RunConfig& config) {
  train::RunConfig m = train::without_ignored_settings(config);
  const train::RunConfig defaults;
  m.name.clear();
  m.seed = defaults.seed;
  m.threads = defaults.threads;
  if (config.optimizer == "adamw")
    m.adamw_lr = defaults.adamw_lr;
  else
    m.lr = defaults.lr;
  return m;
}

// "limuon polar=lowrank rank=8": the optimizer and the settings it reads whose value differs between
// methods. The judged learning rate and the seed are never among them: method_of set them to defaults.
std::string label_of(const train::RunConfig& method, const std::vector<train::RunConfig>& all_methods) {
  std::string label = method.optimizer;
  const unsigned mine = train::optimizer_bit(method.optimizer);
  for (const auto& setting : train::settings()) {
    const std::string name(setting.name);
    if (name == "optimizer" || !(setting.used_by & mine)) continue;
    const std::string value = setting.value(method);
    bool varies = false;
    for (const auto& other : all_methods) varies |= setting.value(other) != value;
    if (varies) label += " " + name + "=" + value;
  }
  return label;
}

}  // namespace

bool is_judged(const RunCurve& run) {
  return run.status == "finished" || run.status == "diverged" || run.status == "failed";
}

const char* lr_key(const train::RunConfig& config) { return config.optimizer == "adamw" ? "adamw_lr" : "lr"; }
double lr_of(const train::RunConfig& config) { return config.optimizer == "adamw" ? config.adamw_lr : config.lr; }

std::vector<Method> group_methods(const std::vector<RunCurve>& runs, bool higher_better) {
  std::vector<std::string> keys;  // method configs as JSON, in first-seen order
  std::vector<train::RunConfig> configs;
  std::map<std::string, std::map<double, LrResult>> by_key;
  std::set<std::string> seen;  // two sweeps can hold the same run (same settings and seed): count it once
  for (const auto& run : runs) {
    if (!is_judged(run)) continue;
    train::RunConfig identity = train::without_ignored_settings(run.config);
    identity.name.clear();
    identity.threads = 0;
    if (!seen.insert(identity.to_json()).second) continue;
    const train::RunConfig m = method_of(run.config);
    const std::string key = m.to_json();
    if (!by_key.count(key)) keys.push_back(key), configs.push_back(m);
    LrResult& lr = by_key[key][lr_of(run.config)];
    lr.lr = lr_of(run.config);
    lr.run_ids.push_back(run.run_id);
  }
  std::vector<Method> methods;
  for (size_t k = 0; k < keys.size(); ++k) {
    Method method;
    method.label = label_of(configs[k], configs);
    method.lr_key = lr_key(configs[k]);
    for (auto& [lr, result] : by_key[keys[k]]) {
      double sum = 0;
      int n = 0;
      for (int64_t id : result.run_ids) {
        if (const auto ms = find_run(runs, id)->median_step_ms) {
          method.min_step_ms = std::isnan(method.min_step_ms) ? *ms : std::min(method.min_step_ms, *ms);
          method.max_step_ms = std::isnan(method.max_step_ms) ? *ms : std::max(method.max_step_ms, *ms);
        }
        if (const auto share = find_run(runs, id)->cpu_wait_share)
          method.max_cpu_wait_share =
              std::isnan(method.max_cpu_wait_share) ? *share : std::max(method.max_cpu_wait_share, *share);
        const auto v = final_value(*find_run(runs, id));
        if (v)
          sum += *v, ++n;
        else
          ++result.failed;
      }
      if (n > 0) result.mean_final = sum / n;
      method.lrs.push_back(result);
    }
    for (size_t i = 0; i < method.lrs.size(); ++i) {
      const LrResult& candidate = method.lrs[i];
      if (std::isnan(candidate.mean_final)) continue;
      if (method.best < 0) {
        method.best = static_cast<int>(i);
        continue;
      }
      const LrResult& best = method.lrs[method.best];
      const bool better_value =
          higher_better ? candidate.mean_final > best.mean_final : candidate.mean_final < best.mean_final;
      if (candidate.failed < best.failed || (candidate.failed == best.failed && better_value))
        method.best = static_cast<int>(i);
    }
    methods.push_back(std::move(method));
  }
  return methods;
}

Stat stat_of(const std::vector<std::optional<double>>& values) {
  Stat s;
  double sum = 0;
  for (const auto& v : values)
    if (v)
      sum += *v, ++s.n;
    else
      ++s.missing;
  if (s.n == 0) return s;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
  double squares = 0;
  for (const auto& v : values)
    if (v) squares += (*v - s.mean) * (*v - s.mean);
  s.std = std::sqrt(squares / (s.n - 1));
  return s;
}

Comparison compare_methods(const std::vector<Method>& methods, const std::vector<RunCurve>& runs) {
  Comparison out;
  out.limits.fill(kNaN);
  for (const auto& method : methods) {
    if (method.best < 0) continue;
    for (int64_t id : method.lrs[method.best].run_ids) {
      const RunCurve& run = *find_run(runs, id);
      if (run.status != "finished") continue;
      for (size_t b = 0; b < 3; ++b) {
        const double end = coordinate(run.end, kBases[b]);
        out.limits[b] = std::isnan(out.limits[b]) ? end : std::min(out.limits[b], end);
      }
    }
  }
  for (const auto& method : methods) {
    if (method.best < 0) continue;
    const LrResult& best = method.lrs[method.best];
    MethodRow row;
    row.label = method.label;
    row.lr_key = method.lr_key;
    row.lr = best.lr;
    row.lr_at_edge = method.best_at_edge();
    row.lr_alone = method.lrs.size() == 1;
    row.run_ids = best.run_ids;
    std::array<std::vector<std::optional<double>>, 3> at;
    std::vector<std::optional<double>> state, rss, step_ms, energy;
    for (int64_t id : best.run_ids) {
      const RunCurve& run = *find_run(runs, id);
      for (size_t b = 0; b < 3; ++b)
        at[b].push_back(std::isnan(out.limits[b]) ? std::nullopt : value_at(run, kBases[b], out.limits[b]));
      state.push_back(run.state_bytes);
      rss.push_back(run.peak_rss_bytes);
      step_ms.push_back(run.median_step_ms);
      energy.push_back(run.energy_fraction);
    }
    for (size_t b = 0; b < 3; ++b) row.at[b] = stat_of(at[b]);
    row.state_bytes = stat_of(state);
    row.peak_rss_bytes = stat_of(rss);
    row.median_step_ms = stat_of(step_ms);
    row.energy_fraction = stat_of(energy);
    out.rows.push_back(std::move(row));
  }
  return out;
}

std::vector<RankLine> rank_lines(const Comparison& comparison, const std::vector<RunCurve>& runs) {
  std::vector<RankLine> lines;
  for (const auto& row : comparison.rows) {
    if (row.run_ids.empty()) continue;
    const RunCurve& first = *find_run(runs, row.run_ids.front());
    const int64_t rank = first.config.rank;
    if (first.config.optimizer != "limuon" || rank <= 0) continue;
    std::string label = row.label;
    const std::string mark = " rank=" + std::to_string(rank);
    if (const auto at = label.find(mark); at != std::string::npos) label.erase(at, mark.size());
    auto line = std::find_if(lines.begin(), lines.end(), [&](const RankLine& l) { return l.label == label; });
    if (line == lines.end()) line = lines.insert(lines.end(), RankLine{label, {}, {}, {}});
    // Keep the ranks ascending whatever order the rows came in.
    const auto pos = std::upper_bound(line->ranks.begin(), line->ranks.end(), rank) - line->ranks.begin();
    line->ranks.insert(line->ranks.begin() + pos, rank);
    line->at_steps.insert(line->at_steps.begin() + pos, row.at[0]);
    line->energy.insert(line->energy.begin() + pos, row.energy_fraction);
  }
  return lines;
}

std::vector<RankReference> rank_references(const Comparison& comparison, const std::vector<RunCurve>& runs,
                                           bool higher_better) {
  std::vector<std::pair<std::string, RankReference>> best;  // by kind: the optimizer, "limuon" meaning dense
  for (const auto& row : comparison.rows) {
    if (row.run_ids.empty() || std::isnan(row.at[0].mean)) continue;
    const RunCurve& first = *find_run(runs, row.run_ids.front());
    if (first.config.optimizer == "limuon" && first.config.rank > 0) continue;
    auto kind = std::find_if(best.begin(), best.end(), [&](const auto& b) { return b.first == first.config.optimizer; });
    if (kind == best.end()) {
      best.push_back({first.config.optimizer, {row.label, row.at[0]}});
      continue;
    }
    const double held = kind->second.at_steps.mean, value = row.at[0].mean;
    if (higher_better ? value > held : value < held) kind->second = {row.label, row.at[0]};
  }
  std::vector<RankReference> out;
  for (auto& b : best) out.push_back(std::move(b.second));
  return out;
}

MeanCurve mean_curve(const std::vector<const RunCurve*>& seeds, Basis basis) {
  MeanCurve out;
  if (seeds.empty()) return out;
  // Steps every seed evaluated at, with finite values (a seed that diverged ends the curve there).
  std::map<int64_t, std::vector<const CurvePoint*>> at_step;
  for (const RunCurve* run : seeds)
    for (const auto& p : run->points) at_step[p.step].push_back(&p);
  for (const auto& [step, points] : at_step) {
    if (points.size() != seeds.size()) continue;
    std::vector<std::optional<double>> values;
    double x = 0;
    bool finite = true;
    for (const CurvePoint* p : points) {
      values.push_back(p->value);
      x += coordinate(*p, basis);
      finite &= std::isfinite(p->value);
    }
    if (!finite) break;
    const Stat s = stat_of(values);
    out.x.push_back(x / static_cast<double>(points.size()));
    out.mean.push_back(s.mean);
    out.std.push_back(std::isnan(s.std) ? 0.0 : s.std);
  }
  return out;
}

}  // namespace limuon::report
