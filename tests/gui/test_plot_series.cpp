// Series storage and its min/max pyramid, checked against brute-force loops over the same values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gui/plot/series.hpp"

namespace limuon::gui::plot {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The independent reference: a plain loop.
Series::MinMax brute_minmax(const std::vector<double>& ys, size_t first, size_t last, bool positive_only) {
  Series::MinMax m{kInf, -kInf, false};
  for (size_t i = first; i < last && i < ys.size(); ++i) {
    if (!std::isfinite(ys[i]) || (positive_only && ys[i] <= 0)) continue;
    m.min = std::min(m.min, ys[i]);
    m.max = std::max(m.max, ys[i]);
    m.any = true;
  }
  return m;
}

size_t brute_first(const std::vector<double>& ys, size_t first, size_t last, bool positive_only) {
  for (size_t i = first; i < last; ++i) {
    if (std::isfinite(ys[i]) && (!positive_only || ys[i] > 0)) return i;
  }
  return last;
}

size_t brute_last(const std::vector<double>& ys, size_t first, size_t last, bool positive_only) {
  for (size_t i = last; i > first; --i) {
    if (std::isfinite(ys[i - 1]) && (!positive_only || ys[i - 1] > 0)) return i - 1;
  }
  return last;
}

void expect_same(const Series::MinMax& got, const Series::MinMax& want, size_t first, size_t last) {
  ASSERT_EQ(got.any, want.any) << first << ".." << last;
  if (!want.any) return;
  EXPECT_EQ(got.min, want.min) << first << ".." << last;
  EXPECT_EQ(got.max, want.max) << first << ".." << last;
}

// Random y with NaNs, infinities, zeros (not positive: they must stay out of minmax_positive) and negatives.
std::vector<double> noisy_values(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> value(-100, 100);
  std::uniform_int_distribution<int> kind(0, 19);
  std::vector<double> ys;
  for (size_t i = 0; i < n; ++i) {
    const int k = kind(rng);
    ys.push_back(k == 0 ? kNan : k == 1 ? kInf : k == 2 ? -kInf : k == 3 ? 0.0 : value(rng));
  }
  return ys;
}

TEST(PlotSeries, StoresPointsAndNonfiniteIndices) {
  Series s;
  s.append(0, 1);
  s.append(1, kNan);
  s.append(2, 3);
  s.append(3, -kInf);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.xs(), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(s.ys()[2], 3);
  EXPECT_EQ(s.nonfinite(), (std::vector<size_t>{1, 3}));
  s.clear();
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.nonfinite().empty());
  EXPECT_FALSE(s.minmax(0, 10).any);
}

TEST(PlotSeries, SmallerOrNanXIsRaisedToTheLast) {
  Series s;
  s.append(kNan, 1);  // first point: 0
  s.append(5, 1);
  s.append(3, 1);     // 3 < 5 -> 5
  s.append(kNan, 1);  // -> 5
  s.append(6, 1);
  EXPECT_EQ(s.xs(), (std::vector<double>{0, 5, 5, 5, 6}));
}

TEST(PlotSeries, BoundsWithDuplicates) {
  Series s;
  for (double x : {0.0, 1.0, 1.0, 1.0, 2.0}) s.append(x, 0);
  EXPECT_EQ(s.lower_bound(1), 1u);
  EXPECT_EQ(s.upper_bound(1), 4u);
  EXPECT_EQ(s.lower_bound(1.5), 4u);
  EXPECT_EQ(s.upper_bound(1.5), 4u);
  EXPECT_EQ(s.lower_bound(-1), 0u);
  EXPECT_EQ(s.upper_bound(-1), 0u);
  EXPECT_EQ(s.lower_bound(3), 5u);
  EXPECT_EQ(s.upper_bound(2), 5u);
}

