// Tick placement on linear and log axes, with expected ticks worked out by hand from the rules in ticks.hpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gui/plot/ticks.hpp"

namespace limuon::gui::plot {
namespace {

std::vector<double> values_of(const std::vector<Tick>& ts) {
  std::vector<double> out;
  for (const Tick& t : ts) out.push_back(t.value);
  return out;
}

std::vector<std::string> labels_of(const std::vector<Tick>& ts) {
  std::vector<std::string> out;
  for (const Tick& t : ts) out.push_back(t.label);
  return out;
}

TEST(PlotTicks, LinearUnitRange) {
  // Raw step 1 * 50 / 400 = 0.125; the next 1-2-5 step is 0.2: 0, 0.2, ..., 1.0, 6 ticks 80 px apart.
  const auto ts = ticks({{0, 1}, Scale::linear}, 400, 50);
  const std::vector<double> want = {0, 0.2, 0.4, 0.6, 0.8, 1.0};
  ASSERT_EQ(ts.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_DOUBLE_EQ(ts[i].value, want[i]) << i;
    EXPECT_TRUE(ts[i].major);
  }
  EXPECT_EQ(labels_of(ts), (std::vector<std::string>{"0", "0.2", "0.4", "0.6", "0.8", "1"}));
}

TEST(PlotTicks, LinearOffsetRange) {
  // Raw step 15.9 * 60 / 300 = 3.18 -> 5; multiples of 5 in [-3.7, 12.2]: 0, 5, 10.
  const auto ts = ticks({{-3.7, 12.2}, Scale::linear}, 300, 60);
  EXPECT_EQ(values_of(ts), (std::vector<double>{0, 5, 10}));
  EXPECT_EQ(labels_of(ts), (std::vector<std::string>{"0", "5", "10"}));
}

TEST(PlotTicks, RangeEndsAreTicks) {
  // Raw step 0.3 * 100 / 300 = 0.1: 0, 0.1, 0.2, 0.3. The last is 3 x 0.1 = 0.30000000000000004 in plain
  // floating point, past the end 0.3; ticks are decimals, so it stays.
  EXPECT_EQ(labels_of(ticks({{0, 0.3}, Scale::linear}, 300, 100)),
            (std::vector<std::string>{"0", "0.1", "0.2", "0.3"}));
  // Log [0.2, 5]: 400 / log10(25) = 286 px per decade, * log10(2) = 86 >= 50: 1-2-5 labels, both ends included.
  std::vector<std::string> labels;
  for (const Tick& t : ticks({{0.2, 5}, Scale::log10}, 400, 50)) {
    if (!t.label.empty()) labels.push_back(t.label);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"0.2", "0.5", "1", "2", "5"}));
}

TEST(PlotTicks, LinearThousands) {
  // Raw step 50000 * 100 / 500 = 10000 -> 1e4: 0, 10k, ..., 50k.
  const auto ts = ticks({{0, 50000}, Scale::linear}, 500, 100);
  EXPECT_EQ(labels_of(ts), (std::vector<std::string>{"0", "10k", "20k", "30k", "40k", "50k"}));
}

TEST(PlotTicks, LinearNegativeSmallSteps) {
  // Raw step 0.03 * 40 / 240 = 0.005 -> 0.005: -0.02, -0.015, ..., 0.01 (7 ticks).
  const auto ts = ticks({{-0.02, 0.01}, Scale::linear}, 240, 40);
  EXPECT_EQ(labels_of(ts), (std::vector<std::string>{"-0.02", "-0.015", "-0.01", "-0.005", "0", "0.005", "0.01"}));
}

TEST(PlotTicks, LogFourDecades) {
  // 4 decades over 400 px = 100 px per decade. 1-2-5 labels need log10(2) * 100 = 30 px >= 50: no.
  // Stride 1: 100 >= 50. Minor 2..9 need log10(10/9) * 100 = 4.6 px >= 50 / 10 = 5: no.
  const auto ts = ticks({{0.001, 10}, Scale::log10}, 400, 50);
  EXPECT_EQ(values_of(ts), (std::vector<double>{0.001, 0.01, 0.1, 1, 10}));
  EXPECT_EQ(labels_of(ts), (std::vector<std::string>{"0.001", "0.01", "0.1", "1", "10"}));
  for (const Tick& t : ts) EXPECT_TRUE(t.major);
}

