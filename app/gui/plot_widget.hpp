// The drawing layer of our plot widget (Debian has no ImPlot): one ImGui item per plot that draws
// series through the pure functions in gui/plot (transforms, ticks, decimation, hit-testing) and turns
// mouse gestures into axis ranges. Plots share one x axis (SharedX) so zoom, pan and the crosshair move
// them together.
//
//   SharedX x;  PlotState loss{"Loss"};
//   fit_shared_x(x, every_series);             // once per frame, before the plots
//   DrawPlot(loss, x, {{&raw, &smoothed, colour, "run 3 train"}}, size, &actions);
//
// Gestures: wheel zooms about the cursor, left drag pans, right drag zooms to a box, double click fits
// (and makes the axes follow new data again), right click opens the menu (fit, save PNG, save CSV).
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "gui/plot/axis.hpp"
#include "gui/plot/series.hpp"

namespace limuon::gui {

struct PlotSeries {
  const plot::Series* raw = nullptr;
  const plot::Series* smoothed = nullptr;  // drawn over a faint raw curve; null: raw drawn solid
  ImU32 colour = IM_COL32_WHITE;
  std::string label;
  bool markers = false;  // sparse series (validation loss): a dot at every visible point
};

struct SharedX {
  plot::Axis axis;
  bool auto_fit = true;   // follows the data until the user zooms or pans
  double hover_x = 0;     // data x under the cursor in any plot, last frame
  bool hovering = false;
  bool hovering_next = false;
  double hover_x_next = 0;
  void begin_frame() {  // the crosshair of the plot hovered last frame shows in all of them
    hovering = hovering_next;
    hover_x = hover_x_next;
    hovering_next = false;
  }
};

struct PlotState {
  std::string title;
  plot::Scale y_scale = plot::Scale::linear;
  plot::Range y{0, 1};
  bool y_auto = true;
  // gesture state
  bool box_active = false;
  ImVec2 box_from{0, 0};
};

struct PlotActions {
  bool save_png = false, save_csv = false;
  ImVec2 rect_min{0, 0}, rect_max{0, 0};  // the whole plot item, in framebuffer-independent pixels
};

// How every plot draws: lines of 1.5 px normally; thicker lines and brighter axes for a class watching a
// projector (classroom mode's presenter switch). Set between frames.
struct PlotLook {
  float line_px = 1.5f;
  bool high_contrast = false;
};
void set_plot_look(const PlotLook& look);
const PlotLook& plot_look();

// Sets x.axis.range to span every series when x.auto_fit (the union of their x extents).
void fit_shared_x(SharedX& x, const std::vector<PlotSeries>& all);

void DrawPlot(PlotState& state, SharedX& x, const std::vector<PlotSeries>& series, ImVec2 size, PlotActions* actions);

// A plain line plot over its own x (a spectrum over singular-value index): no sharing, no gestures but
// the crosshair; `cut_x` (NaN: none) draws a labelled vertical marker.
void DrawStaticPlot(const char* id, const std::string& title, plot::Axis x, plot::Axis y,
                    const std::vector<PlotSeries>& series, ImVec2 size, double cut_x, const char* cut_label);

}  // namespace limuon::gui
