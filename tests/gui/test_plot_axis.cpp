// Axis mapping (to_unit/from_unit), fitting, and the zoom/pan/box-zoom edits, against hand-worked values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "gui/plot/axis.hpp"

namespace limuon::gui::plot {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

void expect_sound(Range r) {
  EXPECT_TRUE(std::isfinite(r.lo)) << r.lo;
  EXPECT_TRUE(std::isfinite(r.hi)) << r.hi;
  EXPECT_LT(r.lo, r.hi);
}

TEST(PlotAxis, RepresentableForwardInverse) {
  EXPECT_TRUE(representable(Scale::linear, -3));
  EXPECT_FALSE(representable(Scale::linear, kNan));
  EXPECT_FALSE(representable(Scale::linear, kInf));
  EXPECT_TRUE(representable(Scale::log10, 1e-300));
  EXPECT_FALSE(representable(Scale::log10, 0));
  EXPECT_FALSE(representable(Scale::log10, -1));
  EXPECT_DOUBLE_EQ(forward(Scale::linear, -3), -3);
  EXPECT_DOUBLE_EQ(forward(Scale::log10, 1000), 3);      // 10^3 = 1000
  EXPECT_DOUBLE_EQ(inverse(Scale::log10, -2), 0.01);     // 10^-2
  EXPECT_DOUBLE_EQ(inverse(Scale::linear, 7.5), 7.5);
}

TEST(PlotAxis, LinearToUnitExactValues) {
  const Axis axis{{-2, 6}, Scale::linear};
  // (v - lo) / (hi - lo) with hi - lo = 8: (-2+2)/8 = 0, (0+2)/8 = 0.25, (2+2)/8 = 0.5, (6+2)/8 = 1,
  // (10+2)/8 = 1.5 (outside the range maps outside [0, 1]).
  EXPECT_DOUBLE_EQ(to_unit(axis, -2), 0);
  EXPECT_DOUBLE_EQ(to_unit(axis, 0), 0.25);
  EXPECT_DOUBLE_EQ(to_unit(axis, 2), 0.5);
  EXPECT_DOUBLE_EQ(to_unit(axis, 6), 1);
  EXPECT_DOUBLE_EQ(to_unit(axis, 10), 1.5);
  EXPECT_TRUE(std::isnan(to_unit(axis, kNan)));
  EXPECT_TRUE(std::isnan(to_unit(axis, kInf)));
  // lo + u * 8: u = 0.75 -> -2 + 6 = 4; u = -0.25 -> -2 - 2 = -4.
  EXPECT_DOUBLE_EQ(from_unit(axis, 0.75), 4);
  EXPECT_DOUBLE_EQ(from_unit(axis, -0.25), -4);
}

TEST(PlotAxis, LogToUnitExactValues) {
  const Axis axis{{1, 1000}, Scale::log10};
  // log10 space is 0..3: 10 -> 1/3, 100 -> 2/3, sqrt(10) -> 0.5/3 = 1/6, 1e4 -> 4/3.
  EXPECT_DOUBLE_EQ(to_unit(axis, 1), 0);
  EXPECT_DOUBLE_EQ(to_unit(axis, 10), 1.0 / 3);
  EXPECT_DOUBLE_EQ(to_unit(axis, 100), 2.0 / 3);
  EXPECT_DOUBLE_EQ(to_unit(axis, 1000), 1);
  EXPECT_DOUBLE_EQ(to_unit(axis, std::sqrt(10.0)), 1.0 / 6);
  EXPECT_DOUBLE_EQ(to_unit(axis, 1e4), 4.0 / 3);
  EXPECT_TRUE(std::isnan(to_unit(axis, 0)));
  EXPECT_TRUE(std::isnan(to_unit(axis, -5)));
  // 10^(u * 3): u = 0.5 -> 10^1.5 = 31.6227766016838; u = 1/3 -> 10.
  EXPECT_NEAR(from_unit(axis, 0.5), 31.6227766016838, 1e-12);
  EXPECT_NEAR(from_unit(axis, 1.0 / 3), 10, 1e-12);
}

TEST(PlotAxis, UnitRoundTrips) {
  const Axis linear{{-1e6, 3e6}, Scale::linear};
  const Axis log{{1e-9, 1e3}, Scale::log10};
  for (double v : {-1e6, -12345.678, 0.0, 0.5, 2.5e6, 9e6}) {
    EXPECT_NEAR(from_unit(linear, to_unit(linear, v)), v, 1e-9) << v;
  }
  for (double v : {1e-9, 3.3e-7, 0.5, 1.0, 777.0, 1e5}) {
    EXPECT_NEAR(from_unit(log, to_unit(log, v)) / v, 1, 1e-12) << v;
  }
  for (double u : {0.0, 0.1, 0.5, 0.9, 1.0, -0.3, 1.7}) {
    EXPECT_NEAR(to_unit(linear, from_unit(linear, u)), u, 1e-12) << u;
    EXPECT_NEAR(to_unit(log, from_unit(log, u)), u, 1e-12) << u;
  }
}

TEST(PlotAxis, FitPadsTheSpanOnBothSides) {
  // min 1, max 3 (NaN and infinities skipped), span 2, pad 5% of 2 = 0.1 each side.
  const Range r = fit({3, 1, kNan, 2, kInf, -kInf}, Scale::linear, 0.05);
  EXPECT_DOUBLE_EQ(r.lo, 0.9);
  EXPECT_DOUBLE_EQ(r.hi, 3.1);
  // Log: 0 and -5 are skipped; log10 0.1 = -1, log10 10 = 1, span 2, pad 0.1 -> 10^-1.1 .. 10^1.1.
  const Range l = fit({0.1, 0, 10, -5, kNan}, Scale::log10, 0.05);
  EXPECT_NEAR(l.lo, 0.0794328234724281, 1e-15);
  EXPECT_NEAR(l.hi, 12.5892541179416, 1e-12);
  // No pad.
  const Range bare = fit({4, 8}, Scale::linear, 0);
  EXPECT_DOUBLE_EQ(bare.lo, 4);
  EXPECT_DOUBLE_EQ(bare.hi, 8);
}

TEST(PlotAxis, FitDegenerateInput) {
  // One value: +-10% of it; zero: +-0.5; log: +-half a decade, 10^1.5 = 31.6227766, 10^2.5 = 316.227766.
  Range r = fit({5, 5}, Scale::linear);
  EXPECT_DOUBLE_EQ(r.lo, 4.5);
  EXPECT_DOUBLE_EQ(r.hi, 5.5);
  r = fit({-2}, Scale::linear);
  EXPECT_DOUBLE_EQ(r.lo, -2.2);
  EXPECT_DOUBLE_EQ(r.hi, -1.8);
  r = fit({0}, Scale::linear);
  EXPECT_DOUBLE_EQ(r.lo, -0.5);
  EXPECT_DOUBLE_EQ(r.hi, 0.5);
  r = fit({100}, Scale::log10);
  EXPECT_NEAR(r.lo, 31.6227766016838, 1e-12);
  EXPECT_NEAR(r.hi, 316.227766016838, 1e-11);
  // Nothing representable: the defaults.
  r = fit({}, Scale::linear);
  EXPECT_DOUBLE_EQ(r.lo, 0);
  EXPECT_DOUBLE_EQ(r.hi, 1);
  r = fit({kNan, -1, 0, kInf}, Scale::log10);
  EXPECT_DOUBLE_EQ(r.lo, 1);
  EXPECT_DOUBLE_EQ(r.hi, 10);
}

TEST(PlotAxis, FitMinmaxGuards) {
  Range r = fit_minmax(3, 1, Scale::linear, 0);  // swapped
  EXPECT_DOUBLE_EQ(r.lo, 1);
  EXPECT_DOUBLE_EQ(r.hi, 3);
  r = fit_minmax(kNan, 4, Scale::linear, 0);  // one end missing: a single value 4, +-0.4
  EXPECT_DOUBLE_EQ(r.lo, 3.6);
  EXPECT_DOUBLE_EQ(r.hi, 4.4);
  r = fit_minmax(1, 3, Scale::linear, -0.5);  // a negative pad would hide data: none
  EXPECT_DOUBLE_EQ(r.lo, 1);
  EXPECT_DOUBLE_EQ(r.hi, 3);
  r = fit_minmax(1, 3, Scale::linear, kNan);
  EXPECT_DOUBLE_EQ(r.lo, 1);
  EXPECT_DOUBLE_EQ(r.hi, 3);
  // A span that overflows: clamped to +-1e300 rather than infinite.
  r = fit_minmax(-1.7e308, 1.7e308, Scale::linear);
  expect_sound(r);
  EXPECT_DOUBLE_EQ(r.lo, -1e300);
  EXPECT_DOUBLE_EQ(r.hi, 1e300);
  // Values differing by one ulp still get a nonzero, finite width.
  expect_sound(fit_minmax(1, std::nextafter(1.0, 2.0), Scale::linear, 0));
  expect_sound(fit_minmax(1e-310, 1e-310, Scale::log10));
}

TEST(PlotAxis, UsableRangeRepairsBadRanges) {
  Range r = usable_range({{5, 5}, Scale::linear});
  EXPECT_DOUBLE_EQ(r.lo, 4.5);
  EXPECT_DOUBLE_EQ(r.hi, 5.5);
  r = usable_range({{10, 2}, Scale::linear});
  EXPECT_DOUBLE_EQ(r.lo, 2);
  EXPECT_DOUBLE_EQ(r.hi, 10);
  r = usable_range({{kNan, 1}, Scale::linear});  // 1 +- 0.1
  EXPECT_DOUBLE_EQ(r.lo, 0.9);
  EXPECT_DOUBLE_EQ(r.hi, 1.1);
  r = usable_range({{0, 100}, Scale::log10});  // 0 is off a log axis: 100 alone, +-half a decade
  EXPECT_NEAR(r.lo, 31.6227766016838, 1e-12);
  r = usable_range({{kInf, -kInf}, Scale::linear});
  EXPECT_DOUBLE_EQ(r.lo, 0);
  EXPECT_DOUBLE_EQ(r.hi, 1);
  // A sound range comes back bit for bit (10^log10(0.2) is 0.20000000000000004, so no round trip).
  r = usable_range({{0.2, 5}, Scale::log10});
  EXPECT_EQ(r.lo, 0.2);
  EXPECT_EQ(r.hi, 5);
  // And the mapping through a degenerate range is still a number: 5 is the middle of 4.5..5.5.
  EXPECT_DOUBLE_EQ(to_unit({{5, 5}, Scale::linear}, 5), 0.5);
}

TEST(PlotAxis, ZoomKeepsTheAnchorAndScalesTheWidth) {
  const Axis axis{{0, 10}, Scale::linear};
  // Anchor at u = 0.25 is the value 2.5; width 10 * 0.5 = 5; lo = 2.5 - 0.25 * 5 = 1.25, hi = 6.25.
  const Range in = zoom(axis, 0.25, 0.5);
  EXPECT_DOUBLE_EQ(in.lo, 1.25);
  EXPECT_DOUBLE_EQ(in.hi, 6.25);
  EXPECT_DOUBLE_EQ(to_unit({in, Scale::linear}, 2.5), 0.25);
  // Out by 2 about the left edge: 0 .. 20.
  const Range out = zoom(axis, 0, 2);
  EXPECT_DOUBLE_EQ(out.lo, 0);
  EXPECT_DOUBLE_EQ(out.hi, 20);
  // Log 1..1e4 is 0..4 decades; anchor 0.5 is 2 (the value 100); width 2 -> decades 1..3 -> 10 .. 1000.
  const Range log = zoom({{1, 1e4}, Scale::log10}, 0.5, 0.5);
  EXPECT_NEAR(log.lo, 10, 1e-12);
  EXPECT_NEAR(log.hi, 1000, 1e-9);
}

TEST(PlotAxis, ZoomGuards) {
  const Axis axis{{0, 10}, Scale::linear};
  for (double factor : {0.0, -1.0, kNan, kInf}) {
    const Range r = zoom(axis, 0.5, factor);
    EXPECT_DOUBLE_EQ(r.lo, 0) << factor;
    EXPECT_DOUBLE_EQ(r.hi, 10) << factor;
  }
  const Range centred = zoom(axis, kNan, 0.5);  // NaN anchor: the middle, 5 -> 2.5 .. 7.5
  EXPECT_DOUBLE_EQ(centred.lo, 2.5);
  EXPECT_DOUBLE_EQ(centred.hi, 7.5);
  // Zooming far in or out never collapses or overflows the range.
  for (Scale scale : {Scale::linear, Scale::log10}) {
    Axis deep{{1, 2}, scale};
    for (int i = 0; i < 100; ++i) {
      deep.range = zoom(deep, 0.3, 0.01);
      expect_sound(deep.range);
    }
    Axis wide{{1, 2}, scale};
    for (int i = 0; i < 100; ++i) {
      wide.range = zoom(wide, 0.3, 100);
      expect_sound(wide.range);
    }
  }
}

TEST(PlotAxis, Pan) {
  const Axis axis{{0, 10}, Scale::linear};
  Range r = pan(axis, 0.1);  // by 10% of 10 = 1
  EXPECT_DOUBLE_EQ(r.lo, 1);
  EXPECT_DOUBLE_EQ(r.hi, 11);
  r = pan(axis, -0.5);  // by -5
  EXPECT_DOUBLE_EQ(r.lo, -5);
  EXPECT_DOUBLE_EQ(r.hi, 5);
  // Log 1..100 is decades 0..2; half its width is 1 decade -> 10 .. 1000.
  r = pan({{1, 100}, Scale::log10}, 0.5);
  EXPECT_NEAR(r.lo, 10, 1e-12);
  EXPECT_NEAR(r.hi, 1000, 1e-10);
  // Panning into the wall at 1e300 keeps the width: 0..1e300 shifted by its width is pushed back to 0..1e300.
  r = pan({{0, 1e300}, Scale::linear}, 1);
  EXPECT_DOUBLE_EQ(r.lo, 0);
  EXPECT_DOUBLE_EQ(r.hi, 1e300);
  r = pan(axis, kNan);
  EXPECT_DOUBLE_EQ(r.lo, 0);
  EXPECT_DOUBLE_EQ(r.hi, 10);
}

TEST(PlotAxis, Span) {
  const Axis axis{{0, 10}, Scale::linear};
  Range r = span(axis, 0.8, 0.2);  // any order: 0.2 * 10 = 2 .. 0.8 * 10 = 8
  EXPECT_DOUBLE_EQ(r.lo, 2);
  EXPECT_DOUBLE_EQ(r.hi, 8);
  // Log 1..1e4 (0..4 decades): 0.25 -> decade 1, 0.75 -> decade 3.
  r = span({{1, 1e4}, Scale::log10}, 0.25, 0.75);
  EXPECT_NEAR(r.lo, 10, 1e-12);
  EXPECT_NEAR(r.hi, 1000, 1e-9);
  // A zero-width box still gives a (tiny) nonzero width around 5.
  r = span(axis, 0.5, 0.5);
  expect_sound(r);
  EXPECT_LT(r.lo, 5);
  EXPECT_GT(r.hi, 5);
  EXPECT_LT(r.hi - r.lo, 1e-9);
}

TEST(PlotAxis, NoInputBreaksTheRange) {
  // Every gesture on every kind of broken or extreme range gives finite, ordered, nonzero-width ranges
  // (positive on log axes), through which a mid value maps to a finite unit position.
  const double values[] = {kNan, kInf, -kInf, 0.0, -0.0, 5e-324, 1e-300, 1.0, 5.0, -3.0, 1e300, 1.7e308, -1.7e308};
  const double units[] = {kNan, -kInf, -1e30, -1.0, 0.0, 0.3, 1.0, 2.0, 1e30};
  const double factors[] = {kNan, 0.0, 1e-300, 1e-30, 0.5, 2.0, 1e30, kInf};
  for (Scale scale : {Scale::linear, Scale::log10}) {
    for (double lo : values) {
      for (double hi : values) {
        const Axis axis{{lo, hi}, scale};
        std::vector<Range> results = {usable_range(axis), fit_minmax(lo, hi, scale), fit({lo, hi}, scale)};
        for (double u : units) {
          results.push_back(pan(axis, u));
          results.push_back(span(axis, u, 0.5));
          for (double f : factors) results.push_back(zoom(axis, u, f));
        }
        for (const Range& r : results) {
          ASSERT_TRUE(std::isfinite(r.lo) && std::isfinite(r.hi) && r.lo < r.hi) << lo << " " << hi;
          if (scale == Scale::log10) {
            ASSERT_GT(r.lo, 0) << lo << " " << hi;
          }
          const double mid = scale == Scale::log10 ? std::sqrt(r.lo) * std::sqrt(r.hi) : r.lo / 2 + r.hi / 2;
          ASSERT_TRUE(std::isfinite(to_unit({r, scale}, mid))) << lo << " " << hi;
        }
      }
    }
  }
}

}  // namespace
}  // namespace limuon::gui::plot