TEST(PlotTicks, LogFourDecadesWithMinorTicks) {
  // 1000 px / 4 decades = 250 px per decade. 1-2-5: log10(2) * 250 = 75 < 100: no. Stride 1.
  // Minors: log10(10/9) * 250 = 11.4 >= 100 / 10: yes, 2..9 x 10^k for k = -3..0: 32 minors, plus 5 decades.
  const auto ts = ticks({{0.001, 10}, Scale::log10}, 1000, 100);
  ASSERT_EQ(ts.size(), 37u);
  EXPECT_DOUBLE_EQ(ts[0].value, 0.001);
  EXPECT_TRUE(ts[0].major);
  EXPECT_EQ(ts[0].label, "0.001");
  for (int m = 2; m <= 9; ++m) {
    EXPECT_DOUBLE_EQ(ts[m - 1].value, m * 0.001) << m;
    EXPECT_FALSE(ts[m - 1].major) << m;
    EXPECT_EQ(ts[m - 1].label, "") << m;
  }
  EXPECT_DOUBLE_EQ(ts[9].value, 0.01);
  EXPECT_TRUE(ts[9].major);
  EXPECT_DOUBLE_EQ(ts[35].value, 9);
  EXPECT_DOUBLE_EQ(ts[36].value, 10);
  EXPECT_EQ(ts[36].label, "10");
}

TEST(PlotTicks, LogTwelveDecadesTakesEverySecond) {
  // 12 decades over 400 px = 33.3 px per decade: stride 1 gives 33 < 50, stride 2 gives 66.7 >= 50.
  // Majors at even exponents -6..6; odd exponents become unlabelled minors (33 px >= 5 px).
  const auto ts = ticks({{1e-6, 1e6}, Scale::log10}, 400, 50);
  ASSERT_EQ(ts.size(), 13u);
  std::vector<std::string> major_labels;
  for (size_t i = 0; i < ts.size(); ++i) {
    const int exponent = static_cast<int>(i) - 6;
    EXPECT_NEAR(ts[i].value / std::pow(10.0, exponent), 1, 1e-15) << i;
    EXPECT_EQ(ts[i].major, exponent % 2 == 0) << i;
    if (ts[i].major) major_labels.push_back(ts[i].label);
    else EXPECT_EQ(ts[i].label, "");
  }
  EXPECT_EQ(major_labels, (std::vector<std::string>{"1e-06", "0.0001", "0.01", "1", "100", "10k", "1M"}));
}

TEST(PlotTicks, LogManyDecadesStridesByFive) {
  // 60 decades (1e-30 .. 1e30) over 300 px = 5 px per decade: strides 1, 2, 5 give 5, 10, 25 px < 30;
  // 10 gives 50 >= 30. Majors at -30, -20, ..., 30 (7); skipped decades are 5 px apart >= 3: minors (54).
  const auto ts = ticks({{1e-30, 1e30}, Scale::log10}, 300, 30);
  int majors = 0;
  for (const Tick& t : ts) majors += t.major;
  EXPECT_EQ(majors, 7);
  EXPECT_EQ(ts.size(), 61u);
  EXPECT_EQ(ts.front().label, "1e-30");
  EXPECT_EQ(ts.back().label, "1e+30");
}

TEST(PlotTicks, LogTwoDecadesUsesOneTwoFive) {
  // 2 decades over 400 px = 200 px per decade: log10(2) * 200 = 60 >= 50, so 1-2-5 labels.
  // Decades 1, 10, 100 major; 2, 5, 20, 50 labelled minor; 3, 4, 6..9, 30, 40, 60..90 unlabelled minor.
  const auto ts = ticks({{1, 100}, Scale::log10}, 400, 50);
  ASSERT_EQ(ts.size(), 19u);
  std::vector<std::string> labels;
  int majors = 0;
  for (const Tick& t : ts) {
    if (!t.label.empty()) labels.push_back(t.label);
    majors += t.major;
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"1", "2", "5", "10", "20", "50", "100"}));
  EXPECT_EQ(majors, 3);
  EXPECT_DOUBLE_EQ(ts[2].value, 3);
}

TEST(PlotTicks, NarrowLogFallsBackToDecimalSteps) {
  // [2, 3] on log: no decade and only "2" of 1-2-5, so decimal steps. Linear raw step 1 * 50 / 400 = 0.125 -> 0.2;
  // the top gap log10(3 / 2.8) / log10(1.5) * 400 = 0.029963 / 0.176091 * 400 = 68 px >= 50: keep 0.2.
  const auto ts = ticks({{2, 3}, Scale::log10}, 400, 50);
  EXPECT_EQ(labels_of(ts), (std::vector<std::string>{"2", "2.2", "2.4", "2.6", "2.8", "3"}));
  for (const Tick& t : ts) EXPECT_TRUE(t.major);
}

