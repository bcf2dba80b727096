// Where to put tick marks and gridlines on an axis, and what to write at them.
#pragma once

#include <string>
#include <vector>

#include "gui/plot/axis.hpp"
#include "gui/plot/format.hpp"

namespace limuon::gui::plot {

struct Tick {
  double value;
  std::string label;  // empty for an unlabelled gridline; draw every non-empty label
  bool major;
};

// Ticks inside axis.range, ascending, with labelled ticks at least min_spacing_px apart along length_px.
// Linear: "nice" steps 1, 2 or 5 x 10^k, all major and labelled.
// Log, many decades: a major labelled tick per decade, or per 2nd/5th/10th/... decade when decades are narrower
//   than min_spacing_px; skipped decades become unlabelled minor ticks, and when a decade is wide enough
//   (>= ~2.2 x min_spacing_px) so do 2..9 x 10^k.
// Log, few decades (1-2-5 fit without crowding): decades major, 2 and 5 x 10^k labelled minor, 3, 4, 6..9 x 10^k
//   unlabelled minor.
// Log, too narrow for two such labels: linear "nice" steps, all major, spaced for the crowded top end.
// Empty when length_px or min_spacing_px is not positive.
std::vector<Tick> ticks(const Axis& axis, double length_px, double min_spacing_px);

}  // namespace limuon::gui::plot
