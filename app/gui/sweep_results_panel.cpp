// The Sweeps tab, part 2: a sweep's results judged at equal cost (equal steps, equal gradient evaluations
// or equal wall time: a LiMuon step costs two gradients). A table sortable by any column, a heatmap of the
// final validation loss over two grid axes for each value of the others (best cell outlined), and parallel
// coordinates with one line per run coloured by its loss, where dragging along an axis keeps the runs in
// that range. Clicking a cell, a line or "Overlay" shows those runs in the plots. The values are read by the
// StoreReader's worker (store::compare_runs); the views are the engine's pure functions (sweep/results.hpp).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "gui/app.hpp"
#include "gui/plot/colours.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::gui {

namespace {

const char* kBasisNames[] = {"equal steps", "equal gradient evaluations", "equal wall time"};

std::string setting_text(const train::RunConfig& config, const std::string& key) {
  const train::Setting* s = train::find_setting(key);
  return s ? s->value(config) : "";
}

ImU32 heat(double t, float alpha = 1) {
  const plot::Rgb c = plot::heat_colour(t);
  return ImGui::ColorConvertFloat4ToU32({c.r, c.g, c.b, alpha});
}

// Low loss is good: it gets the bright end of the colour map.
double shade(std::optional<double> v, double lo, double hi) {
  if (!v || !(hi > lo)) return 0.5;
  return 1.0 - (*v - lo) / (hi - lo);
}

}  // namespace

