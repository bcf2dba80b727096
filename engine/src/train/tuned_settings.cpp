#include "limuon/train/tuned_settings.hpp"

#include "limuon/train/settings.hpp"

namespace limuon::train {

// Each entry is the winner of a report's "Learning rates tried" table (the mean final validation loss of
// 3 seeds, 1,000 steps), produced by `bash scripts/experiments.sh NAME`; its other settings are part of
// the winning method's label. Add an entry only for a method whose whole lr grid has run and whose
// winner is not at the edge of that grid.
const std::vector<TunedSettings>& tuned_settings() {
  static const std::vector<TunedSettings> table = {
      {"gpt:classroom",
       {{"optimizer", "muon"}, {"polar", "newton_schulz"}, {"lr_scale", "shape"}},
       {{"lr", "0.01"}},
       "experiments/results/gpt/report.md",
       "muon polar=newton_schulz"},
      {"gpt:classroom",
       {{"optimizer", "adamw"}},
       {{"adamw_lr", "0.003"}},
       "experiments/results/gpt/report.md",
       "adamw"},
      // beta from the beta sweep (at lr 0.01), then the lr at that beta
      {"gpt:classroom",
       {{"optimizer", "limuon"}, {"polar", "newton_schulz"}, {"rank", "0"}, {"lr_scale", "shape"}},
       {{"lr", "0.02"}, {"beta", "0.6"}},
       "experiments/results/gpt/report.md",
       "limuon beta=0.6 polar=newton_schulz"},
      {"gpt:classroom",
       {{"optimizer", "limuon"}, {"polar", "svd"}, {"rank", "0"}, {"lr_scale", "shape"}},
       {{"lr", "0.02"}, {"beta", "0.6"}},
       "experiments/results/gpt/report.md",
       "limuon beta=0.6 polar=svd"},
      // the light LiMuon the app starts with; beta carried over from the dense option's sweep
      {"gpt:classroom",
       {{"optimizer", "limuon"}, {"polar", "lowrank"}, {"rank", "8"}, {"lr_scale", "match_adamw_rms_rank"}},
       {{"lr", "0.003"}, {"beta", "0.6"}},
       "experiments/results/rank/report.md",
       "limuon beta=0.6 rank=8 polar=lowrank lr_scale=match_adamw_rms_rank"},
      // Experiment 2, the classroom ViT on Fashion-MNIST: chosen by validation loss; LiMuon's beta is
      // experiment 1's (not swept again). Rank 8's rank-aware scale won at its grid's edge: no entry.
      {"vit:classroom",
       {{"optimizer", "muon"}, {"polar", "newton_schulz"}, {"lr_scale", "shape"}},
       {{"lr", "0.005"}},
       "experiments/results/vit/report.md",
       "muon polar=newton_schulz lr_scale=shape"},
      {"vit:classroom", {{"optimizer", "adamw"}}, {{"adamw_lr", "3e-04"}}, "experiments/results/vit/report.md", "adamw"},
      {"vit:classroom",
       {{"optimizer", "limuon"}, {"polar", "newton_schulz"}, {"rank", "0"}, {"lr_scale", "shape"}},
       {{"lr", "0.02"}, {"beta", "0.6"}},
       "experiments/results/vit/report.md",
       "limuon beta=0.6 rank=0 polar=newton_schulz lr_scale=shape"},
      {"vit:classroom",
       {{"optimizer", "limuon"}, {"polar", "svd"}, {"rank", "0"}, {"lr_scale", "shape"}},
       {{"lr", "0.01"}, {"beta", "0.6"}},
       "experiments/results/vit/report.md",
       "limuon beta=0.6 rank=0 polar=svd lr_scale=shape"},
      {"vit:classroom",
       {{"optimizer", "limuon"}, {"polar", "lowrank"}, {"rank", "8"}, {"lr_scale", "shape"}},
       {{"lr", "0.03"}, {"beta", "0.6"}},
       "experiments/results/vit/report.md",
       "limuon beta=0.6 rank=8 polar=lowrank lr_scale=shape"},
      // Experiment 3, the classroom Qwen2-style decoder: its baselines and LiMuon's dense option so far
      {"qwen2:classroom",
       {{"optimizer", "muon"}, {"polar", "newton_schulz"}, {"lr_scale", "shape"}},
       {{"lr", "0.005"}},
       "experiments/results/qwen2/report.md",
       "muon polar=newton_schulz"},
      {"qwen2:classroom", {{"optimizer", "adamw"}}, {{"adamw_lr", "0.003"}}, "experiments/results/qwen2/report.md", "adamw"},
      {"qwen2:classroom",
       {{"optimizer", "limuon"}, {"polar", "newton_schulz"}, {"rank", "0"}, {"lr_scale", "shape"}},
       {{"lr", "0.01"}, {"beta", "0.6"}},
       "experiments/results/qwen2/report.md",
       "limuon beta=0.6 polar=newton_schulz"},
      {"qwen2:classroom",
       {{"optimizer", "limuon"}, {"polar", "svd"}, {"rank", "0"}, {"lr_scale", "shape"}},
       {{"lr", "0.01"}, {"beta", "0.6"}},
       "experiments/results/qwen2/report.md",
       "limuon beta=0.6 polar=svd"},
  };
  return table;
}

const TunedSettings* find_tuned(const RunConfig& config) {
  for (const auto& entry : tuned_settings()) {
    if (entry.model != config.model) continue;
    bool matches = true;
    for (const auto& [key, value] : entry.mode) matches &= find_setting(key)->value(config) == value;
    if (matches) return &entry;
  }
  return nullptr;
}

RunConfig with_tuned_settings(RunConfig config) {
  if (const TunedSettings* entry = find_tuned(config))
    for (const auto& [key, value] : entry->settings) find_setting(key)->set(config, value, "tuned settings");
  return config;
}

std::string apply_tuned_after_choice(RunConfig& config, const std::string& chosen) {
  const bool new_optimizer = chosen == "model" || chosen == "optimizer";
  if (!new_optimizer && chosen != "polar" && chosen != "lr_scale") return "";
  std::string changed;
  auto set = [&](const std::string& key, const std::string& value) {
    const Setting* setting = find_setting(key);
    if (setting->value(config) == value) return;
    setting->set(config, value, "tuned settings");
    changed += (changed.empty() ? "" : ", ") + key + " " + value;
  };
  const TunedSettings* entry = find_tuned(config);
  // A new model or optimizer starts from a tuned mode of it even when the lr scale in use is another (an lr
  // means something else under each scale): the entry's scale comes along. A scale the user picks stays.
  for (size_t i = 0; entry == nullptr && new_optimizer && i < tuned_settings().size(); ++i) {
    const TunedSettings& candidate = tuned_settings()[i];
    bool matches = candidate.model == config.model;
    for (const auto& [key, value] : candidate.mode)
      matches &= key == "lr_scale" || find_setting(key)->value(config) == value;
    if (matches) entry = &candidate;
  }
  if (entry == nullptr) return "";
  for (const auto& [key, value] : entry->mode) set(key, value);
  for (const auto& [key, value] : entry->settings) set(key, value);
  return changed;
}

}  // namespace limuon::train
