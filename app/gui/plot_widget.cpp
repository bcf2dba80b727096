#include "gui/plot_widget.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gui/plot/decimate.hpp"
#include "gui/plot/format.hpp"
#include "gui/plot/hit_test.hpp"
#include "gui/plot/ticks.hpp"
#include "gui/theme.hpp"

// [SECTION] frame and axes
// [SECTION] series: polylines, envelopes, markers
// [SECTION] gestures and crosshair
// [SECTION] public entry points

namespace limuon::gui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Gutters for tick labels and the title at the normal 15 px text; they grow with the font (presenter).
constexpr float kLeftGutter = 52, kBottomGutter = 18, kTopGutter = 20, kRightGutter = 8;
// One AddPolyline call per chunk: an anti-aliased thick line takes a few vertices per point, and one
// reservation must stay under 65,536 vertices with ImGui's 16-bit indices.
constexpr size_t kPointsPerChunk = 4000;

PlotLook g_look;

// Frame, grid and labels; brighter in high contrast, where a projector washes faint lines out.
ImU32 frame_colour() { return g_look.high_contrast ? IM_COL32(255, 255, 255, 110) : IM_COL32(255, 255, 255, 30); }
ImU32 grid_colour() { return g_look.high_contrast ? IM_COL32(255, 255, 255, 60) : IM_COL32(255, 255, 255, 22); }
ImU32 axis_text_colour() { return g_look.high_contrast ? IM_COL32(235, 238, 245, 255) : IM_COL32(170, 174, 182, 255); }
ImU32 title_colour() { return g_look.high_contrast ? IM_COL32(255, 255, 255, 255) : IM_COL32(225, 228, 235, 255); }
const ImU32 kNonFinite = IM_COL32(255, 80, 80, 255);

// The text size over the normal 15 px: gutters and tick spacing follow it.
float em() { return ImGui::GetFontSize() / 15.0f; }

ImU32 with_alpha(ImU32 colour, float alpha) {
  ImVec4 c = ImGui::ColorConvertU32ToFloat4(colour);
  c.w *= alpha;
  return ImGui::ColorConvertFloat4ToU32(c);
}

// Where the data goes inside the item: the item rect minus the gutters for tick labels and title.
struct Frame {
  ImVec2 min, max;  // data area
  plot::Axis x, y;
  float width() const { return max.x - min.x; }
  float height() const { return max.y - min.y; }
  float px(double v) const { return min.x + static_cast<float>(plot::to_unit(x, v)) * width(); }
  float py(double v) const { return max.y - static_cast<float>(plot::to_unit(y, v)) * height(); }
  double data_x(float sx) const { return plot::from_unit(x, (sx - min.x) / width()); }
  double data_y(float sy) const { return plot::from_unit(y, (max.y - sy) / height()); }
  bool contains(ImVec2 p) const { return p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y; }
};

void draw_axes(ImDrawList* dl, const Frame& f, const std::string& title) {
  // An outline, not a fill: under a software renderer (llvmpipe, Xvfb) every filled pixel costs the
  // training CPU time, and the window's clear colour is already the plot's background.
  const ImU32 grid = grid_colour(), text = axis_text_colour();
  dl->AddRect(f.min, f.max, frame_colour(), 3.0f);
  const float font = ImGui::GetFontSize();
  for (const auto& t : plot::ticks(f.x, f.width(), 90 * em())) {
    const float sx = f.px(t.value);
    dl->AddLine({sx, f.min.y}, {sx, f.max.y}, t.major ? grid : with_alpha(grid, 0.5f));
    if (t.label.empty()) continue;
    const float w = ImGui::CalcTextSize(t.label.c_str()).x;
    const float lx = std::clamp(sx - w / 2, f.min.x, f.max.x - w);
    dl->AddText({lx, f.max.y + 2}, text, t.label.c_str());
  }
  for (const auto& t : plot::ticks(f.y, f.height(), font * 2.2f)) {
    const float sy = f.py(t.value);
    dl->AddLine({f.min.x, sy}, {f.max.x, sy}, t.major ? grid : with_alpha(grid, 0.5f));
    if (t.label.empty()) continue;
    const ImVec2 size = ImGui::CalcTextSize(t.label.c_str());
    const float ly = std::clamp(sy - size.y / 2, f.min.y - 2, f.max.y - size.y + 2);
    dl->AddText({f.min.x - size.x - 5, ly}, text, t.label.c_str());
  }
  // Clipped to the plot's width: a long title in large (presenter) text must not run into the next plot.
  const ImVec2 at{f.min.x + 2, f.min.y - kTopGutter * em() + 2};
  const ImVec4 clip{at.x, at.y, f.max.x, f.min.y};
  dl->AddText(title_font(), ImGui::GetFontSize(), at, title_colour(), title.c_str(), nullptr, 0.0f, &clip);
}

