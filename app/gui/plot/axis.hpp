// Where a data value sits along a plot axis (linear or log10), and the range edits that mouse gestures
// make: fit to data, zoom about the cursor, pan, and box zoom.
#pragma once

#include <vector>

namespace limuon::gui::plot {

enum class Scale { linear, log10 };

// Always in data units, also on a log axis (so lo and hi are then positive).
struct Range {
  double lo = 0, hi = 1;
};

struct Axis {
  Range range;
  Scale scale = Scale::linear;
};

bool representable(Scale scale, double v);  // finite, and > 0 on a log axis
double forward(Scale scale, double v);      // into the scale's space: v, or log10(v)
double inverse(Scale scale, double t);      // back out of it: t, or 10^t

// axis.range made safe to divide by: ordered, representable, nonzero width, within about 1e+-300. Every
// function here reads the range through this, so a corrupt range (NaN, lo == hi, lo <= 0 on log) still draws.
Range usable_range(const Axis& axis);

// 0 at range.lo, 1 at range.hi, linear in the scale's space; NaN when v is not representable.
double to_unit(const Axis& axis, double v);
double from_unit(const Axis& axis, double u);

// A range around the representable values: their min..max with `pad` (a fraction of the span, in scale
// space) on each side. A zero span widens to +-10% of the value (+-0.5 on zero) on linear axes and +-half a
// decade on log axes; no representable value gives {0, 1} (linear) or {1, 10} (log).
Range fit(const std::vector<double>& values, Scale scale, double pad = 0.05);
Range fit_minmax(double min, double max, Scale scale, double pad = 0.05);  // the same from known extrema

// Gestures. None returns NaN or a zero-width range; a result that would leave the representable span is
// pulled back inside it, and one that would be narrower than the doubles can resolve is widened.
Range zoom(const Axis& axis, double anchor_unit, double factor);  // factor < 1 zooms in; anchor stays put
Range pan(const Axis& axis, double delta_unit);  // the view moves by delta_unit of its width (+ = higher values)
Range span(const Axis& axis, double u0, double u1);  // box zoom between two unit positions, in any order

}  // namespace limuon::gui::plot
