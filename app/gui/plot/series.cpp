// Series storage and its min/max pyramid. Queries use the bottom-up segment-tree walk: at each level take the
// odd block at either end, then halve; every block taken lies inside [first, last), so it is complete.
#include "gui/plot/series.hpp"

#include <algorithm>
#include <cmath>

namespace limuon::gui::plot {

bool Series::Extremes::any(bool positive_only) const {
  return positive_only ? min_positive < INFINITY : min <= max;
}

void Series::Extremes::merge(const Extremes& other) {
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  min_positive = std::min(min_positive, other.min_positive);
}

Series::Extremes Series::empty() { return {INFINITY, -INFINITY, INFINITY}; }

Series::Extremes Series::of_point(double y) {
  if (!std::isfinite(y)) return empty();
  return {y, y, y > 0 ? y : INFINITY};
}

void Series::append(double x, double y) {
  if (!xs_.empty()) {
    if (!(x >= xs_.back())) x = xs_.back();  // also catches NaN
  } else if (std::isnan(x)) {
    x = 0;
  }
  xs_.push_back(x);
  ys_.push_back(y);
  const size_t n = ys_.size();
  if (!std::isfinite(y)) nonfinite_.push_back(n - 1);

  // A block enters the pyramid once it is complete; each completed pair then completes its parent, so the
  // work per append is amortised O(1) (two merges on average).
  constexpr size_t leaf_size = size_t{1} << kLeafLevel;
  if (n % leaf_size != 0) return;
  Extremes completed = empty();
  for (size_t i = n - leaf_size; i < n; ++i) completed.merge(of_point(ys_[i]));
  for (size_t level = 0;; ++level) {
    if (pyramid_.size() == level) pyramid_.emplace_back();
    std::vector<Extremes>& blocks = pyramid_[level];
    blocks.push_back(completed);
    if (blocks.size() % 2 != 0) break;
    completed = blocks[blocks.size() - 2];
    completed.merge(blocks.back());
  }
}

void Series::clear() {
  xs_.clear();
  ys_.clear();
  nonfinite_.clear();
  pyramid_.clear();
}

Series::Extremes Series::block(int level, size_t index) const {
  if (level >= kLeafLevel) return pyramid_[level - kLeafLevel][index];
  Extremes e = empty();
  for (size_t i = index << level; i < (index + 1) << level; ++i) e.merge(of_point(ys_[i]));
  return e;
}

Series::Extremes Series::range_extremes(size_t first, size_t last) const {
  Extremes e = empty();
  last = std::min(last, size());
  for (int level = 0; first < last; ++level, first >>= 1, last >>= 1) {
    if (first & 1) e.merge(block(level, first++));
    if (last & 1) e.merge(block(level, --last));
  }
  return e;
}

Series::MinMax Series::minmax(size_t first, size_t last) const {
  const Extremes e = range_extremes(first, last);
  if (!e.any(false)) return {NAN, NAN, false};
  return {e.min, e.max, true};
}

Series::MinMax Series::minmax_positive(size_t first, size_t last) const {
  const Extremes e = range_extremes(first, last);
  if (!e.any(true)) return {NAN, NAN, false};
  return {e.min_positive, e.max, true};  // a positive y exists, so the overall max is positive
}

// From a block known to hold a wanted y, down to the point: at each level keep the child nearer the wanted end
// if it holds one, else the other.
size_t Series::descend(int level, size_t index, bool positive_only, bool from_the_right) const {
  for (; level > 0; --level) {
    const size_t nearer = 2 * index + (from_the_right ? 1 : 0);
    const size_t farther = 2 * index + (from_the_right ? 0 : 1);
    index = block(level - 1, nearer).any(positive_only) ? nearer : farther;
  }
  return index;
}

namespace {
struct BlockRef {
  int level;
  size_t index;
};
// The bottom-up walk meets at most two blocks per level, and there are fewer than 64 levels.
constexpr int kMaxLevels = 64;
}  // namespace

size_t Series::first_finite(size_t first, size_t last, bool positive_only) const {
  // Left-end blocks come in ascending order; right-end ones in descending order, so they wait until the
  // left end is exhausted and are then tried innermost first.
  size_t lo = first, hi = std::min(last, size());
  if (lo < hi && of_point(ys_[lo]).any(positive_only)) return lo;  // the usual case, without the walk
  BlockRef right[kMaxLevels];
  int right_count = 0;
  for (int level = 0; lo < hi; ++level, lo >>= 1, hi >>= 1) {
    if (lo & 1) {
      if (block(level, lo).any(positive_only)) return descend(level, lo, positive_only, false);
      ++lo;
    }
    if (hi & 1) right[right_count++] = {level, --hi};
  }
  for (int i = right_count - 1; i >= 0; --i) {
    if (block(right[i].level, right[i].index).any(positive_only)) {
      return descend(right[i].level, right[i].index, positive_only, false);
    }
  }
  return last;
}

size_t Series::last_finite(size_t first, size_t last, bool positive_only) const {
  // The mirror of first_finite: right-end blocks in descending order first, then left-end ones innermost first.
  size_t lo = first, hi = std::min(last, size());
  if (lo < hi && of_point(ys_[hi - 1]).any(positive_only)) return hi - 1;
  BlockRef left[kMaxLevels];
  int left_count = 0;
  for (int level = 0; lo < hi; ++level, lo >>= 1, hi >>= 1) {
    if (hi & 1) {
      if (block(level, hi - 1).any(positive_only)) return descend(level, hi - 1, positive_only, true);
      --hi;
    }
    if (lo & 1) left[left_count++] = {level, lo++};
  }
  for (int i = left_count - 1; i >= 0; --i) {
    if (block(left[i].level, left[i].index).any(positive_only)) {
      return descend(left[i].level, left[i].index, positive_only, true);
    }
  }
  return last;
}

size_t Series::lower_bound(double x) const {
  return static_cast<size_t>(std::lower_bound(xs_.begin(), xs_.end(), x) - xs_.begin());
}

size_t Series::upper_bound(double x) const {
  return static_cast<size_t>(std::upper_bound(xs_.begin(), xs_.end(), x) - xs_.begin());
}

}  // namespace limuon::gui::plot