// [SECTION] series

void stroke(ImDrawList* dl, std::vector<ImVec2>& points, ImU32 colour, float thickness) {
  for (size_t first = 0; first + 1 < points.size(); first += kPointsPerChunk - 1) {
    const size_t count = std::min(kPointsPerChunk, points.size() - first);
    dl->AddPolyline(points.data() + first, static_cast<int>(count), colour, 0, thickness);
  }
  points.clear();
}

// A series as a polyline where few points are visible, else as one min-max column per pixel, so a
// spike among a million points still shows. Non-finite values break the line.
void draw_curve(ImDrawList* dl, const Frame& f, const plot::Series& s, ImU32 colour, float thickness) {
  if (s.size() == 0) return;
  const bool positive_only = f.y.scale == plot::Scale::log10;
  const plot::IndexRange r = plot::visible(s, f.x.range);
  std::vector<ImVec2> points;
  const int width = std::max(1, static_cast<int>(f.width()));
  if (plot::draw_as_polyline(r, width)) {
    points.reserve(r.last - r.first);
    for (size_t i = r.first; i < r.last; ++i) {
      const double xv = s.xs()[i], yv = s.ys()[i];
      if (!plot::representable(f.y.scale, yv) || !plot::representable(f.x.scale, xv)) {
        stroke(dl, points, colour, thickness);
        continue;
      }
      points.push_back({f.px(xv), f.py(yv)});
    }
    if (points.size() == 1) dl->AddCircleFilled(points[0], thickness + 1, colour);
    stroke(dl, points, colour, thickness);
    return;
  }
  const auto columns = plot::envelope(s, f.x, width, positive_only);
  points.reserve(columns.size() * 4);
  int previous_px = -2;
  for (const auto& c : columns) {
    if (c.px != previous_px + 1) stroke(dl, points, colour, thickness);  // a gap in x: no bridge
    previous_px = c.px;
    const float sx = f.min.x + static_cast<float>(c.px) + 0.5f;
    points.push_back({sx, f.py(c.y_first)});
    points.push_back({sx, f.py(c.y_min)});
    points.push_back({sx, f.py(c.y_max)});
    points.push_back({sx, f.py(c.y_last)});
  }
  stroke(dl, points, colour, thickness);
}

void draw_markers(ImDrawList* dl, const Frame& f, const plot::Series& s, ImU32 colour) {
  const plot::IndexRange r = plot::visible(s, f.x.range);
  if (r.last - r.first > static_cast<size_t>(f.width()) / 3) return;  // too dense to be useful
  for (size_t i = r.first; i < r.last; ++i)
    if (plot::representable(f.y.scale, s.ys()[i]))
      dl->AddCircleFilled({f.px(s.xs()[i]), f.py(s.ys()[i])}, 1.0f + g_look.line_px, colour);
}

// Non-finite values cannot be drawn as values: a red mark on the top edge says where they were.
void draw_nonfinite(ImDrawList* dl, const Frame& f, const plot::Series& s) {
  float last_px = -1e9f;
  const auto& bad = s.nonfinite();
  const double lo = f.x.range.lo, hi = f.x.range.hi;
  for (auto it = std::lower_bound(bad.begin(), bad.end(), s.lower_bound(lo)); it != bad.end(); ++it) {
    const double xv = s.xs()[*it];
    if (xv > hi) break;
    const float sx = f.px(xv);
    if (sx - last_px < 3) continue;
    last_px = sx;
    dl->AddTriangleFilled({sx - 4, f.min.y}, {sx + 4, f.min.y}, {sx, f.min.y + 7}, kNonFinite);
  }
}

plot::Range y_extent(const std::vector<PlotSeries>& series, const plot::Axis& x, plot::Scale scale) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& ps : series) {
    for (const plot::Series* s : {ps.raw, ps.smoothed}) {
      if (!s || s->size() == 0) continue;
      const plot::IndexRange r = plot::visible(*s, x.range);
      if (r.first >= r.last) continue;
      const auto mm = scale == plot::Scale::log10 ? s->minmax_positive(r.first, r.last) : s->minmax(r.first, r.last);
      if (!mm.any) continue;
      lo = std::min(lo, mm.min);
      hi = std::max(hi, mm.max);
    }
  }
  if (!(lo <= hi)) return plot::fit({}, scale);
  return plot::fit_minmax(lo, hi, scale, 0.06);
}