TEST(PlotSeries, MinmaxHandExample) {
  Series s;
  const double ys[] = {4, kNan, -2, 7, kInf, 0.5, -kInf, 3, 9, 1};
  for (int i = 0; i < 10; ++i) s.append(i, ys[i]);
  // Over all: finite values 4, -2, 7, 0.5, 3, 9, 1 -> min -2, max 9; positive: min 0.5, max 9.
  Series::MinMax m = s.minmax(0, 10);
  EXPECT_TRUE(m.any);
  EXPECT_EQ(m.min, -2);
  EXPECT_EQ(m.max, 9);
  m = s.minmax_positive(0, 10);
  EXPECT_EQ(m.min, 0.5);
  EXPECT_EQ(m.max, 9);
  // [4, 7): inf, 0.5, -inf -> 0.5 .. 0.5.
  m = s.minmax(4, 7);
  EXPECT_EQ(m.min, 0.5);
  EXPECT_EQ(m.max, 0.5);
  // [1, 3): NaN, -2 -> no positive value.
  EXPECT_FALSE(s.minmax_positive(1, 3).any);
  EXPECT_FALSE(s.minmax(1, 2).any);  // just the NaN
  EXPECT_FALSE(s.minmax(5, 5).any);  // empty
  EXPECT_FALSE(s.minmax(7, 3).any);  // reversed
  EXPECT_EQ(s.minmax(8, 1000).max, 9);  // last clamped to size
  // First/last finite in [4, 7) is index 5; first positive from 1 is index 3 (7); last positive before 7 is 5.
  EXPECT_EQ(s.first_finite(4, 7), 5u);
  EXPECT_EQ(s.last_finite(4, 7), 5u);
  EXPECT_EQ(s.first_finite(1, 10, true), 3u);
  EXPECT_EQ(s.last_finite(0, 7, true), 5u);
  EXPECT_EQ(s.first_finite(1, 2), 2u);  // none: `last`
}

TEST(PlotSeries, MinmaxMatchesBruteForceOnEveryRangeOfASmallSeries) {
  // 77 points: blocks of 8, 16, 32, 64 and ragged ends all occur.
  const std::vector<double> ys = noisy_values(77, 1);
  Series s;
  for (size_t i = 0; i < ys.size(); ++i) s.append(static_cast<double>(i), ys[i]);
  for (size_t first = 0; first <= ys.size(); ++first) {
    for (size_t last = first; last <= ys.size(); ++last) {
      expect_same(s.minmax(first, last), brute_minmax(ys, first, last, false), first, last);
      expect_same(s.minmax_positive(first, last), brute_minmax(ys, first, last, true), first, last);
      for (bool positive : {false, true}) {
        EXPECT_EQ(s.first_finite(first, last, positive), brute_first(ys, first, last, positive));
        EXPECT_EQ(s.last_finite(first, last, positive), brute_last(ys, first, last, positive));
      }
    }
  }
}

TEST(PlotSeries, MinmaxMatchesBruteForceOnRandomRangesOfALargeSeries) {
  const std::vector<double> ys = noisy_values(100'003, 2);
  Series s;
  for (size_t i = 0; i < ys.size(); ++i) s.append(static_cast<double>(i), ys[i]);
  std::mt19937 rng(3);
  std::uniform_int_distribution<size_t> index(0, ys.size());
  for (int trial = 0; trial < 300; ++trial) {
    size_t first = index(rng), last = index(rng);
    if (first > last) std::swap(first, last);
    expect_same(s.minmax(first, last), brute_minmax(ys, first, last, false), first, last);
    expect_same(s.minmax_positive(first, last), brute_minmax(ys, first, last, true), first, last);
  }
}

TEST(PlotSeries, MinmaxIsRightWhileTheSeriesGrows) {
  // Queries between appends see partly built blocks; check every prefix.
  const std::vector<double> ys = noisy_values(70, 4);
  Series s;
  for (size_t n = 1; n <= ys.size(); ++n) {
    s.append(static_cast<double>(n), ys[n - 1]);
    for (size_t first = 0; first < n; ++first) {
      expect_same(s.minmax(first, n), brute_minmax(ys, first, n, false), first, n);
    }
  }
}

TEST(PlotSeries, AllNonfinite) {
  Series s;
  for (int i = 0; i < 40; ++i) s.append(i, i % 2 ? kNan : kInf);
  EXPECT_FALSE(s.minmax(0, 40).any);
  EXPECT_FALSE(s.minmax_positive(0, 40).any);
  EXPECT_EQ(s.first_finite(0, 40), 40u);
  EXPECT_EQ(s.nonfinite().size(), 40u);
}

}  // namespace
}  // namespace limuon::gui::plot
