// Colours for plot content: one per run (categorical) and a sequential map for heat maps.
#pragma once

namespace limuon::gui::plot {

struct Rgb {
  float r, g, b;  // each in [0, 1]
};

// Distinct colours that read on the dark window background (#1e1f22); index cycles through them, negative
// indices included.
Rgb run_colour(int index);
int run_colour_count();

// Sequential map from dark purple through blue and green to yellow (viridis-like: lightness rises steadily),
// piecewise linear between 8 anchors. t is clamped to [0, 1]; NaN maps to 0.
Rgb heat_colour(double t);

}  // namespace limuon::gui::plot