void draw_series(ImDrawList* dl, const Frame& f, const std::vector<PlotSeries>& series) {
  const float thick = g_look.line_px;
  for (const auto& ps : series) {
    if (!ps.raw) continue;
    if (ps.smoothed) {  // the raw curve stays, faint
      draw_curve(dl, f, *ps.raw, with_alpha(ps.colour, 0.28f), std::max(1.0f, thick * 0.6f));
      draw_curve(dl, f, *ps.smoothed, ps.colour, thick);
    } else {
      draw_curve(dl, f, *ps.raw, ps.colour, thick);
    }
    if (ps.markers) draw_markers(dl, f, *ps.raw, ps.colour);
    draw_nonfinite(dl, f, *ps.raw);
  }
}

// [SECTION] crosshair

void draw_crosshair(ImDrawList* dl, const Frame& f, const std::vector<PlotSeries>& series, double x_value,
                    bool tooltip) {
  const float sx = f.px(x_value);
  if (!(sx >= f.min.x && sx <= f.max.x)) return;
  dl->AddLine({sx, f.min.y}, {sx, f.max.y}, IM_COL32(255, 255, 255, 90));
  if (tooltip) ImGui::BeginTooltip();
  for (const auto& ps : series) {
    if (!ps.raw) continue;
    const size_t i = plot::nearest_index(*ps.raw, x_value);
    if (i == plot::npos) continue;
    const double xv = ps.raw->xs()[i], yv = ps.raw->ys()[i];
    if (plot::representable(f.y.scale, yv) && f.contains({f.px(xv), f.py(yv)}))
      dl->AddCircle({f.px(xv), f.py(yv)}, 2.0f + g_look.line_px, ps.colour, 12, g_look.line_px);
    if (!tooltip) continue;
    ImGui::ColorButton(("##c" + ps.label).c_str(), ImGui::ColorConvertU32ToFloat4(ps.colour),
                       ImGuiColorEditFlags_NoTooltip, {10, 10});
    ImGui::SameLine();
    const double smooth = ps.smoothed && i < ps.smoothed->size() ? ps.smoothed->ys()[i] : kNaN;
    if (std::isfinite(smooth) && ps.smoothed)
      ImGui::Text("%s  %.5g (smoothed %.5g)  at %.6g", ps.label.c_str(), yv, smooth, xv);
    else
      ImGui::Text("%s  %.5g  at %.6g", ps.label.c_str(), yv, xv);
  }
  if (tooltip) ImGui::EndTooltip();
}

// [SECTION] gestures

void handle_gestures(PlotState& state, SharedX& x, Frame& f, PlotActions* actions, const char* popup) {
  ImGuiIO& io = ImGui::GetIO();
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = io.MousePos;
  if (hovered && f.contains(mouse)) {
    x.hovering_next = true;
    x.hover_x_next = f.data_x(mouse.x);
  }
  if (hovered && io.MouseWheel != 0) {
    const double factor = std::pow(0.85, io.MouseWheel);
    const double ux = (mouse.x - f.min.x) / f.width(), uy = (f.max.y - mouse.y) / f.height();
    if (!io.KeyShift) {
      x.axis.range = plot::zoom(f.x, ux, factor);
      x.auto_fit = false;
    }
    if (!io.KeyCtrl) {
      state.y = plot::zoom(f.y, uy, factor);
      state.y_auto = false;
    }
  }
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
    x.auto_fit = true;
    state.y_auto = true;
  } else if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left) &&
             (io.MouseDelta.x != 0 || io.MouseDelta.y != 0)) {
    x.axis.range = plot::pan(f.x, -io.MouseDelta.x / f.width());
    state.y = plot::pan(f.y, io.MouseDelta.y / f.height());
    x.auto_fit = false;
    state.y_auto = false;
  }
  // Right button: a drag zooms to the box, a click opens the menu.
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
    state.box_active = true;
    state.box_from = mouse;
  }
  if (state.box_active) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(state.box_from, mouse, IM_COL32(120, 170, 255, 40));
    dl->AddRect(state.box_from, mouse, IM_COL32(120, 170, 255, 160));
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Right)) {
      state.box_active = false;
      const ImVec2 d{mouse.x - state.box_from.x, mouse.y - state.box_from.y};
      if (std::abs(d.x) < 4 && std::abs(d.y) < 4) {
        ImGui::OpenPopup(popup);
      } else {
        const auto ux = [&](float sx) { return (sx - f.min.x) / f.width(); };
        const auto uy = [&](float sy) { return (f.max.y - sy) / f.height(); };
        if (std::abs(d.x) >= 4) {
          x.axis.range = plot::span(f.x, ux(state.box_from.x), ux(mouse.x));
          x.auto_fit = false;
        }
        if (std::abs(d.y) >= 4) {
          state.y = plot::span(f.y, uy(state.box_from.y), uy(mouse.y));
          state.y_auto = false;
        }
      }
    }
  }
  if (ImGui::BeginPopup(popup)) {
    if (ImGui::MenuItem("Fit to data", "double click")) {
      x.auto_fit = true;
      state.y_auto = true;
    }
    bool log_y = state.y_scale == plot::Scale::log10;
    if (ImGui::MenuItem("Log y", nullptr, &log_y)) {
      state.y_scale = log_y ? plot::Scale::log10 : plot::Scale::linear;
      state.y_auto = true;
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Save as PNG") && actions) actions->save_png = true;
    if (ImGui::MenuItem("Save data as CSV") && actions) actions->save_csv = true;
    ImGui::EndPopup();
  }
}

