// TensorBoard-style smoothing of noisy training curves: an exponential moving average with its start-up bias
// divided out, so the first smoothed points are not dragged towards zero.
#pragma once

#include <cstddef>
#include <vector>

namespace limuon::gui::plot {

class DebiasedEma {
 public:
  // weight in [0, 0.999]: 0 shows the raw values; out-of-range weights are clamped, NaN counts as 0.
  explicit DebiasedEma(double weight);
  // The smoothed value to show for y: last = last * w + (1 - w) * y, shown = last / (1 - w^n) with n the number
  // of finite values so far. NaN/inf y come back unchanged and leave the state alone. While every finite value
  // has been the same, that value comes back exactly (TensorBoard special-cases constant series likewise).
  double push(double y);
  void reset();
  double weight() const { return weight_; }

 private:
  double weight_;
  double last_ = 0;
  double weight_power_ = 1;  // w^n
  double first_value_ = 0;
  size_t count_ = 0;
  bool constant_ = true;
};

std::vector<double> smooth(const std::vector<double>& ys, double weight);

}  // namespace limuon::gui::plot
