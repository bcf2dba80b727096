// visible() and the per-pixel min/max envelope, including a million-point series whose single spike must show.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "gui/plot/decimate.hpp"

namespace limuon::gui::plot {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

Series integers(int n) {
  Series s;
  for (int i = 0; i < n; ++i) s.append(i, i);
  return s;
}

TEST(PlotDecimate, VisibleAddsOneNeighbourEachSide) {
  const Series s = integers(10);  // x = 0..9
  // Inside [2.5, 5.5]: 3, 4, 5; neighbours 2 and 6 -> [2, 7).
  IndexRange r = visible(s, {2.5, 5.5});
  EXPECT_EQ(r.first, 2u);
  EXPECT_EQ(r.last, 7u);
  // Inside [3, 5] (ends included): 3, 4, 5 -> [2, 7) again.
  r = visible(s, {3, 5});
  EXPECT_EQ(r.first, 2u);
  EXPECT_EQ(r.last, 7u);
  // Nothing inside [3.2, 3.8], but the line 3 -> 4 crosses it: [3, 5).
  r = visible(s, {3.2, 3.8});
  EXPECT_EQ(r.first, 3u);
  EXPECT_EQ(r.last, 5u);
  // Past the end: only the last point; before the start: only the first; everything; NaN: everything.
  r = visible(s, {20, 30});
  EXPECT_EQ(r.first, 9u);
  EXPECT_EQ(r.last, 10u);
  r = visible(s, {-5, -1});
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 1u);
  r = visible(s, {-100, 100});
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 10u);
  r = visible(s, {kNan, 4});
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 10u);
  r = visible(Series{}, {0, 1});
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 0u);
}

TEST(PlotDecimate, MillionPointsKeepTheirSpike) {
  // x = i for i < 1e6 on an axis 0..1e6 over 800 px: column c holds i in [1250c, 1250(c+1)).
  // y = (i % 10) / 1000, so every column spans 0 .. 0.009; one spike of 1e6 at i = 500003 (column 400) and one
  // NaN at i = 250000, the first point of column 200.
  constexpr size_t n = 1'000'000, spike = 500'003, nan_at = 250'000;
  Series s;
  for (size_t i = 0; i < n; ++i) {
    double y = static_cast<double>(i % 10) / 1000;
    if (i == spike) y = 1e6;
    if (i == nan_at) y = kNan;
    s.append(static_cast<double>(i), y);
  }
  EXPECT_EQ(s.nonfinite(), (std::vector<size_t>{nan_at}));

  const std::vector<Column> columns = envelope(s, {{0, 1e6}, Scale::linear}, 800);
  ASSERT_EQ(columns.size(), 800u);
  for (int c = 0; c < 800; ++c) {
    const Column& col = columns[c];
    ASSERT_EQ(col.px, c);
    EXPECT_EQ(col.first, 1250u * c);
    EXPECT_EQ(col.last, 1250u * (c + 1));
    EXPECT_EQ(col.y_min, 0) << c;
    EXPECT_EQ(col.y_max, c == 400 ? 1e6 : 0.009) << c;
    // Each column starts at a multiple of 10 (y 0) and ends at one less (y 0.009), except that the NaN at the
    // start of column 200 is skipped: its first finite y is at 250001, (250001 % 10) / 1000 = 0.001.
    EXPECT_EQ(col.y_first, c == 200 ? 0.001 : 0) << c;
    EXPECT_EQ(col.y_last, 0.009) << c;
  }

  // Striding instead (one point per column, i = 1250c) would show none of the spike: every sampled y is
  // (1250c % 10) / 1000 = 0.
  double strided_max = 0;
  for (size_t c = 0; c < 800; ++c) strided_max = std::max(strided_max, s.ys()[1250 * c]);
  EXPECT_EQ(strided_max, 0);
}

