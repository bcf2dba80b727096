// The Sweeps tab, part 1: the designer (the run panel's settings as the base, a grid over any setting,
// the live count of runs and the time they take judging by runs already measured, save and open the TOML
// file `limuon-lab sweep` reads) and the queue (each run's state and progress; pause, resume and stop of
// the whole sweep). The results views are in sweep_results_panel.cpp. The sweep runs on the QueueSession's
// worker exactly as `limuon-lab sweep` runs it, so a sweep stopped or killed resumes where it was.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "gui/app.hpp"
#include "gui/plot/colours.hpp"
#include "limuon/train/settings.hpp"
#include "limuon/util/threads.hpp"

namespace limuon::gui {

namespace {

std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> values;
  std::stringstream in(text);
  for (std::string v; std::getline(in, v, ',');) {
    v.erase(0, v.find_first_not_of(" \t"));
    v.erase(v.find_last_not_of(" \t") + 1);
    if (!v.empty()) values.push_back(v);
  }
  return values;
}

std::string duration_text(double seconds) {
  char text[64];
  if (seconds < 90) std::snprintf(text, sizeof text, "%.0f s", seconds);
  else if (seconds < 5400) std::snprintf(text, sizeof text, "%.1f min", seconds / 60);
  else std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
  return text;
}

// The designer's fields as the spec the CLI would read. ConfigError for a key or value the engine refuses.
sweep::SweepSpec designed_spec(const SweepPanelState& s, const train::RunConfig& base) {
  sweep::SweepSpec spec;
  spec.name = s.name;
  spec.jobs = s.jobs;
  spec.base = train::without_ignored_settings(base);
  spec.base.name.clear();
  if (spec.name.empty()) throw train::ConfigError("the sweep needs a name (runs of a sweep are found by it)");
  for (const auto& row : s.grid) {
    const train::Setting* setting = train::find_setting(row.key);
    if (setting == nullptr) throw train::ConfigError("grid: unknown setting '" + row.key + "'");
    const auto values = split_values(row.values);
    if (values.empty()) throw train::ConfigError("grid: " + row.key + " has no values (write them separated by commas)");
    train::RunConfig probe;
    for (const auto& v : values) setting->set(probe, v, "grid " + row.key);  // the engine's message for a bad one
    spec.grid.emplace_back(row.key, values);
  }
  sweep::sort_grid_keys(spec);
  return spec;
}

}  // namespace

