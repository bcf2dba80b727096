// nearest_index and hit_point, with pixel positions worked out by hand.
#include <gtest/gtest.h>

#include <limits>

#include "gui/plot/hit_test.hpp"

namespace limuon::gui::plot {
namespace {

Series series_of(std::initializer_list<std::pair<double, double>> points) {
  Series s;
  for (const auto& [x, y] : points) s.append(x, y);
  return s;
}

TEST(PlotHitTest, NearestIndex) {
  const Series s = series_of({{0, 0}, {1, 0}, {1, 0}, {3, 0}});
  EXPECT_EQ(nearest_index(s, 0.9), 1u);   // |0.9 - 0| = 0.9 vs |1 - 0.9| = 0.1: the first of the two 1s
  EXPECT_EQ(nearest_index(s, 1), 1u);     // exact: the earliest of equal xs
  EXPECT_EQ(nearest_index(s, 2), 2u);     // 1 away from index 2 and from index 3: the earlier
  EXPECT_EQ(nearest_index(s, 2.1), 3u);   // 1.1 vs 0.9
  EXPECT_EQ(nearest_index(s, 0.5), 0u);   // 0.5 vs 0.5: the earlier
  EXPECT_EQ(nearest_index(s, -5), 0u);
  EXPECT_EQ(nearest_index(s, 10), 3u);
  EXPECT_EQ(nearest_index(s, std::numeric_limits<double>::quiet_NaN()), npos);
  EXPECT_EQ(nearest_index(Series{}, 1), npos);
}

TEST(PlotHitTest, HitPointWithinRadius) {
  // Axes 0..10 both ways on 100 x 100 px: (x, y) sits at pixel (10x, 100 - 10y).
  const Series s = series_of({{0, 0}, {5, 5}, {10, 10}});
  const Axis x{{0, 10}, Scale::linear}, y{{0, 10}, Scale::linear};
  // (5, 5) at (50, 50); cursor (53, 54) is sqrt(9 + 16) = 5 px away.
  EXPECT_EQ(hit_point(s, x, y, 100, 100, 53, 54, 6), 1u);
  EXPECT_EQ(hit_point(s, x, y, 100, 100, 53, 54, 5), 1u);  // the radius is inclusive
  EXPECT_EQ(hit_point(s, x, y, 100, 100, 53, 54, 4.9), npos);
  // (0, 0) is the bottom-left pixel (0, 100); (10, 10) the top-right (100, 0).
  EXPECT_EQ(hit_point(s, x, y, 100, 100, 1, 99, 3), 0u);
  EXPECT_EQ(hit_point(s, x, y, 100, 100, 99, 2, 3), 2u);
  EXPECT_EQ(hit_point(s, x, y, 100, 100, 99, 98, 3), npos);  // where (10, 10) would be with y not flipped
}

TEST(PlotHitTest, HitPointPicksTheNearest) {
  // (4, 5) at (40, 50) and (6, 5) at (60, 50); cursor (52, 50): 12 px and 8 px away.
  const Series s = series_of({{4, 5}, {6, 5}});
  const Axis x{{0, 10}, Scale::linear}, y{{0, 10}, Scale::linear};
  EXPECT_EQ(hit_point(s, x, y, 100, 100, 52, 50, 15), 1u);
  EXPECT_EQ(hit_point(s, x, y, 100, 100, 50, 50, 15), 0u);  // 10 px each: the earlier
}

TEST(PlotHitTest, HitPointSkipsUnplaceablePoints) {
  // NaN y, and y = -1 on a log axis, cannot be drawn, so cannot be hit.
  const Series s = series_of({{5, std::numeric_limits<double>::quiet_NaN()}, {5, -1}, {5, 100}});
  const Axis x{{0, 10}, Scale::linear};
  const Axis log_y{{1, 1e4}, Scale::log10};
  // 100 on 1..1e4 (log) is decade 2 of 4: unit 0.5 -> pixel y 50. x = 5 -> pixel x 50.
  EXPECT_EQ(hit_point(s, x, log_y, 100, 100, 50, 50, 2), 2u);
  EXPECT_EQ(hit_point(s, x, log_y, 100, 100, 50, 90, 5), npos);
  EXPECT_EQ(hit_point(s, x, log_y, 0, 100, 50, 50, 5), npos);  // no plot area
  EXPECT_EQ(hit_point(Series{}, x, log_y, 100, 100, 50, 50, 5), npos);
}

}  // namespace
}  // namespace limuon::gui::plot
