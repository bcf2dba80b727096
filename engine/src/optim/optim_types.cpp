#include "limuon/optim/optim_types.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace limuon {
namespace {
const std::string kLrScaleNames = "none, shape, match_adamw_rms, match_adamw_rms_rank";
}  // namespace

double lr_scale_factor(LrScale scale, int64_t rows, int64_t cols, int64_t update_rank) {
  const double m = static_cast<double>(rows), n = static_cast<double>(cols);
  switch (scale) {
    case LrScale::none: return 1.0;
    case LrScale::shape: return std::sqrt(std::max(1.0, m / n));
    case LrScale::match_adamw_rms: return 0.2 * std::sqrt(std::max(m, n));
    case LrScale::match_adamw_rms_rank:
      return 0.2 * std::sqrt(m * n / static_cast<double>(std::max<int64_t>(1, update_rank)));
  }
  throw std::invalid_argument("lr_scale = " + std::to_string(static_cast<int64_t>(scale)) + " is not one of " +
                              kLrScaleNames);
}

Polar parse_polar(const std::string& text) {
  if (text == "svd") return Polar::svd;
  if (text == "newton_schulz" || text == "ns") return Polar::newton_schulz;
  if (text == "lowrank") return Polar::lowrank;
  throw std::invalid_argument("polar = '" + text + "' is not one of svd, newton_schulz, lowrank");
}

LrScale parse_lr_scale(const std::string& text) {
  if (text == "none") return LrScale::none;
  if (text == "shape") return LrScale::shape;
  if (text == "match_adamw_rms") return LrScale::match_adamw_rms;
  if (text == "match_adamw_rms_rank") return LrScale::match_adamw_rms_rank;
  throw std::invalid_argument("lr_scale = '" + text + "' is not one of " + kLrScaleNames);
}

std::string to_string(Polar polar) {
  switch (polar) {
    case Polar::svd: return "svd";
    case Polar::newton_schulz: return "newton_schulz";
    case Polar::lowrank: return "lowrank";
  }
  return "unknown(" + std::to_string(static_cast<int64_t>(polar)) + ")";
}

std::string to_string(LrScale scale) {
  switch (scale) {
    case LrScale::none: return "none";
    case LrScale::shape: return "shape";
    case LrScale::match_adamw_rms: return "match_adamw_rms";
    case LrScale::match_adamw_rms_rank: return "match_adamw_rms_rank";
  }
  return "unknown(" + std::to_string(static_cast<int64_t>(scale)) + ")";
}

}  // namespace limuon
