// Tick placement. Tick values are computed as integer multiples of a decimal step, so 0.6 is the double
// nearest 0.6 rather than 3 * 0.2 with its rounding error, and range ends typed as decimals compare equal.
#include "gui/plot/ticks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace limuon::gui::plot {

namespace {

// More ticks than this on one axis are never readable; it also bounds the loops below.
constexpr double kMaxTicks = 1000;
// Unlabelled gridlines may sit this much closer than labels do.
constexpr double kMinorSpacingFraction = 0.1;

// The double nearest units x 10^exponent, for an integer `units` below 2^53. Powers of ten up to 10^22 are
// exact doubles, so one multiplication or division rounds once; beyond them strtod rounds the decimal.
double decimal(double units, int exponent) {
  constexpr int kExactPowers = 22;
  if (std::abs(exponent) <= kExactPowers) {
    double power = 1;
    for (int i = 0; i < std::abs(exponent); ++i) power *= 10;
    return exponent >= 0 ? units * power : units / power;
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.0fe%d", units, exponent);
  return std::strtod(text, nullptr);
}

double power_of_ten(int n) { return decimal(1, n); }

// mantissa x 10^exponent; a nice step has mantissa 1, 2 or 5.
struct DecimalStep {
  int mantissa;
  int exponent;
  double value() const { return multiple(1); }
  double multiple(double k) const { return decimal(k * mantissa, exponent); }
  DecimalStep next() const {
    if (mantissa == 1) return {2, exponent};
    if (mantissa == 2) return {5, exponent};
    return {1, exponent + 1};
  }
};

// The smallest 1, 2 or 5 x 10^k at least `raw`.
DecimalStep nice_step(double raw) {
  // Steps stay between 10^-320 and 10^307 (finite doubles), also for a raw of 0 or inf from absurd spacings.
  constexpr int kMinExponent = -320, kMaxExponent = 307;
  if (!(raw < std::pow(10.0, kMaxExponent))) return {1, kMaxExponent};
  const double start = raw > 0 ? std::floor(std::log10(raw)) : kMinExponent;
  DecimalStep step{1, static_cast<int>(std::max(start, double{kMinExponent}))};
  // Tolerate raw being a rounding error above a nice value (0.2000000001 still picks 0.2).
  while (step.value() < raw * (1 - 1e-9)) step = step.next();
  return step;
}

void add_multiples(std::vector<Tick>& out, Range r, DecimalStep step) {
  const double s = step.value();
  // One extra k at each end absorbs rounding in the division; the value test below is exact.
  for (double k = std::ceil(r.lo / s) - 1; k <= std::floor(r.hi / s) + 1; ++k) {
    const double v = step.multiple(k);
    if (v >= r.lo && v <= r.hi) out.push_back({v, format_value(v, s), true});
  }
}

std::vector<Tick> linear_ticks(Range r, double length_px, double min_spacing_px) {
  std::vector<Tick> out;
  add_multiples(out, r, nice_step((r.hi - r.lo) * min_spacing_px / length_px));
  return out;
}

// Narrow log ranges: decimal steps in data units. Log compresses the top end, so the gap between the two
// highest possible ticks (hi - step and hi) decides whether a step is wide enough.
std::vector<Tick> log_linear_ticks(Range r, double length_px, double min_spacing_px) {
  const double px_per_decade = length_px / (std::log10(r.hi) - std::log10(r.lo));
  DecimalStep step = nice_step((r.hi - r.lo) * min_spacing_px / length_px);
  while (step.value() < r.hi &&
         (std::log10(r.hi) - std::log10(r.hi - step.value())) * px_per_decade < min_spacing_px) {
    step = step.next();
  }
  std::vector<Tick> out;
  add_multiples(out, r, step);
  return out;
}

// The smallest of 1, 2, 5, 10, 20, 50, ... decades whose ticks are min_spacing_px apart. Log axes span at most
// 600 decades, so strides stop at 10^4.
int decade_stride(double px_per_decade, double min_spacing_px) {
  DecimalStep stride{1, 0};
  while (stride.value() * px_per_decade < min_spacing_px && stride.exponent < 4) stride = stride.next();
  return static_cast<int>(stride.value());
}

bool in_range(Range r, double v) { return v >= r.lo && v <= r.hi; }

std::vector<Tick> log_ticks(Range r, double length_px, double min_spacing_px) {
  const double a = std::log10(r.lo), b = std::log10(r.hi);
  const double px_per_decade = length_px / (b - a);
  const double minor_spacing_px = min_spacing_px * kMinorSpacingFraction;
  // Narrowest pixel gaps, as fractions of a decade: 1-2-5 labels (1 to 2, 5 to 10: log10 2) and 1..9 gridlines
  // (9 to 10: log10(10/9)).
  const bool room_for_125 = std::log10(2.0) * px_per_decade >= min_spacing_px;
  const bool room_for_1to9 = std::log10(10.0 / 9) * px_per_decade >= minor_spacing_px;
  const int stride = room_for_125 ? 1 : decade_stride(px_per_decade, min_spacing_px);

  std::vector<Tick> out;
  int labelled = 0;
  // One decade below a and above b covers the 2..9 x 10^k of the partial decades at the ends.
  for (int d = static_cast<int>(std::floor(a)) - 1; d <= static_cast<int>(std::ceil(b)); ++d) {
    const double decade = power_of_ten(d);
    if (in_range(r, decade)) {
      if (d % stride == 0) {
        out.push_back({decade, format_value(decade, decade), true});
        ++labelled;
      } else if (px_per_decade >= minor_spacing_px) {
        out.push_back({decade, "", false});
      }
    }
    if (stride != 1 || !room_for_1to9) continue;
    for (int m = 2; m <= 9; ++m) {
      const double v = DecimalStep{m, d}.multiple(1);
      if (!in_range(r, v)) continue;
      const bool label = room_for_125 && (m == 2 || m == 5);
      out.push_back({v, label ? format_value(v, v) : "", false});
      labelled += label;
    }
  }
  // Too narrow for two labels of the 1-2-5 kind: fall back to plain decimal steps.
  if (room_for_125 && labelled < 2) return log_linear_ticks(r, length_px, min_spacing_px);
  std::sort(out.begin(), out.end(), [](const Tick& x, const Tick& y) { return x.value < y.value; });
  return out;
}

}  // namespace

std::vector<Tick> ticks(const Axis& axis, double length_px, double min_spacing_px) {
  if (!(length_px > 0) || !(min_spacing_px > 0) || !std::isfinite(length_px) || !std::isfinite(min_spacing_px)) {
    return {};
  }
  min_spacing_px = std::max(min_spacing_px, length_px / kMaxTicks);
  const Range r = usable_range(axis);
  if (axis.scale == Scale::log10) return log_ticks(r, length_px, min_spacing_px);
  return linear_ticks(r, length_px, min_spacing_px);
}

}  // namespace limuon::gui::plot
