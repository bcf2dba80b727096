#include "limuon/train/tuned_settings.hpp"

#include "limuon/train/settings.hpp"

namespace limuon::train {

namespace {

// The modes the experiments tune, one constructor each: the table below then reads as data. Each names its
// method as the reports label it: the optimizer, then the settings that tell its runs apart, in that order.
TunedSettings muon(const char* model, const char* lr, const char* report) {
  return {model, {{"optimizer", "muon"}, {"polar", "newton_schulz"}, {"lr_scale", "shape"}}, {{"lr", lr}}, report,
          "muon polar=newton_schulz lr_scale=shape"};
}
TunedSettings adamw(const char* model, const char* adamw_lr, const char* report) {
  return {model, {{"optimizer", "adamw"}}, {{"adamw_lr", adamw_lr}}, report, "adamw"};
}
// LiMuon's dense option (rank 0, polar newton_schulz or svd) or its light one (rank r, polar lowrank).
TunedSettings limuon(const char* model, const char* polar, const char* rank, const char* lr_scale, const char* lr,
                     const char* beta, const char* report) {
  return {model,
          {{"optimizer", "limuon"}, {"polar", polar}, {"rank", rank}, {"lr_scale", lr_scale}},
          {{"lr", lr}, {"beta", beta}},
          report,
          std::string("limuon beta=") + beta + " rank=" + rank + " polar=" + polar + " lr_scale=" + lr_scale};
}

constexpr const char* kGpt = "experiments/results/gpt/report.md";
constexpr const char* kRank = "experiments/results/rank/report.md";
constexpr const char* kVit = "experiments/results/vit/report.md";
constexpr const char* kQwen2 = "experiments/results/qwen2/report.md";

}  // namespace

// Each entry is the winner of a report's "Learning rates tried" table (the mean final validation loss of
// 3 seeds, 1,000 steps), produced by `bash scripts/experiments.sh NAME`; its other settings are part of
// the winning method's label. Add an entry only for a method whose whole lr grid has run and whose
// winner is not at the edge of that grid. LiMuon's beta comes from experiment 1's beta sweep everywhere.
const std::vector<TunedSettings>& tuned_settings() {
  static const std::vector<TunedSettings> table = {
      // Experiment 1, the classroom GPT (beta from the beta sweep at lr 0.01, then the lr at that beta), and
      // experiment 5 for the light LiMuon at each rank and lr scale (the app starts with rank 8, rank-aware).
      muon("gpt:classroom", "0.01", kGpt),
      adamw("gpt:classroom", "0.003", kGpt),
      limuon("gpt:classroom", "newton_schulz", "0", "shape", "0.02", "0.6", kGpt),
      limuon("gpt:classroom", "svd", "0", "shape", "0.02", "0.6", kGpt),
      limuon("gpt:classroom", "lowrank", "1", "shape", "0.03", "0.6", kRank),
      limuon("gpt:classroom", "lowrank", "4", "shape", "0.03", "0.6", kRank),
      limuon("gpt:classroom", "lowrank", "8", "shape", "0.03", "0.6", kRank),
      limuon("gpt:classroom", "lowrank", "16", "shape", "0.03", "0.6", kRank),
      limuon("gpt:classroom", "lowrank", "1", "match_adamw_rms_rank", "0.003", "0.6", kRank),
      limuon("gpt:classroom", "lowrank", "4", "match_adamw_rms_rank", "0.003", "0.6", kRank),
      limuon("gpt:classroom", "lowrank", "8", "match_adamw_rms_rank", "0.003", "0.6", kRank),
      limuon("gpt:classroom", "lowrank", "16", "match_adamw_rms_rank", "0.01", "0.6", kRank),
      // Experiment 2, the classroom ViT on Fashion-MNIST, chosen by validation loss.
      muon("vit:classroom", "0.005", kVit),
      adamw("vit:classroom", "3e-04", kVit),
      limuon("vit:classroom", "newton_schulz", "0", "shape", "0.02", "0.6", kVit),
      limuon("vit:classroom", "svd", "0", "shape", "0.02", "0.6", kVit),
      limuon("vit:classroom", "lowrank", "1", "shape", "0.003", "0.6", kVit),
      limuon("vit:classroom", "lowrank", "4", "shape", "0.03", "0.6", kVit),
      limuon("vit:classroom", "lowrank", "8", "shape", "0.03", "0.6", kVit),
      limuon("vit:classroom", "lowrank", "16", "shape", "0.01", "0.6", kVit),
      limuon("vit:classroom", "lowrank", "1", "match_adamw_rms_rank", "3e-04", "0.6", kVit),
      limuon("vit:classroom", "lowrank", "4", "match_adamw_rms_rank", "0.003", "0.6", kVit),
      limuon("vit:classroom", "lowrank", "8", "match_adamw_rms_rank", "0.003", "0.6", kVit),
      limuon("vit:classroom", "lowrank", "16", "match_adamw_rms_rank", "0.01", "0.6", kVit),
      // Experiment 3, the classroom Qwen2-style decoder.
      muon("qwen2:classroom", "0.005", kQwen2),
      adamw("qwen2:classroom", "0.003", kQwen2),
      limuon("qwen2:classroom", "newton_schulz", "0", "shape", "0.01", "0.6", kQwen2),
      limuon("qwen2:classroom", "svd", "0", "shape", "0.01", "0.6", kQwen2),
      limuon("qwen2:classroom", "lowrank", "1", "shape", "0.03", "0.6", kQwen2),
      limuon("qwen2:classroom", "lowrank", "4", "shape", "0.03", "0.6", kQwen2),
      limuon("qwen2:classroom", "lowrank", "8", "shape", "0.01", "0.6", kQwen2),
      limuon("qwen2:classroom", "lowrank", "16", "shape", "0.01", "0.6", kQwen2),
      limuon("qwen2:classroom", "lowrank", "1", "match_adamw_rms_rank", "0.003", "0.6", kQwen2),
      limuon("qwen2:classroom", "lowrank", "4", "match_adamw_rms_rank", "0.003", "0.6", kQwen2),
      limuon("qwen2:classroom", "lowrank", "8", "match_adamw_rms_rank", "0.003", "0.6", kQwen2),
      limuon("qwen2:classroom", "lowrank", "16", "match_adamw_rms_rank", "0.01", "0.6", kQwen2),
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
