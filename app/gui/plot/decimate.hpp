// Choosing what of a series to draw: the index range in view, and for dense data one min/max column per pixel
// so that a million points cost O(pixels) and a single spike still shows.
#pragma once

#include <cstddef>
#include <vector>

#include "gui/plot/axis.hpp"
#include "gui/plot/series.hpp"

namespace limuon::gui::plot {

struct IndexRange {
  size_t first = 0, last = 0;  // [first, last)
};

// The points needed to draw x_range: those inside it, plus one neighbour on each side so that lines reach the
// edges. A NaN bound gives the whole series.
IndexRange visible(const Series& s, Range x_range);

// Points [first, last) fall in pixel column px. y_min/y_max are over their finite y (> 0 when positive_only),
// y_first/y_last the first and last such y in index order, for joining neighbouring columns.
struct Column {
  int px;
  double y_min, y_max, y_first, y_last;
  size_t first, last;
};

// One column per pixel column in [0, width_px) that holds points, with x mapped through x_axis (linear or log):
// pixel floor(to_unit(x) * width_px), x == range.hi counting into the last column. Columns with no finite y are
// omitted. O(width_px * log n) whatever the number of points.
std::vector<Column> envelope(const Series& s, const Axis& x_axis, int width_px, bool positive_only = false);

// True when the points are few enough (<= 2 per pixel column) to draw as a plain polyline.
bool draw_as_polyline(IndexRange r, int width_px);

}  // namespace limuon::gui::plot
