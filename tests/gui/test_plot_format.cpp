// Label and duration formatting, against hand-written strings.
#include <gtest/gtest.h>

#include <limits>

#include "gui/plot/format.hpp"

namespace limuon::gui::plot {
namespace {

TEST(PlotFormat, DecimalsFollowTheStep) {
  EXPECT_EQ(format_value(0.2, 0.2), "0.2");
  EXPECT_EQ(format_value(3 * 0.2, 0.2), "0.6");  // 0.6000000000000001
  EXPECT_EQ(format_value(1, 0.2), "1");          // trailing zeros go: "1.0" -> "1"
  EXPECT_EQ(format_value(0.25, 0.05), "0.25");   // 0.05 needs 2 decimals
  EXPECT_EQ(format_value(0.75, 0.25), "0.75");   // 0.25 is not one-digit: 2 decimals
  EXPECT_EQ(format_value(123.456, 0.001), "123.456");
  EXPECT_EQ(format_value(-0.015, 0.005), "-0.015");
  EXPECT_EQ(format_value(40, 20), "40");
  EXPECT_EQ(format_value(1000, 100), "1000");  // below 1e4 stays plain
}

TEST(PlotFormat, ZeroResidueIsZero) {
  EXPECT_EQ(format_value(0.1 + 0.2 - 0.3, 0.1), "0");  // 5.55e-17, far below 0.1 * 1e-6
  EXPECT_EQ(format_value(-1e-17, 0.5), "0");
  EXPECT_EQ(format_value(0, 0.5), "0");
}

TEST(PlotFormat, ThousandsSuffixes) {
  EXPECT_EQ(format_value(12000, 1000), "12k");
  EXPECT_EQ(format_value(-12000, 1000), "-12k");
  EXPECT_EQ(format_value(15500, 500), "15.5k");     // step 500 = 0.5k: one decimal
  EXPECT_EQ(format_value(1.5e6, 5e5), "1.5M");
  EXPECT_EQ(format_value(2e9, 1e9), "2G");
  EXPECT_EQ(format_value(3.25e12, 2.5e11), "3.25T");  // 0.25T: two decimals
  EXPECT_EQ(format_value(999999.7, 1000), "1M");      // 999.9997k rounds to 1000k: say 1M
}

TEST(PlotFormat, ExponentForm) {
  EXPECT_EQ(format_value(1e-5, 1e-5), "1e-05");
  EXPECT_EQ(format_value(1.5e-5, 5e-6), "1.5e-05");  // step is 0.5 of the leading digit: one decimal
  EXPECT_EQ(format_value(-2e-7, 1e-7), "-2e-07");
  EXPECT_EQ(format_value(2.5e15, 5e14), "2.5e+15");
  EXPECT_EQ(format_value(1e-4, 1e-4), "0.0001");  // 1e-4 itself is still plain
}

TEST(PlotFormat, NoStepMeansSixSignificantDigits) {
  EXPECT_EQ(format_value(1.0 / 3, 0), "0.333333");
  EXPECT_EQ(format_value(3, 0), "3");
  EXPECT_EQ(format_value(2.0 / 3 * 1e5, std::numeric_limits<double>::quiet_NaN()), "66.6667k");
}

TEST(PlotFormat, NonFiniteValues) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN(), 1), "nan");
  EXPECT_EQ(format_value(inf, 1), "inf");
  EXPECT_EQ(format_value(-inf, 1), "-inf");
}

TEST(PlotFormat, ExtremeInputsStillGiveText) {
  // Denormals and absurd steps: no crash, no empty label (the sanitizer build checks for undefined behaviour).
  EXPECT_EQ(format_value(5e-324, 0), "5e-324");  // the smallest denormal: too small for six digits
  EXPECT_FALSE(format_value(1e-310, 1e-320).empty());
  EXPECT_FALSE(format_value(1e308, 1e-300).empty());
  EXPECT_EQ(format_value(1.7e308, 1e308), "2e+308");  // step 1e308: no decimals
}

TEST(PlotFormat, Durations) {
  EXPECT_EQ(format_duration(0.95), "950 ms");
  EXPECT_EQ(format_duration(0), "0 ms");
  EXPECT_EQ(format_duration(0.9996), "1.0 s");  // 999.6 ms rounds to 1000 ms: seconds
  EXPECT_EQ(format_duration(12.34), "12.3 s");
  EXPECT_EQ(format_duration(59.96), "1 min 00 s");  // 59.96 rounds to 60.0 s: minutes
  EXPECT_EQ(format_duration(245), "4 min 05 s");    // 4 * 60 + 5
  EXPECT_EQ(format_duration(3599.6), "1 h 00 min");  // 3600 s
  EXPECT_EQ(format_duration(3720), "1 h 02 min");    // 62 min
  EXPECT_EQ(format_duration(7199), "2 h 00 min");    // 119.98 min rounds to 120
  EXPECT_EQ(format_duration(100000), "27 h 47 min");  // 1666.67 min -> 1667 = 27 * 60 + 47
  EXPECT_EQ(format_duration(-5), "-5.0 s");
  EXPECT_EQ(format_duration(std::numeric_limits<double>::quiet_NaN()), "--");
}

}  // namespace
}  // namespace limuon::gui::plot
