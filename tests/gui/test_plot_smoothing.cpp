// The debiased EMA against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "gui/plot/smoothing.hpp"

namespace limuon::gui::plot {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(PlotSmoothing, HandComputedWithWeight06) {
  // w = 0.6, last starts at 0:
  //   y=1: last = 0.4 * 1 = 0.4;                 debias 1 - 0.6 = 0.4     -> 1
  //   y=2: last = 0.4 * 0.6 + 0.4 * 2 = 1.04;    debias 1 - 0.36 = 0.64   -> 1.625
  //   NaN: passes through, state untouched
  //   y=4: last = 1.04 * 0.6 + 0.4 * 4 = 2.224; debias 1 - 0.216 = 0.784 -> 2.224 / 0.784 = 139 / 49
  const std::vector<double> out = smooth({1, 2, kNan, 4}, 0.6);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_DOUBLE_EQ(out[0], 1);
  EXPECT_DOUBLE_EQ(out[1], 1.625);
  EXPECT_TRUE(std::isnan(out[2]));
  EXPECT_DOUBLE_EQ(out[3], 139.0 / 49);
}

TEST(PlotSmoothing, ConstantPrefixThenChange) {
  // w = 0.5 on 2, 2, 5: the first two are constant -> exactly 2. The state still runs:
  // last = 1, then 0.5 + 1 = 1.5, then 0.75 + 2.5 = 3.25; debias 1 - 0.125 = 0.875 -> 3.25 / 0.875 = 26 / 7.
  const std::vector<double> out = smooth({2, 2, 5}, 0.5);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[1], 2);
  EXPECT_DOUBLE_EQ(out[2], 26.0 / 7);
}

TEST(PlotSmoothing, WeightZeroIsTheRawSeries) {
  const std::vector<double> ys = {3, -1, kNan, 7.25, kInf, 1e-300};
  const std::vector<double> out = smooth(ys, 0);
  ASSERT_EQ(out.size(), ys.size());
  for (size_t i = 0; i < ys.size(); ++i) {
    if (std::isnan(ys[i])) EXPECT_TRUE(std::isnan(out[i]));
    else EXPECT_EQ(out[i], ys[i]) << i;
  }
}

TEST(PlotSmoothing, ConstantSeriesStaysExactlyConstant) {
  // 0.1 is not a binary fraction: a plain debiased EMA drifts by rounding error; this must not.
  const std::vector<double> ys(1000, 0.1);
  for (double w : {0.6, 0.9, 0.99, 0.999}) {
    for (double y : smooth(ys, w)) ASSERT_EQ(y, 0.1) << w;
  }
  // Non-finite values in between do not break constancy.
  const std::vector<double> out = smooth({kNan, 3, kInf, 3, 3}, 0.9);
  EXPECT_TRUE(std::isnan(out[0]));
  EXPECT_EQ(out[1], 3);
  EXPECT_EQ(out[2], kInf);
  EXPECT_EQ(out[3], 3);
  EXPECT_EQ(out[4], 3);
}

TEST(PlotSmoothing, NonfiniteValuesPassThroughAndDoNotCount) {
  // w = 0.5: inf passes; then y = 1 is the first finite value: last 0.5, debias 1 - 0.5 -> 1;
  // y = 3: last 0.25 + 1.5 = 1.75, debias 1 - 0.25 = 0.75 -> 7 / 3.
  DebiasedEma ema(0.5);
  EXPECT_EQ(ema.push(kInf), kInf);
  EXPECT_EQ(ema.push(-kInf), -kInf);
  EXPECT_DOUBLE_EQ(ema.push(1), 1);
  EXPECT_DOUBLE_EQ(ema.push(3), 7.0 / 3);
  ema.reset();
  EXPECT_DOUBLE_EQ(ema.push(4), 4);  // first value after a reset is itself
  EXPECT_EQ(ema.weight(), 0.5);
}

TEST(PlotSmoothing, WeightIsClamped) {
  EXPECT_EQ(DebiasedEma(1.5).weight(), 0.999);
  EXPECT_EQ(DebiasedEma(1).weight(), 0.999);
  EXPECT_EQ(DebiasedEma(-0.2).weight(), 0);
  EXPECT_EQ(DebiasedEma(kNan).weight(), 0);
  // At the clamp the output is still finite: w = 0.999 on 1, 2 -> last 0.001, then 0.000999 + 0.002 = 0.002999;
  // debias 1 - 0.999^2 = 0.001999 -> 0.002999 / 0.001999 = 1.50025...
  const std::vector<double> out = smooth({1, 2}, 1);
  EXPECT_NEAR(out[1], 0.002999 / 0.001999, 1e-9);
}

}  // namespace
}  // namespace limuon::gui::plot
