// Debiased EMA. The constant-series case is kept exact because a flat line drawn with a wiggle of 1e-16 would
// make an auto-fitted y axis zoom into rounding noise.
#include "gui/plot/smoothing.hpp"

#include <algorithm>
#include <cmath>

namespace limuon::gui::plot {

namespace {
// At weight 1 the average would never move and 1 - w^n would be 0; TensorBoard's slider also stops at 0.999.
constexpr double kMaxWeight = 0.999;
}  // namespace

DebiasedEma::DebiasedEma(double weight) : weight_(std::isnan(weight) ? 0 : std::clamp(weight, 0.0, kMaxWeight)) {}

double DebiasedEma::push(double y) {
  if (!std::isfinite(y)) return y;
  if (count_ == 0) first_value_ = y;
  constant_ = constant_ && y == first_value_;
  ++count_;
  last_ = last_ * weight_ + (1 - weight_) * y;
  weight_power_ *= weight_;
  if (constant_) return y;
  return last_ / (1 - weight_power_);
}

void DebiasedEma::reset() { *this = DebiasedEma(weight_); }

std::vector<double> smooth(const std::vector<double>& ys, double weight) {
  DebiasedEma ema(weight);
  std::vector<double> out;
  out.reserve(ys.size());
  for (double y : ys) out.push_back(ema.push(y));
  return out;
}

}  // namespace limuon::gui::plot