TEST(PlotTicks, NarrowLogRanges) {
  // [1.1, 9.9]: 400 / log10(9) = 419 px per decade, * log10(2) = 126 >= 50, so 1-2-5. No decade is inside;
  // 2 and 5 are labelled (two labels: enough), 3, 4, 6, 7, 8, 9 unlabelled.
  const auto ts = ticks({{1.1, 9.9}, Scale::log10}, 400, 50);
  EXPECT_EQ(values_of(ts), (std::vector<double>{2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(labels_of(ts), (std::vector<std::string>{"2", "", "", "5", "", "", "", ""}));
  // [1.5, 4.5]: only "2" of 1-2-5 -> decimal steps. Raw 3 * 50 / 400 = 0.375 -> 0.5. With
  // 400 / log10(3) = 838.4 px per decade the top gap is log10(4.5 / 4) * 838.4 = 42.9 < 50, so widen to 1:
  // log10(4.5 / 3.5) * 838.4 = 91.5 >= 50. Ticks 2, 3, 4.
  const auto fallback = ticks({{1.5, 4.5}, Scale::log10}, 400, 50);
  EXPECT_EQ(labels_of(fallback), (std::vector<std::string>{"2", "3", "4"}));
}

TEST(PlotTicks, LabelledTicksKeepTheirSpacing) {
  // Pixel positions worked out independently of the code: linear (v - lo) / w, log via std::log10.
  struct Case {
    Axis axis;
    double length, spacing;
  };
  const Case cases[] = {{{{0, 1}, Scale::linear}, 400, 50},      {{{-7.3, 1234.5}, Scale::linear}, 900, 70},
                        {{{1e-3, 10}, Scale::log10}, 400, 50},  {{{1e-20, 1e20}, Scale::log10}, 250, 40},
                        {{{0.3, 42}, Scale::log10}, 700, 45},    {{{1.01, 1.09}, Scale::log10}, 500, 60}};
  for (const Case& c : cases) {
    const auto ts = ticks(c.axis, c.length, c.spacing);
    const bool log = c.axis.scale == Scale::log10;
    const auto pixel = [&](double v) {
      const double lo = log ? std::log10(c.axis.range.lo) : c.axis.range.lo;
      const double hi = log ? std::log10(c.axis.range.hi) : c.axis.range.hi;
      return ((log ? std::log10(v) : v) - lo) / (hi - lo) * c.length;
    };
    double previous = -1e9;
    int labelled = 0;
    for (const Tick& t : ts) {
      EXPECT_GE(t.value, c.axis.range.lo);
      EXPECT_LE(t.value, c.axis.range.hi);
      if (t.label.empty()) continue;
      EXPECT_GE(pixel(t.value) - previous, c.spacing - 1e-9) << t.label;
      previous = pixel(t.value);
      ++labelled;
    }
    EXPECT_GE(labelled, 2) << c.axis.range.lo << ".." << c.axis.range.hi;
  }
}

TEST(PlotTicks, NothingForNoRoom) {
  EXPECT_TRUE(ticks({{0, 1}, Scale::linear}, 0, 50).empty());
  EXPECT_TRUE(ticks({{0, 1}, Scale::linear}, 400, 0).empty());
  EXPECT_TRUE(ticks({{0, 1}, Scale::linear}, std::nan(""), 50).empty());
  EXPECT_TRUE(ticks({{0, 1}, Scale::linear}, 400, std::numeric_limits<double>::infinity()).empty());
  // Spacing wider than the axis: at most one tick (the step 5 > the width 1 leaves only 0).
  EXPECT_EQ(labels_of(ticks({{0, 1}, Scale::linear}, 10, 40)), (std::vector<std::string>{"0"}));
  EXPECT_LE(ticks({{-1e300, 1e300}, Scale::linear}, 400, 1e300).size(), 1u);
  EXPECT_LE(ticks({{1e-300, 1e300}, Scale::log10}, 400, 1e300).size(), 1u);
  // A broken range still gets ticks (of its repaired range, 4.5..5.5: step 0.2 -> 4.6 .. 5.4).
  EXPECT_EQ(labels_of(ticks({{5, 5}, Scale::linear}, 400, 50)),
            (std::vector<std::string>{"4.6", "4.8", "5", "5.2", "5.4"}));
}

TEST(PlotTicks, BrokenRangesStillTickSanely) {
  // Whatever the range, ticks stay finite and few: a labelled tick per 50 px of 400 px is at most 9 labels.
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  const double values[] = {nan, inf, -inf, 0.0, 5e-324, 1e-300, 1.0, 1.0 + 1e-15, -3.0, 1e300, 1.7e308, -1.7e308};
  for (Scale scale : {Scale::linear, Scale::log10}) {
    for (double lo : values) {
      for (double hi : values) {
        int labelled = 0;
        for (const Tick& t : ticks({{lo, hi}, scale}, 400, 50)) {
          ASSERT_TRUE(std::isfinite(t.value)) << lo << " " << hi;
          labelled += !t.label.empty();
        }
        EXPECT_LE(labelled, 9) << lo << " " << hi;
      }
    }
  }
}

}  // namespace
}  // namespace limuon::gui::plot
