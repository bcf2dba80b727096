// A static line chart written as an SVG document, for reports made headless (no window, no ImGui). It uses the
// plot library's own transforms, ticks, labels, decimation and colours, so a report figure looks like the
// window's plot of the same data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gui/plot/axis.hpp"

namespace limuon::gui::plot {

struct ChartLine {
  std::string label;  // legend text; lines with an empty label stay out of the legend
  int colour = 0;     // run_colour(colour)
  // x must not decrease (a smaller x is raised to the one before, as in Series). A y that cannot be placed (NaN,
  // inf, or <= 0 on a log axis) breaks the line there; points past the shorter of xs and ys are ignored.
  std::vector<double> xs, ys;
  // An optional band, e.g. mean +- std over seeds: the same length as xs, or empty (any other length is ignored).
  std::vector<double> y_lo, y_hi;
  // Drawn dashed, in the plot and in the legend; so is every line whose colour lies outside
  // [0, run_colour_count()), as its colour repeats another's.
  bool dashed = false;
};

struct ChartSpec {
  std::string title, x_label, y_label;
  Scale x_scale = Scale::linear, y_scale = Scale::linear;
  int width = 640, height = 400;  // px; at least 120 x 80 is used
  // nullopt: fit to the data. x: every placeable x, no padding. y: every placeable y and band value whose x lies
  // in the x range, padded by 5% of the span on each side.
  std::optional<Range> x_range, y_range;
  std::vector<ChartLine> lines;  // drawn in order (later on top), bands under all lines
  // Inside the plot's top right corner, or in columns under the chart, which then grows by the legend's
  // height (the plot area stays where plot_area puts it): for many lines, which would hide the data.
  enum class Legend { inside, below } legend = Legend::inside;
};

// The data rectangle in px (y grows downwards): the chart minus fixed margins of 64 left, 16 right, 40 top and
// 48 bottom, so a 640 x 400 chart plots into {64, 40, 624, 352}.
struct PlotArea {
  double left, top, right, bottom;
};
PlotArea plot_area(const ChartSpec& spec);

// The whole document, "<svg ...>...</svg>\n". The same spec gives the same bytes: coordinates are printed with
// one decimal in the "C" locale, and nothing depends on time or addresses. With nothing to draw it still has
// its axes, and says "no data".
std::string svg_line_chart(const ChartSpec& spec);

}  // namespace limuon::gui::plot
