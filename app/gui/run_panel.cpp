// The run panel: every run setting from the engine's one settings table (its sentence is the tooltip,
// its valid values the hint, its errors the engine's own), only those the chosen optimizer reads; then
// start / pause / step / stop and the live status.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>

#include "cli/default_job.hpp"
#include "limuon/train/tuned_settings.hpp"
#include "gui/app.hpp"
#include "gui/plot/format.hpp"
#include "limuon/train/config_string.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::gui {

namespace {

// Sections of the panel; a setting missing here (added to the engine later) is drawn in the last one.
struct Section {
  const char* title;
  std::vector<std::string_view> names;
  bool open;
};
const std::vector<Section>& sections() {
  static const std::vector<Section> s = {
      {"Model and data", {"model", "data", "batch_size", "seed"}, true},
      {"Optimizer", {"optimizer", "lr", "adamw_lr", "beta", "rank", "polar", "lr_scale", "momentum", "weight_decay",
                     "oversampling", "power_iters"}, true},
      {"Budget", {"steps", "grad_evals"}, true},
      {"Measurements", {"eval_every", "eval_batches", "spectrum_every", "spectrum_params", "checkpoint_every",
                        "divergence_factor", "threads", "name"}, false},
  };
  return s;
}

bool in_a_section(std::string_view name) {
  for (const auto& section : sections())
    for (auto n : section.names)
      if (n == name) return true;
  return false;
}

// The experiments' best settings for the chosen model and mode. Choosing a model or mode applies them; after
// that a user's own values stay, and this line offers them back. Returns true when it changed the settings.
bool apply_tuned_button(train::RunConfig& run, const train::TunedSettings& tuned) {
  std::string text;
  bool same = true;
  for (const auto& [key, value] : tuned.settings) {
    text += (text.empty() ? "" : ", ") + key + " " + value;
    same &= train::find_setting(key)->value(run) == value;
  }
  if (same) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Tuned by the experiments: %s", text.c_str());
    ImGui::PopTextWrapPos();
  } else {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("The experiments chose %s on this model", text.c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::SmallButton("Use the tuned settings")) {
      run = train::with_tuned_settings(run);
      return true;
    }
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Best of the experiments' grids on this model, mean of 3 seeds: %s, method '%s'",
                      tuned.report.c_str(), tuned.method.c_str());
  return false;
}

void help_marker(const train::Setting& s) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
  ImGui::TextUnformatted(std::string(s.meaning).c_str());
  ImGui::TextDisabled("valid: %s   default: %s   read by: %s", s.valid_values().c_str(), s.default_value().c_str(),
                      train::optimizer_names(s.used_by).c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

}  // namespace

void App::validate_run_settings() {
  config_error_.clear();
  try {
    train::without_ignored_settings(settings_.run).validate();  // hidden settings do not count
  } catch (const std::exception& e) {
    config_error_ = e.what();
  }
}

void App::draw_run_panel() {
  // Settings scroll; the controls and the live status below them always stay in view.
  const float controls_height = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetTextLineHeightWithSpacing() * 7.5f;
  ImGui::BeginChild("##settings", {0, std::max(120.0f, ImGui::GetContentRegionAvail().y - controls_height)});
  draw_run_settings();
  ImGui::EndChild();
  ImGui::Separator();
  draw_run_controls();
  draw_run_status();
}