void App::draw_sweeps() {
  SweepPanelState& s = sweep_;
  if (!s.samples_requested) {  // the measured step times of this database, for the estimate
    reader_.request_step_times(settings_.db_path);
    s.samples_requested = true;
  }
  const auto view = [&](int which) {
    return s.requested_view == which ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
  };
  if (ImGui::BeginTabBar("##sweep_views")) {
    if (ImGui::BeginTabItem("Design", nullptr, view(0))) {
      // [SECTION] designer
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
      ImGui::InputText("name", &s.name);
      ImGui::SameLine(0, 24);
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      ImGui::SliderInt("runs in parallel", &s.jobs, 1, 8);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Parallel runs share the cores: more than there are cores is no faster.");
      ImGui::TextDisabled("Base: the run panel's settings (%s)", train::settings_name(train::without_ignored_settings(settings_.run)).c_str());
      ImGui::Spacing();
      ImGui::TextUnformatted("Grid: every combination of these values runs");
      int remove = -1;
      const auto& all = train::settings();
      for (size_t i = 0; i < s.grid.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
        if (ImGui::BeginCombo("##key", s.grid[i].key.c_str())) {
          for (const auto& setting : all) {
            const std::string name(setting.name);
            if (name == "name") continue;
            if (ImGui::Selectable(name.c_str(), name == s.grid[i].key)) s.grid[i].key = name;
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", std::string(setting.meaning).c_str());
          }
          ImGui::EndCombo();
        }
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
        ImGui::InputTextWithHint("##values", "values, separated by commas", &s.grid[i].values);
        ImGui::SameLine();
        if (ImGui::SmallButton("remove")) remove = static_cast<int>(i);
        ImGui::PopID();
      }
      if (remove >= 0) s.grid.erase(s.grid.begin() + remove);
      if (ImGui::SmallButton("+ a setting")) s.grid.push_back({"lr", "0.01, 0.02"});

      // Counted (and estimated) only when something changed: counting checks every value.
      std::string key = s.name + "|" + std::to_string(s.jobs) + "|" + settings_.run.to_json();
      for (const auto& row : s.grid) key += "|" + row.key + "=" + row.values;
      key += "|" + std::to_string(s.samples.size());
      if (key != s.checked_key) {
        s.checked_key = key;
        s.problem.clear();
        s.count = 0;
        try {
          const sweep::SweepSpec spec = designed_spec(s, settings_.run);
          s.count = sweep::count_runs(spec);
          if (s.count <= 2000) {
            // Expanding validates every combination (a LiMuon rank builds its model once): on the worker.
            reader_.request_compute([this, spec, samples = s.samples, jobs = s.jobs] {
              sweep::SweepEstimate e;
              std::string problem;
              try {
                e = sweep::estimate_sweep(sweep::expand_grid(spec), samples, jobs, hardware_threads());
              } catch (const std::exception& ex) {
                problem = ex.what();
              }
              return [this, e, problem, key = sweep_.checked_key] {
                if (key != sweep_.checked_key) return;  // the fields changed meanwhile
                sweep_.estimate = e;
                if (!problem.empty()) sweep_.problem = problem;
              };
            });
          }
        } catch (const std::exception& e) {
          s.problem = e.what();
        }
      }
      ImGui::Spacing();
      if (!s.problem.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", s.problem.c_str());
        ImGui::PopTextWrapPos();
      } else {
        ImGui::Text("%lld runs", static_cast<long long>(s.count));
        if (s.estimate.runs == s.count && s.count > 0) {
          ImGui::SameLine();
          ImGui::Text(" %lld steps, %lld gradient evaluations", static_cast<long long>(s.estimate.total_steps),
                      static_cast<long long>(s.estimate.total_grad_evals));
          if (s.estimate.measured_runs > 0)
            ImGui::Text("about %s with %d in parallel, judging by the step times of runs in this database%s",
                        duration_text(s.estimate.seconds).c_str(), s.jobs,
                        s.estimate.measured_runs < s.estimate.runs ? " (for the runs it could time)" : "");
          for (const auto& kind : s.estimate.unmeasured) ImGui::TextDisabled("no measured run like %s: not timed", kind.c_str());
        }
      }
      ImGui::Spacing();
      ImGui::BeginDisabled(!s.problem.empty() || s.count == 0 || queue_.status().active);
      if (ImGui::Button("Start the sweep")) start_sweep();
      ImGui::EndDisabled();
      ImGui::SameLine(0, 24);
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
      ImGui::InputText("##file", &s.file);
      ImGui::SameLine();
      ImGui::BeginDisabled(!s.problem.empty());
      if (ImGui::Button("Save as TOML")) {
        try {
          std::vector<std::string> lines;
          std::stringstream text(sweep::sweep_to_toml(designed_spec(s, settings_.run)));
          for (std::string line; std::getline(text, line);) lines.push_back(line);
          exporter_.write_text(s.file, std::move(lines));
        } catch (const std::exception& e) {
          post_message(e.what(), true);
        }
      }
      ImGui::EndDisabled();
      ImGui::SameLine();
      if (ImGui::Button("Open")) reader_.request_sweep_file(s.file);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("A sweep file as `limuon-lab sweep FILE` reads it (experiments/*.toml).");
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Queue", nullptr, view(1))) {
      // [SECTION] queue
      const QueueStatus q = queue_.status();
      if (q.runs.empty() && !q.active) {
        ImGui::TextDisabled("No sweep is running. Design one, or open a sweep file, and start it.");
      } else {
        int ended = 0;
        for (const auto& r : q.runs) ended += train::Trainer::is_end_state(r.state);
        ImGui::Text("%s: %d of %zu runs ended%s, %d in parallel%s", q.title.c_str(), ended, q.runs.size(),
                    q.kept > 0 ? (" (" + std::to_string(q.kept) + " more ended before)").c_str() : "", q.jobs,
                    q.active ? "" : " (done)");
        ImGui::BeginDisabled(!q.active);
        if (ImGui::Button(q.paused ? "Resume all" : "Pause all")) q.paused ? queue_.resume() : queue_.pause();
        ImGui::SameLine();
        if (ImGui::Button("Stop")) queue_.stop();
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered())
          ImGui::SetTooltip("Running runs checkpoint and stop; start the same sweep again to go on where it was.");
        const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
        if (ImGui::BeginTable("##queue", 5, flags)) {
          ImGui::TableSetupScrollFreeze(0, 1);
          ImGui::TableSetupColumn("run");
          ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch);
          ImGui::TableSetupColumn("state");
          ImGui::TableSetupColumn("progress", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 12);
          ImGui::TableSetupColumn("loss");
          ImGui::TableHeadersRow();
          for (const auto& r : q.runs) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const plot::Rgb c = plot::run_colour(static_cast<int>(r.run_id));
            ImGui::TextColored({c.r, c.g, c.b, 1}, "%lld", static_cast<long long>(r.run_id));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.name.c_str());
            if (!r.error.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.error.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.state == train::RunState::created ? "queued" : train::to_string(r.state));
            ImGui::TableNextColumn();
            char text[48];
            std::snprintf(text, sizeof text, "%lld / %lld", static_cast<long long>(r.step), static_cast<long long>(r.total_steps));
            ImGui::ProgressBar(r.total_steps > 0 ? static_cast<float>(r.step) / static_cast<float>(r.total_steps) : 0.f,
                               {-1, 0}, text);
            ImGui::TableNextColumn();
            if (r.step > 0) ImGui::Text("%.4f", r.last_loss);
          }
          ImGui::EndTable();
        }
      }
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Results", nullptr, view(2))) {
      draw_sweep_results();
      ImGui::EndTabItem();
    }
    s.requested_view = -1;
    ImGui::EndTabBar();
  }
}