TEST(PlotDecimate, SparsePointsOneColumnEach) {
  // x = 0..4 on 0..4 over 4 px: pixel floor(x), and x = 4 (the range end) joins the last column.
  const Series s = integers(5);
  const std::vector<Column> columns = envelope(s, {{0, 4}, Scale::linear}, 4);
  ASSERT_EQ(columns.size(), 4u);
  const size_t firsts[] = {0, 1, 2, 3}, lasts[] = {1, 2, 3, 5};
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(columns[c].px, c);
    EXPECT_EQ(columns[c].first, firsts[c]);
    EXPECT_EQ(columns[c].last, lasts[c]);
  }
  EXPECT_EQ(columns[3].y_min, 3);
  EXPECT_EQ(columns[3].y_max, 4);
  EXPECT_EQ(columns[3].y_first, 3);
  EXPECT_EQ(columns[3].y_last, 4);
}

TEST(PlotDecimate, OnlyPointsInsideTheRange) {
  // x = 0..9 on 2..3 over 2 px: column 0 is [2, 2.5) -> point 2, column 1 is [2.5, 3] -> point 3.
  const Series s = integers(10);
  const std::vector<Column> columns = envelope(s, {{2, 3}, Scale::linear}, 2);
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0].first, 2u);
  EXPECT_EQ(columns[0].last, 3u);
  EXPECT_EQ(columns[1].first, 3u);
  EXPECT_EQ(columns[1].last, 4u);
}

TEST(PlotDecimate, LogXAxis) {
  // x = 1, 10, 100, 1000 on a log axis 1..1000 over 3 px: one decade per pixel, 1000 joins the last column.
  Series s;
  for (double x : {1.0, 10.0, 100.0, 1000.0}) s.append(x, x);
  const std::vector<Column> columns = envelope(s, {{1, 1000}, Scale::log10}, 3);
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[0].first, 0u);
  EXPECT_EQ(columns[1].first, 1u);
  EXPECT_EQ(columns[2].first, 2u);
  EXPECT_EQ(columns[2].last, 4u);
  EXPECT_EQ(columns[2].y_min, 100);
  EXPECT_EQ(columns[2].y_max, 1000);
}

TEST(PlotDecimate, NonfiniteAndNonPositiveColumns) {
  // x = 0..5 on 0..6 over 3 px: columns [0, 2), [2, 4), [4, 6].
  // ys: NaN, NaN | -3, 2 | -1, -2.
  Series s;
  const double ys[] = {kNan, kNan, -3, 2, -1, -2};
  for (int i = 0; i < 6; ++i) s.append(i, ys[i]);
  const Axis axis{{0, 6}, Scale::linear};
  // All: column 0 has no finite y (omitted); column 1 spans -3..2; column 2 spans -2..-1.
  std::vector<Column> columns = envelope(s, axis, 3);
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0].px, 1);
  EXPECT_EQ(columns[0].y_min, -3);
  EXPECT_EQ(columns[0].y_max, 2);
  EXPECT_EQ(columns[1].px, 2);
  EXPECT_EQ(columns[1].y_first, -1);
  EXPECT_EQ(columns[1].y_last, -2);
  // Positive only (log y): just column 1, holding the 2.
  columns = envelope(s, axis, 3, true);
  ASSERT_EQ(columns.size(), 1u);
  EXPECT_EQ(columns[0].px, 1);
  EXPECT_EQ(columns[0].y_min, 2);
  EXPECT_EQ(columns[0].y_max, 2);
  EXPECT_EQ(columns[0].y_first, 2);
  EXPECT_EQ(columns[0].y_last, 2);
  EXPECT_TRUE(envelope(s, axis, 0).empty());
  EXPECT_TRUE(envelope(Series{}, axis, 100).empty());
}

TEST(PlotDecimate, PolylineThreshold) {
  // Up to 2 points per pixel column: 1600 points on 800 px yes, 1601 no.
  EXPECT_TRUE(draw_as_polyline({0, 1600}, 800));
  EXPECT_FALSE(draw_as_polyline({0, 1601}, 800));
  EXPECT_TRUE(draw_as_polyline({100, 100}, 800));
  EXPECT_TRUE(draw_as_polyline({0, 2}, 0));  // no width: counted as 1 px
}

}  // namespace
}  // namespace limuon::gui::plot
