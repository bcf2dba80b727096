// An append-only (x, y) series, such as one metric of one run, with a min/max pyramid so that any index range's
// y extremes come back in O(log n): what lets a million points draw in O(pixels).
#pragma once

#include <cstddef>
#include <vector>

namespace limuon::gui::plot {

class Series {
 public:
  // x must not decrease: a smaller (or NaN) x is raised to the last x (0 for the first point). y may be NaN/inf.
  // Amortised O(1).
  void append(double x, double y);
  void clear();

  size_t size() const { return xs_.size(); }
  const std::vector<double>& xs() const { return xs_; }
  const std::vector<double>& ys() const { return ys_; }
  const std::vector<size_t>& nonfinite() const { return nonfinite_; }  // indices of NaN/inf y, ascending

  struct MinMax {
    double min, max;  // NaN when !any
    bool any;         // false when no finite y in range
  };
  // Over the finite y in [first, last) (last is clamped to size()), in O(log n).
  MinMax minmax(size_t first, size_t last) const;
  // The same over the finite y > 0 only, for log y axes.
  MinMax minmax_positive(size_t first, size_t last) const;

  // The first index in [first, last) with a finite y (> 0 if positive_only), or `last` when there is none.
  // O(log n), for a column's first and last drawn value however many NaNs it holds.
  size_t first_finite(size_t first, size_t last, bool positive_only = false) const;
  // The last such index, or `last` when there is none.
  size_t last_finite(size_t first, size_t last, bool positive_only = false) const;

  size_t lower_bound(double x) const;  // first index with xs[i] >= x
  size_t upper_bound(double x) const;  // first index with xs[i] > x

 private:
  // Extremes of one block of points; min > max (+inf, -inf) when it holds no finite y, and min_positive is
  // +inf when it holds no finite y > 0. The positive maximum needs no field: it is max whenever max > 0.
  struct Extremes {
    double min, max, min_positive;
    bool any(bool positive_only) const;
    void merge(const Extremes& other);
  };
  static Extremes of_point(double y);
  static Extremes empty();

  Extremes block(int level, size_t index) const;  // points [index << level, (index + 1) << level)
  Extremes range_extremes(size_t first, size_t last) const;
  size_t descend(int level, size_t index, bool positive_only, bool from_the_right) const;

  std::vector<double> xs_, ys_;
  std::vector<size_t> nonfinite_;
  // pyramid_[i] holds the complete blocks of 2^(kLeafLevel + i) points. Blocks below kLeafLevel are read from
  // ys_ directly: an 8x smaller pyramid for at most 2 x 7 extra reads per query.
  static constexpr int kLeafLevel = 3;
  std::vector<std::vector<Extremes>> pyramid_;
};

}  // namespace limuon::gui::plot