void App::take_sweep_results(SweepResults results) {
  if (results.db_path != settings_.db_path || results.sweep_id != sweep_.results_sweep_id || results.basis != sweep_.basis)
    return;  // an answer to an older question
  if (!results.error.empty()) post_message(results.error, true);
  sweep_.results = std::move(results.runs);
  sweep_.results_limit = results.limit;
  sweep_.results_db = results.db_path;
  const auto keys = sweep::varying_keys(sweep_.results);
  const auto has = [&](const std::string& k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  if (!has(sweep_.heat_x) || !has(sweep_.heat_y)) std::tie(sweep_.heat_x, sweep_.heat_y) = sweep::default_heatmap_axes(sweep_.results);
  sweep_.brushes.assign(keys.size() + 1, std::nullopt);
  dirty_ = true;
}

void App::draw_sweep_results() {
  SweepPanelState& s = sweep_;
  // Which sweep: the one the window ran last, or any sweep of the open database's list.
  std::set<int64_t> sweeps;
  for (const auto& row : run_list_.rows)
    if (row.record.sweep_id) sweeps.insert(*row.record.sweep_id);
  if (s.results_sweep_id > 0) sweeps.insert(s.results_sweep_id);
  if (sweeps.empty()) {
    ImGui::TextDisabled("No sweep in this database yet: design one and start it, or run `limuon-lab sweep FILE --db %s`.",
                        settings_.db_path.c_str());
    return;
  }
  if (s.results_sweep_id == 0) s.results_sweep_id = *sweeps.rbegin();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::BeginCombo("sweep", ("#" + std::to_string(s.results_sweep_id)).c_str())) {
    for (int64_t id : sweeps)
      if (ImGui::Selectable(("#" + std::to_string(id)).c_str(), id == s.results_sweep_id)) {
        s.results_sweep_id = id;
        s.results_requested = false;
      }
    ImGui::EndCombo();
  }
  for (int b = 0; b < 3; ++b) {
    ImGui::SameLine(0, b == 0 ? 24 : 12);
    if (ImGui::RadioButton(kBasisNames[b], s.basis == b)) {
      s.basis = b;
      s.results_requested = false;
    }
  }
  ImGui::SameLine(0, 24);
  if (ImGui::Button("Refresh")) s.results_requested = false;
  if (!s.results_requested) {
    reader_.request_sweep_results(settings_.db_path, s.results_sweep_id, s.basis);
    s.results_requested = true;
  }
  if (s.results.empty()) {
    ImGui::TextDisabled(reader_.busy() ? "reading..." : "This sweep has no runs with settings this build can read.");
    return;
  }
  const char* unit = s.basis == 0 ? "steps" : s.basis == 1 ? "gradient evaluations" : "s";
  ImGui::TextDisabled("Final validation loss of each run at %.6g %s, the most every run of the sweep reached.",
                      s.results_limit, unit);
  const auto keys = sweep::varying_keys(s.results);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& r : s.results)
    if (r.value) lo = std::min(lo, *r.value), hi = std::max(hi, *r.value);
  auto overlay_only = [&](const std::vector<int64_t>& ids) {
    for (const auto& r : s.results) set_overlay(r.run_id, std::find(ids.begin(), ids.end(), r.run_id) != ids.end());
    post_message(std::to_string(ids.size()) + " run(s) of the sweep overlaid in the plots");
  };

  // [SECTION] table
  const float table_height = std::min(ImGui::GetContentRegionAvail().y * 0.3f, ImGui::GetFontSize() * 12);
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Sortable |
                                ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
  if (ImGui::BeginTable("##results", static_cast<int>(keys.size()) + 2, flags, {0, table_height})) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("run");
    for (const auto& k : keys) ImGui::TableSetupColumn(k.c_str());
    ImGui::TableSetupColumn("val loss", ImGuiTableColumnFlags_DefaultSort);
    ImGui::TableHeadersRow();
    std::vector<size_t> order(s.results.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (const ImGuiTableSortSpecs* spec = ImGui::TableGetSortSpecs(); spec && spec->SpecsCount > 0) {
      const int column = spec->Specs[0].ColumnIndex;
      const bool descending = spec->Specs[0].SortDirection == ImGuiSortDirection_Descending;
      const auto number = [](const std::string& t) { return std::strtod(t.c_str(), nullptr); };
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const auto& ra = s.results[a];
        const auto& rb = s.results[b];
        if (column == 0) return descending ? ra.run_id > rb.run_id : ra.run_id < rb.run_id;
        if (column == static_cast<int>(keys.size()) + 1) {  // runs without a value last, either way
          if (!ra.value || !rb.value) return ra.value.has_value() && !rb.value.has_value();
          return descending ? *ra.value > *rb.value : *ra.value < *rb.value;
        }
        const std::string& key = keys[static_cast<size_t>(column - 1)];
        const std::string ta = setting_text(ra.config, key), tb = setting_text(rb.config, key);
        const bool numeric = train::find_setting(key) && train::find_setting(key)->is_number();
        const bool less = numeric ? number(ta) < number(tb) : ta < tb;
        const bool more = numeric ? number(tb) < number(ta) : tb < ta;
        return descending ? more : less;
      });
    }
    for (size_t i : order) {
      const auto& r = s.results[i];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const plot::Rgb c = plot::run_colour(static_cast<int>(r.run_id));
      ImGui::PushID(static_cast<int>(r.run_id));
      ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(c.r, c.g, c.b, 1));
      if (ImGui::Selectable(std::to_string(r.run_id).c_str(), false, ImGuiSelectableFlags_SpanAllColumns))
        overlay_only({r.run_id});
      ImGui::PopStyleColor();
      ImGui::PopID();
      for (const auto& k : keys) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(setting_text(r.config, k).c_str());
      }
      ImGui::TableNextColumn();
      if (r.value) ImGui::Text("%.4f", *r.value);
      else ImGui::TextDisabled("none");
    }
    ImGui::EndTable();
  }

  // [SECTION] heatmap
  if (keys.empty()) return;
  ImGui::Spacing();
  auto key_combo = [&](const char* label, std::string& chosen) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    if (ImGui::BeginCombo(label, chosen.empty() ? "(none)" : chosen.c_str())) {
      for (const auto& k : keys)
        if (ImGui::Selectable(k.c_str(), k == chosen)) chosen = k;
      ImGui::EndCombo();
    }
  };
  ImGui::TextUnformatted("Heatmap:");
  ImGui::SameLine();
  key_combo("across", s.heat_x);
  ImGui::SameLine();
  key_combo("down", s.heat_y);
  ImGui::SameLine();
  ImGui::TextDisabled("(seeds averaged; the best cell outlined; click a cell to overlay its runs)");
  const auto panels = sweep::heatmap(s.results, s.heat_x, s.heat_y, true);
  const float cell_w = ImGui::GetFontSize() * 4.2f, cell_h = ImGui::GetFontSize() * 1.8f;
  const float label_w = ImGui::GetFontSize() * 4.5f;
  ImGui::BeginChild("##heatmaps", {0, std::max(ImGui::GetContentRegionAvail().y * 0.45f, cell_h * 4)}, false,
                    ImGuiWindowFlags_HorizontalScrollbar);
  for (size_t p = 0; p < panels.size(); ++p) {
    const auto& panel = panels[p];
    if (p > 0) ImGui::SameLine(0, 24);
    ImGui::BeginGroup();
    std::string title;
    for (const auto& [k, v] : panel.fixed) title += (title.empty() ? "" : ", ") + k + " " + v;
    ImGui::TextUnformatted(title.empty() ? "all runs" : title.c_str());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const size_t nx = panel.x_values.size(), ny = panel.y_values.size();
    for (size_t y = 0; y < ny; ++y)
      dl->AddText({origin.x, origin.y + cell_h * (y + 0.5f) - ImGui::GetFontSize() / 2}, IM_COL32(200, 200, 200, 255),
                  panel.y_values[y].c_str());
    for (size_t x = 0; x < nx; ++x)
      dl->AddText({origin.x + label_w + cell_w * x + 4, origin.y + cell_h * ny + 2}, IM_COL32(200, 200, 200, 255),
                  panel.x_values[x].c_str());
    for (size_t y = 0; y < ny; ++y)
      for (size_t x = 0; x < nx; ++x) {
        const auto& cell = panel.cells[y * nx + x];
        const ImVec2 a{origin.x + label_w + cell_w * x, origin.y + cell_h * y}, b{a.x + cell_w - 2, a.y + cell_h - 2};
        ImGui::SetCursorScreenPos(a);
        ImGui::PushID(static_cast<int>(p * 10000 + y * 100 + x));
        if (ImGui::InvisibleButton("##cell", {cell_w - 2, cell_h - 2}) && !cell.run_ids.empty()) overlay_only(cell.run_ids);
        const bool hovered = ImGui::IsItemHovered();
        ImGui::PopID();
        if (cell.run_ids.empty()) continue;
        dl->AddRectFilled(a, b, cell.mean ? heat(shade(cell.mean, lo, hi)) : IM_COL32(90, 40, 40, 255));
        char text[32];
        if (cell.mean) std::snprintf(text, sizeof text, "%.3f", *cell.mean);
        else std::snprintf(text, sizeof text, "diverged");
        const double t = shade(cell.mean, lo, hi);
        dl->AddText({a.x + 6, a.y + (cell_h - ImGui::GetFontSize()) / 2 - 1},
                    cell.mean && t > 0.6 ? IM_COL32(20, 20, 20, 255) : IM_COL32(240, 240, 240, 255), text);
        if (static_cast<int>(y * nx + x) == panel.best) dl->AddRect(a, b, IM_COL32(255, 255, 255, 255), 0, 0, 3);
        if (hovered)
          ImGui::SetTooltip("%zu run(s), %d with a loss; click to overlay them", cell.run_ids.size(), cell.count);
      }
    ImGui::SetCursorScreenPos({origin.x, origin.y + cell_h * (ny + 1) + 4});
    ImGui::Dummy({label_w + cell_w * nx, 0});
    ImGui::EndGroup();
  }
  ImGui::EndChild();

  // [SECTION] parallel coordinates
  ImGui::TextUnformatted("Parallel coordinates:");
  ImGui::SameLine();
  ImGui::TextDisabled("drag along an axis to keep a range, click it to clear; click a line to overlay that run");
  const sweep::ParallelData data = sweep::parallel_coordinates(s.results);
  if (s.brushes.size() != data.axes.size()) s.brushes.assign(data.axes.size(), std::nullopt);
  const std::vector<int64_t> kept = sweep::filter_runs(data, s.brushes);
  const ImVec2 size{ImGui::GetContentRegionAvail().x, std::max(ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing(), 120.0f)};
  const ImVec2 top_left = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##parallel", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const size_t n_axes = data.axes.size();
  const float margin_x = ImGui::GetFontSize() * 3, margin_top = ImGui::GetFontSize() * 1.5f,
              margin_bottom = ImGui::GetFontSize() * 1.5f;
  const float height = size.y - margin_top - margin_bottom;
  auto axis_x = [&](size_t i) {
    return top_left.x + margin_x + (n_axes > 1 ? (size.x - 2 * margin_x) * i / (n_axes - 1) : 0.f);
  };
  auto to_y = [&](double pos) { return top_left.y + margin_top + static_cast<float>((1 - pos) * height); };
  auto from_y = [&](float y) { return std::clamp(1.0 - (y - top_left.y - margin_top) / height, 0.0, 1.0); };
  dl->PushClipRect(top_left, {top_left.x + size.x, top_left.y + size.y}, true);
  for (int pass = 0; pass < 2; ++pass)  // the runs the brushes drop first and faint, the kept ones over them
    for (size_t r = 0; r < data.run_ids.size(); ++r) {
      const bool keep = std::find(kept.begin(), kept.end(), data.run_ids[r]) != kept.end();
      if (keep != (pass == 1)) continue;
      const double c = data.colour[r];
      const ImU32 colour = std::isnan(c) ? IM_COL32(150, 70, 70, keep ? 220 : 40) : heat(c, keep ? 0.95f : 0.15f);
      for (size_t a = 0; a + 1 < n_axes; ++a)
        dl->AddLine({axis_x(a), to_y(data.positions[r][a])}, {axis_x(a + 1), to_y(data.positions[r][a + 1])}, colour,
                    keep ? 2.0f : 1.0f);
    }
  for (size_t a = 0; a < n_axes; ++a) {
    const auto& axis = data.axes[a];
    const float x = axis_x(a);
    dl->AddLine({x, to_y(1)}, {x, to_y(0)}, IM_COL32(200, 200, 200, 255), 1.5f);
    const std::string name = axis.key == "value" ? "val loss" : axis.key;
    dl->AddText({x - ImGui::CalcTextSize(name.c_str()).x / 2, top_left.y + 2}, IM_COL32(230, 230, 230, 255), name.c_str());
    auto label = [&](double pos, const std::string& text) {
      dl->AddText({x + 5, to_y(pos) - ImGui::GetFontSize() / 2}, IM_COL32(170, 170, 170, 255), text.c_str());
    };
    if (axis.categorical) {
      for (size_t k = 0; k < axis.categories.size(); ++k)
        label(axis.categories.size() == 1 ? 0.5 : double(k) / double(axis.categories.size() - 1), axis.categories[k]);
    } else {
      label(0, train::format_number(axis.lo));
      label(1, train::format_number(axis.hi));
    }
    if (s.brushes[a]) {
      const auto [b0, b1] = *s.brushes[a];
      dl->AddRectFilled({x - 6, to_y(std::max(b0, b1))}, {x + 6, to_y(std::min(b0, b1))}, IM_COL32(255, 255, 255, 70));
    }
  }
  dl->PopClipRect();
  // Brushing: a press near an axis starts a range there; a press elsewhere picks the nearest line.
  const ImVec2 mouse = ImGui::GetMousePos();
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    s.dragging_axis = -1;
    for (size_t a = 0; a < n_axes; ++a)
      if (std::abs(mouse.x - axis_x(a)) < 10) {
        s.dragging_axis = static_cast<int>(a);
        s.drag_from = from_y(mouse.y);
      }
    if (s.dragging_axis < 0 && n_axes > 1) {
      size_t seg = 0;
      while (seg + 2 < n_axes && mouse.x > axis_x(seg + 1)) ++seg;
      const float t = std::clamp((mouse.x - axis_x(seg)) / (axis_x(seg + 1) - axis_x(seg)), 0.f, 1.f);
      int best = -1;
      float best_distance = 8;
      for (size_t r = 0; r < data.run_ids.size(); ++r) {
        const float y = to_y(data.positions[r][seg]) * (1 - t) + to_y(data.positions[r][seg + 1]) * t;
        if (std::abs(y - mouse.y) < best_distance) best_distance = std::abs(y - mouse.y), best = static_cast<int>(r);
      }
      if (best >= 0) overlay_only({data.run_ids[static_cast<size_t>(best)]});
    }
  }
  if (s.dragging_axis >= 0) {
    const double now = from_y(mouse.y);
    const auto axis = static_cast<size_t>(s.dragging_axis);
    if (std::abs(now - s.drag_from) > 0.01) s.brushes[axis] = std::make_pair(s.drag_from, now);
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      if (std::abs(now - s.drag_from) <= 0.01) s.brushes[axis].reset();  // a click clears the range
      s.dragging_axis = -1;
    }
  }
  ImGui::Text("%zu of %zu runs kept", kept.size(), data.run_ids.size());
  ImGui::SameLine();
  if (ImGui::SmallButton("Overlay them")) overlay_only(kept);
  ImGui::SameLine();
  if (ImGui::SmallButton("Clear the ranges")) s.brushes.assign(n_axes, std::nullopt);
}

}  // namespace limuon::gui