// A size of 0 (or less) along an axis takes what the window has left.
ImVec2 usable_size(ImVec2 size) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = avail.x;
  if (size.y <= 0) size.y = avail.y;
  return {std::max(size.x, 120.0f), std::max(size.y, 80.0f)};
}

Frame layout(ImVec2 origin, ImVec2 size) {
  Frame f;
  const float k = em();
  f.min = {origin.x + kLeftGutter * k, origin.y + kTopGutter * k};
  f.max = {origin.x + size.x - kRightGutter, origin.y + size.y - kBottomGutter * k};
  if (f.max.x < f.min.x + 10) f.max.x = f.min.x + 10;
  if (f.max.y < f.min.y + 10) f.max.y = f.min.y + 10;
  return f;
}

}  // namespace

// [SECTION] public entry points

void set_plot_look(const PlotLook& look) { g_look = look; }
const PlotLook& plot_look() { return g_look; }

void fit_shared_x(SharedX& x, const std::vector<PlotSeries>& all) {
  if (!x.auto_fit) return;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& ps : all) {
    if (!ps.raw || ps.raw->size() == 0) continue;
    for (size_t i : {size_t{0}, ps.raw->size() - 1}) {
      const double v = ps.raw->xs()[i];
      if (!plot::representable(x.axis.scale, v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!(lo <= hi)) {
    x.axis.range = x.axis.scale == plot::Scale::log10 ? plot::Range{1, 10} : plot::Range{0, 1};
    return;
  }
  x.axis.range = plot::fit_minmax(lo, hi, x.axis.scale, 0.0);
}

void DrawPlot(PlotState& state, SharedX& x, const std::vector<PlotSeries>& series, ImVec2 size, PlotActions* actions) {
  ImGui::PushID(state.title.c_str());
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  size = usable_size(size);
  ImGui::InvisibleButton("##plot", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  Frame f = layout(origin, size);
  f.x = x.axis;
  f.y = {state.y, state.y_scale};
  if (state.y_auto) f.y.range = state.y = y_extent(series, f.x, state.y_scale);
  handle_gestures(state, x, f, actions, "##plotmenu");
  if (actions) {
    actions->rect_min = origin;
    actions->rect_max = {origin.x + size.x, origin.y + size.y};
  }

  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_axes(dl, f, state.title);
  dl->PushClipRect(f.min, f.max, true);
  draw_series(dl, f, series);
  if (x.hovering) draw_crosshair(dl, f, series, x.hover_x, ImGui::IsItemHovered() && !state.box_active);
  dl->PopClipRect();
  ImGui::PopID();
}

void DrawStaticPlot(const char* id, const std::string& title, plot::Axis x_axis, plot::Axis y_axis,
                    const std::vector<PlotSeries>& series, ImVec2 size, double cut_x, const char* cut_label) {
  ImGui::PushID(id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  size = usable_size(size);
  ImGui::InvisibleButton("##static", size);
  Frame f = layout(origin, size);
  f.x = x_axis;
  f.y = y_axis;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_axes(dl, f, title);
  dl->PushClipRect(f.min, f.max, true);
  draw_series(dl, f, series);
  if (std::isfinite(cut_x)) {
    const float sx = f.px(cut_x);
    dl->AddLine({sx, f.min.y}, {sx, f.max.y}, IM_COL32(255, 196, 64, 220), g_look.line_px);
    if (cut_label) dl->AddText({sx + 4, f.min.y + 2}, IM_COL32(255, 196, 64, 255), cut_label);
  }
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (ImGui::IsItemHovered() && f.contains(mouse)) draw_crosshair(dl, f, series, f.data_x(mouse.x), true);
  dl->PopClipRect();
  ImGui::PopID();
}

}  // namespace limuon::gui
