// The training curves: one plot per metric, every shown run overlaid in its own colour, on one shared
// x axis the user picks (step, gradient evaluations, samples or wall time), with smoothing, log axes and
// a legend that shows and hides runs.
#include <imgui.h>

#include <cmath>

#include "gui/app.hpp"
#include "gui/plot/colours.hpp"

namespace limuon::gui {

namespace {

struct PlotSpec {
  const char* title;
  std::vector<const char*> metrics;  // one line per run and metric
  bool log_y;
  bool smooth;  // noisy per-step series get the EMA; sparse or exact ones do not
};

const std::vector<PlotSpec>& plot_specs() {
  static const std::vector<PlotSpec> specs = {
      {"Loss (train line, validation dots)", {"train_loss", "val_loss"}, true, true},
      {"Gradient norm (matrices; AdamW group lighter)", {"grad_norm/matrices", "grad_norm/others"}, true, true},
      {"Update norm", {"update_norm"}, true, true},
      {"Learning rate", {"lr"}, true, false},
      {"Step time (ms; waiting for a core lighter)", {"step_ms", "cpu_wait_ms"}, false, true},
      {"Optimizer state (bytes)", {"state_bytes"}, false, false},
      {"Resident memory (bytes)", {"rss_bytes"}, false, false},
      {"Validation accuracy (top-1: label, or next token)", {"val_acc"}, false, false},
  };
  return specs;
}

// A run's colour; `tint` > 0 blends it toward white, for its second series in a plot.
ImU32 colour_of(int index, float tint = 0.0f) {
  const plot::Rgb c = plot::run_colour(index);
  const auto mix = [&](float v) { return v + (1.0f - v) * tint; };
  return ImGui::ColorConvertFloat4ToU32({mix(c.r), mix(c.g), mix(c.b), 1.0f});
}

}  // namespace

void App::draw_legend() {
  if (runs_.empty()) {
    ImGui::TextDisabled("No runs on screen: press Start, or tick runs in the table below.");
    return;
  }
  for (auto& r : runs_) {
    ImGui::PushID(static_cast<int>(r->run_id));
    const plot::Rgb c = plot::run_colour(r->colour);
    ImGui::PushStyleColor(ImGuiCol_CheckMark, ImVec4(c.r, c.g, c.b, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, r->visible ? ImVec4(c.r, c.g, c.b, 1) : ImVec4(0.5f, 0.5f, 0.5f, 1));
    const std::string label = (r->run_id ? "#" + std::to_string(r->run_id) + " " : "") + r->name + (r->live ? " (live)" : "");
    ImGui::Checkbox(label.c_str(), &r->visible);
    ImGui::PopStyleColor(2);
    ImGui::PopID();
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < 200) ImGui::NewLine();
  }
  ImGui::NewLine();
}

void App::draw_curves() {
  // Toolbar: x unit, log axes, smoothing.
  int unit = static_cast<int>(settings_.x_unit);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("x:");
  for (int u = 0; u < 4; ++u) {
    ImGui::SameLine();
    if (ImGui::RadioButton(to_string(static_cast<XUnit>(u)), unit == u)) unit = u;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A LiMuon step evaluates two gradients, Muon and AdamW one:\ncompare at equal gradient evaluations or wall time.");
  settings_.x_unit = static_cast<XUnit>(unit);
  ImGui::SameLine(0, 24);
  if (ImGui::Checkbox("log x", &settings_.log_x)) {
    shared_x_.axis.scale = settings_.log_x ? plot::Scale::log10 : plot::Scale::linear;
    shared_x_.auto_fit = true;
  }
  ImGui::SameLine();
  ImGui::Checkbox("log y", &settings_.log_y);
  ImGui::SameLine(0, 24);
  ImGui::SetNextItemWidth(160);
  float smoothing = static_cast<float>(settings_.smoothing);
  if (ImGui::SliderFloat("smoothing", &smoothing, 0.0f, 0.99f, "%.2f")) settings_.smoothing = smoothing;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("TensorBoard's debiased exponential moving average; the raw curve stays faint behind it.\nRed marks on a plot's top edge: non-finite values.");
  ImGui::SameLine(0, 24);
  if (ImGui::Button("Fit all")) {
    shared_x_.auto_fit = true;
    for (auto& p : plot_states_) p.y_auto = true;
  }
  draw_legend();

  const auto& specs = plot_specs();
  if (plot_states_.size() != specs.size()) {
    plot_states_.clear();
    for (const auto& spec : specs) plot_states_.push_back(PlotState{spec.title});
  }
  // Series of every visible run for every plot; the x axis fits them all.
  std::vector<std::vector<PlotSeries>> per_plot(specs.size());
  std::vector<PlotSeries> everything;
  for (size_t k = 0; k < specs.size(); ++k) {
    for (const auto& r : runs_) {
      if (!r->visible) continue;
      for (size_t m = 0; m < specs[k].metrics.size(); ++m) {
        const MetricColumn* column = r->metric(specs[k].metrics[m]);
        if (!column) continue;
        PlotSeries ps;
        ps.raw = &column->raw;
        const std::string metric = specs[k].metrics[m];
        const bool sparse = metric == "val_loss" || metric == "val_acc";  // every eval_every steps
        ps.smoothed = specs[k].smooth && !sparse && settings_.smoothing > 0 ? &column->smoothed : nullptr;
        ps.colour = colour_of(r->colour, m == 0 ? 0.0f : 0.45f);
        ps.label = "#" + std::to_string(r->run_id) + " " + specs[k].metrics[m];
        ps.markers = sparse;
        per_plot[k].push_back(ps);
        everything.push_back(ps);
      }
    }
  }
  fit_shared_x(shared_x_, everything);

  // A grid of plots, two per row, scrolling when the window is short.
  // While the pointer is on a plot the wheel zooms it; the grid must not scroll at the same time.
  ImGui::BeginChild("##plots", {0, 0}, false, shared_x_.hovering ? ImGuiWindowFlags_NoScrollWithMouse : 0);
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float width = (ImGui::GetContentRegionAvail().x - spacing) / 2;
  const float height = std::max(180.0f, (ImGui::GetContentRegionAvail().y - 3 * ImGui::GetStyle().ItemSpacing.y) / 3.2f);
  const bool apply_log_y = applied_log_y_ != static_cast<int>(settings_.log_y);  // else each plot's menu rules
  applied_log_y_ = static_cast<int>(settings_.log_y);
  for (size_t k = 0; k < specs.size(); ++k) {
    PlotState& state = plot_states_[k];
    if (apply_log_y) {
      state.y_scale = settings_.log_y && specs[k].log_y ? plot::Scale::log10 : plot::Scale::linear;
      state.y_auto = true;
    }
    const bool wide = k == 0;  // the loss gets a whole row
    if (k > 0 && k % 2 == 0) ImGui::SameLine();
    PlotActions actions;
    DrawPlot(state, shared_x_, per_plot[k], {wide ? 2 * width + spacing : width, wide ? height * 1.3f : height}, &actions);
    if (plot_export_requested_ == static_cast<int>(k)) {  // the demo script's "export_plot"
      actions.save_png = actions.save_csv = true;
      plot_export_requested_ = -1;
    }
    if (actions.save_png) request_pixels({export_path(state.title, ".png"), actions.rect_min, actions.rect_max});
    if (actions.save_csv) export_plot_csv(state.title, per_plot[k]);
  }
  ImGui::EndChild();
}

}  // namespace limuon::gui