bool App::start_sweep() {
  try {
    const sweep::SweepSpec spec = designed_spec(sweep_, settings_.run);
    if (!queue_.start_sweep(spec, settings_.db_path)) {
      post_message("cannot start the sweep: the last one is still saving", true);
      return false;
    }
    sweep_.results.clear();
    sweep_.results_sweep_id = 0;
    post_message("sweep '" + spec.name + "': " + std::to_string(sweep_.count) + " runs, " + std::to_string(spec.jobs) +
                 " in parallel");
    return true;
  } catch (const std::exception& e) {
    post_message(std::string("cannot start the sweep: ") + e.what(), true);
    return false;
  }
}

void App::take_sweep_file(const LoadedSweep& loaded) {
  if (!loaded.spec) {
    post_message(loaded.error, true);
    return;
  }
  const sweep::SweepSpec& spec = *loaded.spec;
  if (!spec.optimizer_grids.empty())
    post_message("this sweep has per-optimizer grids: the designer shows only its shared grid; `limuon-lab sweep " +
                     loaded.path + "` runs all of it", true);
  sweep_.name = spec.name;
  sweep_.jobs = spec.jobs;
  sweep_.grid.clear();
  for (const auto& [key, values] : spec.grid) {
    std::string text;
    for (const auto& v : values) text += (text.empty() ? "" : ", ") + v;
    sweep_.grid.push_back({key, text});
  }
  settings_.run = spec.base;  // the run panel shows the base
  field_text_.clear();
  sweep_.checked_key.clear();
  post_message("opened " + loaded.path);
}

bool App::open_and_start_sweep(const std::string& path) {
  // The demo script's path: it reads the small file on the GUI thread (the script waits for it anyway);
  // the Open button reads on the reader's worker.
  try {
    take_sweep_file({path, sweep::load_sweep(path), ""});
  } catch (const std::exception& e) {
    post_message(e.what(), true);
    return false;
  }
  sweep_.checked_key.clear();
  try {
    sweep_.count = sweep::count_runs(designed_spec(sweep_, settings_.run));
  } catch (const std::exception& e) {
    post_message(e.what(), true);
    return false;
  }
  return start_sweep();
}

}  // namespace limuon::gui
