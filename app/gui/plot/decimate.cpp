// Visible-range lookup and per-pixel min/max envelopes over a Series.
#include "gui/plot/decimate.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace limuon::gui::plot {

IndexRange visible(const Series& s, Range x_range) {
  if (std::isnan(x_range.lo) || std::isnan(x_range.hi)) return {0, s.size()};
  if (x_range.lo > x_range.hi) std::swap(x_range.lo, x_range.hi);
  IndexRange r{s.lower_bound(x_range.lo), s.upper_bound(x_range.hi)};
  if (r.first > 0) --r.first;
  if (r.last < s.size()) ++r.last;
  return r;
}

std::vector<Column> envelope(const Series& s, const Axis& x_axis, int width_px, bool positive_only) {
  std::vector<Column> columns;
  if (width_px <= 0 || s.size() == 0) return columns;
  const Range r = usable_range(x_axis);
  const double a = forward(x_axis.scale, r.lo), b = forward(x_axis.scale, r.hi);
  // Column c starts at scale-space position a + (b - a) * c / width. Multiplying before dividing keeps the
  // boundaries exact when the width in data units is a multiple of width_px.
  const auto column_start = [&](int c) { return inverse(x_axis.scale, a + (b - a) * c / width_px); };
  // Only points inside the range are placed (on a log axis that also leaves out x <= 0).
  size_t first = s.lower_bound(r.lo);
  const size_t end = s.upper_bound(r.hi);
  const auto& xs = s.xs();
  for (int c = 0; c < width_px && first < end; ++c) {
    const size_t last = c + 1 == width_px ? end
        : static_cast<size_t>(std::lower_bound(xs.begin() + first, xs.begin() + end, column_start(c + 1)) - xs.begin());
    if (last == first) continue;
    const Series::MinMax mm = positive_only ? s.minmax_positive(first, last) : s.minmax(first, last);
    if (mm.any) {
      const double y_first = s.ys()[s.first_finite(first, last, positive_only)];
      const double y_last = s.ys()[s.last_finite(first, last, positive_only)];
      columns.push_back({c, mm.min, mm.max, y_first, y_last, first, last});
    }
    first = last;
  }
  return columns;
}

bool draw_as_polyline(IndexRange r, int width_px) {
  const size_t count = r.last > r.first ? r.last - r.first : 0;
  return count <= 2 * static_cast<size_t>(std::max(width_px, 1));
}

}  // namespace limuon::gui::plot