void App::draw_run_settings() {
  const bool locked = session_.status().active;  // a running run's settings are fixed (lr aside)
  ImGui::TextDisabled("RUN SETTINGS");
  if (locked) ImGui::TextDisabled("(fixed while the run is active)");
  ImGui::BeginDisabled(locked);
  const unsigned bit = train::optimizer_bit(settings_.run.optimizer);
  bool changed = false;
  const auto draw_setting = [&](const train::Setting& s) {
    if (bit != 0 && !(s.used_by & bit)) return;  // the chosen optimizer does not read it
    const std::string name(s.name);
    ImGui::PushID(name.c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(name.c_str());
    help_marker(s);
    ImGui::SameLine(120);
    ImGui::SetNextItemWidth(-1);
    if (!s.choices.empty()) {
      const std::string current = s.value(settings_.run);
      if (ImGui::BeginCombo("##v", current.empty() ? "(the model's default)" : current.c_str())) {
        for (auto choice : s.choices) {
          const std::string c(choice);
          if (ImGui::Selectable(c.empty() ? "(the model's default)" : c.c_str(), c == current)) {
            s.set(settings_.run, c, name);
            field_error_.erase(name);
            field_text_.erase(name);
            changed = true;
            // Data of the other kind (text for ViT, images for the decoders) would refuse to start: the new
            // model takes its own data instead.
            const bool images = settings_.run.model.rfind("vit:", 0) == 0;
            const std::string& data = settings_.run.data;
            if (name == "model" && !data.empty() && images == (data == "moby-dick")) {
              post_message("data is now the model's own: " + c + " cannot read " + data);
              settings_.run.data.clear();
            }
            // The low-rank polar update is LiMuon's option #2 alone: Muon would refuse to start with it.
            if (name == "optimizer" && c != "limuon" && settings_.run.polar == "lowrank") {
              settings_.run.polar = "newton_schulz";
              post_message("polar is now newton_schulz: lowrank is LiMuon's option #2, " + c + " cannot take it");
            }
            // A new model or mode starts from what the experiments found best for it, so that Start shows
            // each optimizer near its best; values typed afterwards stay until the mode changes again.
            const std::string tuned = train::apply_tuned_after_choice(settings_.run, name);
            if (!tuned.empty()) {
              post_message(tuned + ": the experiments' best for " + settings_.run.model + " in this mode");
              field_text_.clear();
            }
          }
        }
        ImGui::EndCombo();
      }
    } else {
      auto [it, fresh] = field_text_.try_emplace(name, s.value(settings_.run));
      if (ImGui::InputText("##v", &it->second, ImGuiInputTextFlags_AutoSelectAll)) {
        try {
          s.set(settings_.run, it->second, name);
          field_error_.erase(name);
        } catch (const std::exception& e) {
          field_error_[name] = e.what();  // the engine's own words; the config keeps its last good value
        }
        changed = true;
      }
      if (!ImGui::IsItemActive() && !field_error_.count(name)) it->second = s.value(settings_.run);
    }
    help_marker(s);
    if (auto e = field_error_.find(name); e != field_error_.end()) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored({1.0f, 0.45f, 0.4f, 1}, "%s", e->second.c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::PopID();
  };
  for (const auto& section : sections()) {
    if (!ImGui::CollapsingHeader(section.title, section.open ? ImGuiTreeNodeFlags_DefaultOpen : 0)) continue;
    for (auto n : section.names)
      if (const train::Setting* s = train::find_setting(n)) draw_setting(*s);
    if (std::string_view(section.title) == "Optimizer") {
      if (const train::TunedSettings* tuned = train::find_tuned(settings_.run)) {
        if (apply_tuned_button(settings_.run, *tuned)) {
          field_text_.clear();
          field_error_.clear();
          changed = true;
        }
      } else {
        ImGui::TextDisabled("No experiment has tuned this model and mode yet");
      }
    }
    if (section.title == sections().back().title)
      for (const auto& s : train::settings())
        if (!in_a_section(s.name)) draw_setting(s);
  }
  if (ImGui::Button("Reset to the classroom default")) {
    settings_.run = cli::default_experiment();
    field_text_.clear();
    field_error_.clear();
    changed = true;
  }
  // The whole configuration as one string (`limuon-lab train --config-string S` reruns it bit for bit);
  // copying stays possible while a run is active: it copies that run's settings.
  ImGui::EndDisabled();
  if (ImGui::Button("Copy as a string")) {
    ImGui::SetClipboardText(train::to_config_string(train::without_ignored_settings(settings_.run)).c_str());
    post_message("settings copied: paste them here or give them to limuon-lab train --config-string");
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(locked);
  ImGui::SetNextItemWidth(-60);
  ImGui::InputTextWithHint("##paste", "paste limuon1:...", &pasted_config_);
  ImGui::SameLine();
  if (ImGui::Button("Use") && !pasted_config_.empty()) {
    try {
      settings_.run = train::from_config_string(pasted_config_);
      field_text_.clear();
      field_error_.clear();
      pasted_config_.clear();
      changed = true;
    } catch (const std::exception& e) {
      post_message(e.what(), true);  // the settings stay as they were
    }
  }
  ImGui::EndDisabled();
  if (changed) {
    // Errors of settings the new optimizer does not read no longer block a start.
    for (auto it = field_error_.begin(); it != field_error_.end();) {
      const train::Setting* s = train::find_setting(it->first);
      const unsigned b = train::optimizer_bit(settings_.run.optimizer);
      it = (s && b && !(s->used_by & b)) ? field_error_.erase(it) : std::next(it);
    }
    validate_run_settings();
  }
  if (!config_error_.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({1.0f, 0.45f, 0.4f, 1}, "%s", config_error_.c_str());
    ImGui::PopTextWrapPos();
  }
}

void App::draw_run_controls() {
  const LiveStatus st = session_.status();
  const bool active = st.active;
  const bool paused = st.state == train::RunState::paused;
  const bool can_start = !active && config_error_.empty() && field_error_.empty();
  ImGui::BeginDisabled(!can_start);
  if (ImGui::Button("Start", {80, 0})) start_run();
  ImGui::EndDisabled();
  if (!can_start && !active && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Fix the settings marked in red first.");
  ImGui::SameLine();
  ImGui::BeginDisabled(!active);
  if (paused) {
    if (ImGui::Button("Resume", {80, 0})) session_.resume();
  } else if (ImGui::Button("Pause", {80, 0})) {
    session_.pause();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(!paused);
  if (ImGui::Button("Step", {60, 0})) session_.step_once();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("One training step, then paused again.");
  ImGui::SameLine();
  if (ImGui::Button("Stop", {60, 0})) session_.stop();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Checkpoint and stop; resume it later from the runs table.");
  // The learning rate is the one setting that may change while the run goes on.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("lr now");
  ImGui::SameLine(120);
  ImGui::SetNextItemWidth(-1);
  if (live_lr_ <= 0) live_lr_ = settings_.run.optimizer == "adamw" ? settings_.run.adamw_lr : settings_.run.lr;
  if (ImGui::InputDouble("##live_lr", &live_lr_, 0, 0, "%.6g", ImGuiInputTextFlags_EnterReturnsTrue)) {
    if (std::isfinite(live_lr_) && live_lr_ > 0) {
      session_.set_lr(live_lr_);
      post_message("learning rate set to " + train::format_number(live_lr_));
    } else {
      post_message("lr must be a number > 0", true);
    }
  }
  ImGui::EndDisabled();
}

void App::draw_run_status() {
  const LiveStatus st = session_.status();
  if (st.run_id == 0 && !st.active && st.error.empty()) {
    ImGui::TextDisabled("No run yet: press Start.");
    return;
  }
  ImGui::Text("run %lld  %s", static_cast<long long>(st.run_id), train::to_string(st.state));
  const double fraction = st.total_steps > 0 ? static_cast<double>(st.step) / st.total_steps : 0;
  char overlay[64];
  std::snprintf(overlay, sizeof overlay, "step %lld / %lld", static_cast<long long>(st.step),
                static_cast<long long>(st.total_steps));
  ImGui::ProgressBar(static_cast<float>(fraction), {-1, 0}, overlay);
  ImGui::Text("grad evals %lld   samples %lld", static_cast<long long>(st.grad_evals), static_cast<long long>(st.samples));
  const double eta = st.steps_per_s > 0 ? static_cast<double>(st.total_steps - st.step) / st.steps_per_s : NAN;
  ImGui::Text("%.2f steps/s   left %s", st.steps_per_s,
              st.state == train::RunState::running ? plot::format_duration(eta).c_str() : "--");
  ImGui::Text("train loss %.4f", st.last_loss);
  if (st.last_val_step > 0) ImGui::Text("val loss %.4f (step %lld)", st.last_val_loss, static_cast<long long>(st.last_val_step));
  if (st.resumed_from >= 0) ImGui::TextDisabled("resumed from step %lld", static_cast<long long>(st.resumed_from));
  if (st.diverged_step >= 0) ImGui::TextColored({1, 0.5f, 0.4f, 1}, "diverged at step %lld", static_cast<long long>(st.diverged_step));
  if (!st.error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", st.error.c_str());
    ImGui::PopTextWrapPos();
  }
}

}  // namespace limuon::gui
