// Nearest-point lookups, in data units (nearest_index) and in pixels (hit_point).
#include "gui/plot/hit_test.hpp"

#include <cmath>

namespace limuon::gui::plot {

size_t nearest_index(const Series& s, double x) {
  if (s.size() == 0 || std::isnan(x)) return npos;
  const size_t above = s.lower_bound(x);  // the first with xs >= x, so the earliest of equal xs
  if (above == 0) return 0;
  if (above == s.size()) return s.size() - 1;
  const size_t below = above - 1;
  return x - s.xs()[below] <= s.xs()[above] - x ? below : above;
}

size_t hit_point(const Series& s, const Axis& x_axis, const Axis& y_axis, double width_px, double height_px,
                 double cursor_x_px, double cursor_y_px, double radius_px) {
  if (!(width_px > 0) || !(height_px > 0) || !(radius_px >= 0) || !std::isfinite(cursor_x_px) ||
      !std::isfinite(cursor_y_px)) {
    return npos;
  }
  // Only points within the radius horizontally can be within it at all.
  const double x_lo = from_unit(x_axis, (cursor_x_px - radius_px) / width_px);
  const double x_hi = from_unit(x_axis, (cursor_x_px + radius_px) / width_px);
  size_t best = npos;
  double best_distance = radius_px;
  const size_t end = s.upper_bound(x_hi);
  for (size_t i = s.lower_bound(x_lo); i < end; ++i) {
    const double px = to_unit(x_axis, s.xs()[i]) * width_px;
    const double py = (1 - to_unit(y_axis, s.ys()[i])) * height_px;
    const double distance = std::hypot(px - cursor_x_px, py - cursor_y_px);
    // NaN distances (unplaceable points) fail this test.
    if (distance <= best_distance && (best == npos || distance < best_distance)) {
      best = i;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace limuon::gui::plot
