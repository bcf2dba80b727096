// Which data point the mouse is on: for hover readouts and tooltips.
#pragma once

#include <cstddef>

#include "gui/plot/axis.hpp"
#include "gui/plot/series.hpp"

namespace limuon::gui::plot {

constexpr size_t npos = static_cast<size_t>(-1);

// Index of the point whose x is nearest to x (ties: the earlier); npos when empty or x is NaN.
size_t nearest_index(const Series& s, double x);

// The point drawn nearest the cursor, if within radius_px of it, else npos. The plot rect is width_px x height_px
// with the cursor relative to its top-left corner; pixel y grows downwards (y unit 1 is the top row, pixel 0).
// Points whose x or y cannot be placed on the axes are skipped; ties go to the earlier point. Costs one look at
// each point within radius_px horizontally.
size_t hit_point(const Series& s, const Axis& x_axis, const Axis& y_axis, double width_px, double height_px,
                 double cursor_x_px, double cursor_y_px, double radius_px);

}  // namespace limuon::gui::plot
