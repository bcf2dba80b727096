#include "limuon/store/compare.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "limuon/train/run_config.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::store {
namespace {

constexpr size_t kTrainLossWindow = 10;  // one batch's loss is noisy; ten steps' mean is what a plot shows

struct Curves {
  int64_t run_id = 0;
  std::vector<SeriesPoint> train;  // one point per step
  std::vector<SeriesPoint> val;
  std::map<int64_t, double> grad_evals;
};

Curves load_curves(const Store& store, int64_t run_id) {
  if (!store.run(run_id)) throw StoreError("no run " + std::to_string(run_id) + " in " + store.path());
  Curves c;
  c.run_id = run_id;
  c.train = store.series(run_id, "train_loss");
  c.val = store.series(run_id, "val_loss");
  for (const auto& p : store.series(run_id, "grad_evals")) c.grad_evals[p.step] = p.value;
  return c;
}

double grad_evals_at(const Curves& c, int64_t step) {
  const auto it = c.grad_evals.upper_bound(step);
  return it == c.grad_evals.begin() ? 0.0 : std::prev(it)->second;
}

std::optional<double> mean_train_loss(const std::vector<SeriesPoint>& train, size_t last) {
  const size_t first = last + 1 > kTrainLossWindow ? last + 1 - kTrainLossWindow : 0;
  double sum = 0;
  for (size_t i = first; i <= last; ++i) sum += train[i].value;
  return sum / static_cast<double>(last + 1 - first);
}

std::optional<double> val_loss_at(const std::vector<SeriesPoint>& val, int64_t step) {
  std::optional<double> out;
  for (const auto& p : val)
    if (p.step <= step) out = p.value;
  return out;
}

// The run at its last step whose `key` does not exceed `limit`.
RunAt run_at(const Curves& c, double limit, const std::function<double(const SeriesPoint&)>& key) {
  RunAt at;
  at.run_id = c.run_id;
  size_t found = c.train.size();
  for (size_t i = 0; i < c.train.size() && key(c.train[i]) <= limit; ++i) found = i;
  if (found == c.train.size()) return at;
  at.step = c.train[found].step;
  at.wall_s = c.train[found].wall_s;
  at.grad_evals = grad_evals_at(c, at.step);
  at.train_loss = mean_train_loss(c.train, found);
  at.val_loss = val_loss_at(c.val, at.step);
  return at;
}

}  // namespace

RunSummary summarize_run(const Store& store, const RunRecord& record) {
  RunSummary s;
  s.record = record;
  train::RunConfig config;
  try {
    config = train::RunConfig::from_stored_json(record.config_json);
  } catch (const train::ConfigError&) {  // shown as unknown, never as made-up defaults
    s.model = s.data = s.optimizer = "?";
    s.settings = "(settings unreadable by this build)";
  }
  if (s.optimizer.empty()) {
    s.model = config.model;
    s.data = config.data.empty() ? (config.model.rfind("vit:", 0) == 0 ? "fashion-mnist" : "moby-dick") : config.data;
    s.optimizer = config.optimizer;
  }
  if (s.settings.empty())
    for (const auto& setting : train::settings()) {
      const std::string name(setting.name);
      if (name == "name" || name == "model" || name == "data" || name == "optimizer") continue;
      const std::string v = setting.value(config);
      if (v != setting.default_value()) s.settings += (s.settings.empty() ? "" : " ") + name + "=" + v;
    }
  const auto train = store.last_points(record.id, "train_loss", kTrainLossWindow);
  if (!train.empty()) s.final_train_loss = mean_train_loss(train, train.size() - 1);
  const auto val = store.last_points(record.id, "val_loss", 1);
  if (!val.empty()) s.final_val_loss = val.back().value;
  return s;
}

Comparison compare_runs(const Store& store, const std::vector<int64_t>& run_ids) {
  std::vector<Curves> runs;
  for (int64_t id : run_ids) runs.push_back(load_curves(store, id));
  Comparison out;
  bool first = true;
  for (const auto& c : runs) {
    const int64_t steps = c.train.empty() ? 0 : c.train.back().step;
    const double grads = c.train.empty() ? 0.0 : grad_evals_at(c, steps);
    const double wall = c.train.empty() ? 0.0 : c.train.back().wall_s;
    out.steps = first ? steps : std::min(out.steps, steps);
    out.grad_evals = first ? grads : std::min(out.grad_evals, grads);
    out.wall_s = first ? wall : std::min(out.wall_s, wall);
    first = false;
  }
  for (const auto& c : runs) {
    out.at_steps.push_back(run_at(c, static_cast<double>(out.steps), [](const SeriesPoint& p) { return double(p.step); }));
    out.at_grad_evals.push_back(run_at(c, out.grad_evals, [&](const SeriesPoint& p) { return grad_evals_at(c, p.step); }));
    out.at_wall_s.push_back(run_at(c, out.wall_s, [](const SeriesPoint& p) { return p.wall_s; }));
  }
  return out;
}

}  // namespace limuon::store
