// Axis mapping and range edits. All arithmetic happens in the scale's space (log10 of the data on a log
// axis), where zoom and pan are plain affine moves.
#include "gui/plot/axis.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace limuon::gui::plot {

namespace {

// Bounds of the scale space. Linear: well inside DBL_MAX so that hi - lo cannot overflow. Log: decades whose
// powers of ten stay normal doubles.
constexpr double kLinearLimit = 1e300;
constexpr double kLogLimit = 300;
// Views narrower than this fraction of their magnitude could not place distinct pixels or ticks.
constexpr double kRelativeMinWidth = 1e-12;
// Zero-span fits: how far to widen around the single value.
constexpr double kZeroSpanFraction = 0.1;
constexpr double kZeroSpanAtZero = 0.5;
constexpr double kZeroSpanDecades = 0.5;

double limit(Scale scale) { return scale == Scale::log10 ? kLogLimit : kLinearLimit; }

double min_width(Scale scale, double a, double b) {
  // On a log axis the scale space is in decades, so an absolute floor is already a relative one in data units.
  const double floor = scale == Scale::log10 ? kRelativeMinWidth : 1e-300;
  return std::max(std::max(std::abs(a), std::abs(b)) * kRelativeMinWidth, floor);
}

Range default_range(Scale scale) { return scale == Scale::log10 ? Range{1, 10} : Range{0, 1}; }

// Turns a scale-space interval [a, b] back into a data range that every other function can trust; `fallback`
// when the interval is NaN.
Range settle(Scale scale, double a, double b, Range fallback) {
  if (std::isnan(a) || std::isnan(b)) return fallback;
  if (a > b) std::swap(a, b);
  if (std::isinf(a) && a == b) return fallback;  // both ends off to one side: nothing left to show
  const double bound = limit(scale);
  if (b - a >= 2 * bound) {  // wider than everything (or infinite): everything
    a = -bound;
    b = bound;
  } else if (a < -bound) {  // shift back inside, so that a pan into the wall keeps the view's width
    b += -bound - a;
    a = -bound;
  } else if (b > bound) {
    a -= b - bound;
    b = bound;
  }
  const double width = min_width(scale, a, b);
  if (b - a < width) {
    const double centre = a / 2 + b / 2;
    a = std::max(centre - width / 2, -bound);
    b = a + width;
    if (b > bound) {
      b = bound;
      a = bound - width;
    }
  }
  return {inverse(scale, a), inverse(scale, b)};
}

bool settled(Scale scale, double a, double b) {
  const double bound = limit(scale);
  return a >= -bound && b <= bound && b - a >= min_width(scale, a, b);
}

struct ScaleSpan {
  double a, b;
};

ScaleSpan scale_span(Scale scale, Range r) { return {forward(scale, r.lo), forward(scale, r.hi)}; }

}  // namespace

bool representable(Scale scale, double v) { return std::isfinite(v) && (scale == Scale::linear || v > 0); }

double forward(Scale scale, double v) { return scale == Scale::log10 ? std::log10(v) : v; }

double inverse(Scale scale, double t) { return scale == Scale::log10 ? std::pow(10.0, t) : t; }

Range usable_range(const Axis& axis) {
  const Range& r = axis.range;
  const bool lo_ok = representable(axis.scale, r.lo);
  const bool hi_ok = representable(axis.scale, r.hi);
  // With one end unusable, or both the same, widen around the single value as a fit would.
  if (!lo_ok || !hi_ok || r.lo == r.hi) return fit_minmax(r.lo, r.hi, axis.scale, 0);
  const double a = forward(axis.scale, r.lo), b = forward(axis.scale, r.hi);
  // A sound range comes back bit for bit: a log round trip would move the ends by an ulp and lose edge ticks.
  if (a < b && settled(axis.scale, a, b)) return r;
  return settle(axis.scale, a, b, default_range(axis.scale));
}

double to_unit(const Axis& axis, double v) {
  if (!representable(axis.scale, v)) return std::nan("");
  const ScaleSpan s = scale_span(axis.scale, usable_range(axis));
  return (forward(axis.scale, v) - s.a) / (s.b - s.a);
}

double from_unit(const Axis& axis, double u) {
  const ScaleSpan s = scale_span(axis.scale, usable_range(axis));
  return inverse(axis.scale, s.a + u * (s.b - s.a));
}

Range fit(const std::vector<double>& values, Scale scale, double pad) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values) {
    if (!representable(scale, v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return fit_minmax(lo, hi, scale, pad);
}

Range fit_minmax(double min, double max, Scale scale, double pad) {
  const Range fallback = default_range(scale);
  const bool min_ok = representable(scale, min);
  const bool max_ok = representable(scale, max);
  if (!min_ok && !max_ok) return fallback;
  if (!min_ok) min = max;
  if (!max_ok) max = min;
  if (min > max) std::swap(min, max);
  const double a = forward(scale, min);
  const double b = forward(scale, max);
  if (a == b) {
    double half = kZeroSpanDecades;
    if (scale == Scale::linear) half = a != 0 ? std::abs(a) * kZeroSpanFraction : kZeroSpanAtZero;
    return settle(scale, a - half, b + half, fallback);
  }
  const double width = b - a;
  // A negative pad would hide data; an overflowing width cannot be padded (settle clamps it instead).
  const double padding = pad > 0 && std::isfinite(pad) && std::isfinite(width) ? pad * width : 0;
  return settle(scale, a - padding, b + padding, fallback);
}

Range zoom(const Axis& axis, double anchor_unit, double factor) {
  const Range current = usable_range(axis);
  if (!std::isfinite(anchor_unit)) anchor_unit = 0.5;
  if (!(factor > 0) || !std::isfinite(factor)) return current;
  const ScaleSpan s = scale_span(axis.scale, current);
  const double anchor = s.a + anchor_unit * (s.b - s.a);
  // Wider than the whole scale space is no different from as wide, and stays finite.
  const double width = std::min((s.b - s.a) * factor, 2 * limit(axis.scale));
  const double a = anchor - anchor_unit * width;
  return settle(axis.scale, a, a + width, current);
}

Range pan(const Axis& axis, double delta_unit) {
  const Range current = usable_range(axis);
  if (!std::isfinite(delta_unit)) return current;
  const ScaleSpan s = scale_span(axis.scale, current);
  // Further than the whole scale space lands at the wall all the same, and stays finite.
  const double shift = std::clamp(delta_unit * (s.b - s.a), -2 * limit(axis.scale), 2 * limit(axis.scale));
  return settle(axis.scale, s.a + shift, s.b + shift, current);
}

Range span(const Axis& axis, double u0, double u1) {
  const Range current = usable_range(axis);
  if (!std::isfinite(u0) || !std::isfinite(u1)) return current;
  const ScaleSpan s = scale_span(axis.scale, current);
  const double width = s.b - s.a;
  return settle(axis.scale, s.a + std::min(u0, u1) * width, s.a + std::max(u0, u1) * width, current);
}

}  // namespace limuon::gui::plot
