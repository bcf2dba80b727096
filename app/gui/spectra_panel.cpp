// What a rank-r sketch keeps: for one matrix, the singular values of the applied update (or of the
// momentum) over time as a heatmap, the latest spectrum of every shown run on a log scale with the
// rank-r cut marked, and the share of the momentum's energy the rank-r factors capture over time.
// Muon's update shows as a flat line; LiMuon rank r as r values and then a drop.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "gui/app.hpp"
#include "gui/plot/colours.hpp"
#include "gui/plot/format.hpp"

namespace limuon::gui {

namespace {

const char* kKinds[] = {"update", "momentum"};

ImU32 colour_of(int index) {
  const plot::Rgb c = plot::run_colour(index);
  return ImGui::ColorConvertFloat4ToU32({c.r, c.g, c.b, 1});
}

const std::vector<SpectrumFrame>* frames_of(const RunData& r, const std::string& param, const char* kind) {
  const auto p = r.spectra.find(param);
  if (p == r.spectra.end()) return nullptr;
  const auto k = p->second.find(kind);
  return k == p->second.end() || k->second.empty() ? nullptr : &k->second;
}

}  // namespace

void App::draw_spectra() {
  // The run whose heatmap is shown: the live one unless the user picked another.
  std::vector<RunData*> with_spectra;
  for (auto& r : runs_)
    if (!r->spectra.empty()) with_spectra.push_back(r.get());
  if (with_spectra.empty()) {
    ImGui::TextDisabled("No spectra yet. A run records them every spectrum_every steps (%lld in the run panel).",
                        static_cast<long long>(settings_.run.spectrum_every));
    return;
  }
  RunData* chosen = nullptr;
  for (RunData* r : with_spectra)
    if (r->run_id == (spectra_run_ < 0 ? live_run_id_ : spectra_run_)) chosen = r;
  if (!chosen) chosen = with_spectra.front();
  ImGui::SetNextItemWidth(280);
  if (ImGui::BeginCombo("run", ("#" + std::to_string(chosen->run_id) + " " + chosen->name).c_str())) {
    for (RunData* r : with_spectra)
      if (ImGui::Selectable(("#" + std::to_string(r->run_id) + " " + r->name).c_str(), r == chosen)) {
        spectra_run_ = r->run_id;
        chosen = r;
      }
    ImGui::EndCombo();
  }
  if (!chosen->spectra.count(spectra_param_)) spectra_param_ = chosen->spectra.begin()->first;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(260);
  if (ImGui::BeginCombo("matrix", spectra_param_.c_str())) {
    for (const auto& [param, kinds] : chosen->spectra)
      if (ImGui::Selectable(param.c_str(), param == spectra_param_)) spectra_param_ = param;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::RadioButton("update", &spectra_kind_, 0);
  ImGui::SameLine();
  ImGui::RadioButton("momentum", &spectra_kind_, 1);
  const char* kind = kKinds[spectra_kind_];
  const int64_t rank = chosen->config.optimizer == "limuon" ? chosen->config.rank : 0;

  // Heatmap: step across, singular-value index down.
  const std::vector<SpectrumFrame>* frames = frames_of(*chosen, spectra_param_, kind);
  heatmap_.update(frames, settings_.db_path + "/" + std::to_string(chosen->run_id) + "/" + spectra_param_ + "/" + kind);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float heat_w = avail.x * 0.5f - 8, heat_h = std::max(160.0f, avail.y * 0.55f);
  ImGui::BeginGroup();
  ImGui::Text("%s singular values over time (log colour)", kind);
  if (frames && heatmap_.rows() > 0) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Image(heatmap_.texture(), {heat_w, heat_h - 40});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (rank > 0 && rank < heatmap_.rows()) {  // the rank-r cut as a line across the heatmap
      const float y = at.y + (heat_h - 40) * static_cast<float>(rank) / static_cast<float>(heatmap_.rows());
      dl->AddLine({at.x, y}, {at.x + heat_w, y}, IM_COL32(255, 196, 64, 230), 1.5f);
      dl->AddText({at.x + 4, y + 2}, IM_COL32(255, 196, 64, 255), ("rank " + std::to_string(rank)).c_str());
    }
    if (ImGui::IsItemHovered()) {
      const ImVec2 m = ImGui::GetIO().MousePos;
      const int col = std::clamp(static_cast<int>((m.x - at.x) / heat_w * heatmap_.columns()), 0, heatmap_.columns() - 1);
      const int row = std::clamp(static_cast<int>((m.y - at.y) / (heat_h - 40) * heatmap_.rows()), 0, heatmap_.rows() - 1);
      const auto& f = (*frames)[heatmap_.frame_of_column(col)];
      if (row < static_cast<int>(f.values.size()))
        ImGui::SetTooltip("step %lld, singular value %d: %.4g", static_cast<long long>(f.step), row + 1, f.values[row]);
    }
    ImGui::TextDisabled("steps %lld .. %lld, %d values; colour 1e%.1f (dark) .. 1e%.1f (yellow)",
                        static_cast<long long>(frames->front().step), static_cast<long long>(frames->back().step),
                        heatmap_.rows(), heatmap_.log_min(), heatmap_.log_max());
  } else {
    ImGui::TextDisabled("no %s spectra for this matrix", kind);
  }
  ImGui::EndGroup();

  // Latest spectrum of every shown run for this matrix: the shapes side by side.
  ImGui::SameLine();
  std::vector<plot::Series> latest;
  latest.reserve(runs_.size());
  std::vector<PlotSeries> lines;
  double y_lo = std::numeric_limits<double>::infinity(), y_hi = 0, x_hi = 1;
  for (auto& r : runs_) {
    if (!r->visible && r.get() != chosen) continue;
    const auto* fr = frames_of(*r, spectra_param_, kind);
    if (!fr) continue;
    latest.emplace_back();
    for (size_t i = 0; i < fr->back().values.size(); ++i) {
      const double v = fr->back().values[i];
      latest.back().append(static_cast<double>(i + 1), v);
      if (v > 0 && std::isfinite(v)) y_lo = std::min(y_lo, v), y_hi = std::max(y_hi, v);
    }
    x_hi = std::max(x_hi, static_cast<double>(fr->back().values.size()));
    lines.push_back({&latest.back(), nullptr, colour_of(r->colour), "#" + std::to_string(r->run_id) + " step " +
                                                                     std::to_string(fr->back().step), true});
  }
  y_lo = std::max(y_lo, y_hi * 1e-6);  // six decades: further down is rounding noise
  const plot::Axis index_axis{{0.5, x_hi + 0.5}, plot::Scale::linear};
  const plot::Axis value_axis{plot::fit_minmax(std::isfinite(y_lo) ? y_lo : 1, y_hi > 0 ? y_hi : 10, plot::Scale::log10),
                              plot::Scale::log10};
  const std::string cut = "rank " + std::to_string(rank);
  DrawStaticPlot("##latest", std::string("latest ") + kind + " spectrum (index, log y)", index_axis, value_axis, lines,
                 {0, heat_h}, rank > 0 ? static_cast<double>(rank) + 0.5 : NAN, rank > 0 ? cut.c_str() : nullptr);

  // The momentum energy the rank-r factors hold, for every shown LiMuon rank-r run.
  std::vector<plot::Series> energy;
  energy.reserve(runs_.size());
  std::vector<PlotSeries> energy_lines;
  double step_hi = 1;
  for (auto& r : runs_) {
    if (!r->visible && r.get() != chosen) continue;
    const auto* fr = frames_of(*r, spectra_param_, "momentum");
    if (!fr) continue;
    energy.emplace_back();
    for (const auto& f : *fr)
      if (f.energy_fraction >= 0) energy.back().append(static_cast<double>(f.step), f.energy_fraction);
    if (energy.back().size() == 0) {
      energy.pop_back();
      continue;
    }
    step_hi = std::max(step_hi, energy.back().xs().back());
    energy_lines.push_back({&energy.back(), nullptr, colour_of(r->colour), "#" + std::to_string(r->run_id) + " energy", true});
  }
  if (energy_lines.empty()) {
    ImGui::TextDisabled("Energy captured by the rank-r momentum: only LiMuon runs with rank > 0 have it.");
    return;
  }
  DrawStaticPlot("##energy", "share of the momentum's energy in its rank-r factors", {{0, step_hi}, plot::Scale::linear},
                 {{0, 1.02}, plot::Scale::linear}, energy_lines, {0, std::max(140.0f, ImGui::GetContentRegionAvail().y)},
                 NAN, nullptr);
}

}  // namespace limuon::gui
