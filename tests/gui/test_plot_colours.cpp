// Run palette and heat map: cycling, ranges, distinctness, contrast, and hand-interpolated heat values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "gui/plot/colours.hpp"

namespace limuon::gui::plot {
namespace {

void expect_in_unit_cube(Rgb c) {
  for (float v : {c.r, c.g, c.b}) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 1.0f);
  }
}

// WCAG relative luminance of an sRGB colour, and the contrast ratio between two luminances.
double luminance(Rgb c) {
  const auto linear = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

TEST(PlotColours, RunColoursCycle) {
  const int n = run_colour_count();
  EXPECT_GE(n, 10);
  for (int i = -3 * n; i < 3 * n; ++i) {
    const Rgb a = run_colour(i), b = run_colour(i + n);
    EXPECT_EQ(a.r, b.r) << i;
    EXPECT_EQ(a.g, b.g) << i;
    EXPECT_EQ(a.b, b.b) << i;
    expect_in_unit_cube(a);
  }
}

TEST(PlotColours, RunColoursAreDistinctAndReadableOnTheDarkBackground) {
  const int n = run_colour_count();
  const double background = luminance({0x1e / 255.0f, 0x1f / 255.0f, 0x22 / 255.0f});
  for (int i = 0; i < n; ++i) {
    const Rgb a = run_colour(i);
    // WCAG contrast (L1 + 0.05) / (L2 + 0.05) of at least 4.5, the bar for normal text.
    EXPECT_GE((luminance(a) + 0.05) / (background + 0.05), 4.5) << i;
    for (int j = i + 1; j < n; ++j) {
      const Rgb b = run_colour(j);
      const double distance = std::hypot(a.r - b.r, a.g - b.g, a.b - b.b);
      EXPECT_GE(distance, 0.2) << i << " vs " << j;
    }
  }
}

TEST(PlotColours, HeatEndsAndClamping) {
  // The first anchor (0.27, 0, 0.33) at t <= 0 and for NaN; the last (0.99, 0.91, 0.14) at t >= 1.
  for (double t : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN()}) {
    const Rgb c = heat_colour(t);
    EXPECT_FLOAT_EQ(c.r, 0.27f);
    EXPECT_FLOAT_EQ(c.g, 0.0f);
    EXPECT_FLOAT_EQ(c.b, 0.33f);
  }
  for (double t : {1.0, 2.0, std::numeric_limits<double>::infinity()}) {
    const Rgb c = heat_colour(t);
    EXPECT_FLOAT_EQ(c.r, 0.99f);
    EXPECT_FLOAT_EQ(c.g, 0.91f);
    EXPECT_FLOAT_EQ(c.b, 0.14f);
  }
}

TEST(PlotColours, HeatInterpolatesBetweenAnchors) {
  // 8 anchors at t = k / 7. t = 0.5 is k = 3.5: halfway between (0.17, 0.45, 0.56) and (0.12, 0.57, 0.55)
  // = (0.145, 0.51, 0.555). t = 1/14 is k = 0.5: halfway between (0.27, 0, 0.33) and (0.28, 0.17, 0.48)
  // = (0.275, 0.085, 0.405).
  Rgb c = heat_colour(0.5);
  EXPECT_NEAR(c.r, 0.145, 1e-6);
  EXPECT_NEAR(c.g, 0.51, 1e-6);
  EXPECT_NEAR(c.b, 0.555, 1e-6);
  c = heat_colour(1.0 / 14);
  EXPECT_NEAR(c.r, 0.275, 1e-6);
  EXPECT_NEAR(c.g, 0.085, 1e-6);
  EXPECT_NEAR(c.b, 0.405, 1e-6);
}

TEST(PlotColours, HeatLightnessRisesSteadily) {
  double previous = -1;
  for (int i = 0; i <= 100; ++i) {
    const Rgb c = heat_colour(i / 100.0);
    expect_in_unit_cube(c);
    const double l = luminance(c);
    EXPECT_GT(l, previous) << i;
    previous = l;
  }
}

}  // namespace
}  // namespace limuon::gui::plot
