#include "option_checks.hpp"

namespace limuon::detail {

std::string shape_string(const at::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

void check_adamw_options(const char* optimizer, const AdamWBetas& betas, double eps) {
  const auto [beta1, beta2] = betas;
  require(beta1 >= 0 && beta1 < 1, optimizer, "adamw_betas[0]", beta1, "must be in [0, 1)");
  require(beta2 >= 0 && beta2 < 1, optimizer, "adamw_betas[1]", beta2, "must be in [0, 1)");
  require(eps >= 0, optimizer, "adamw_eps", eps, "must be >= 0");
}

void check_enum(const char* optimizer, Polar polar, LrScale lr_scale) {
  const auto p = static_cast<int64_t>(polar);
  require(p >= 0 && p <= 2, optimizer, "polar", p, "is not one of svd (0), newton_schulz (1), lowrank (2)");
  const auto s = static_cast<int64_t>(lr_scale);
  require(s >= 0 && s <= 3, optimizer, "lr_scale", s,
          "is not one of none (0), shape (1), match_adamw_rms (2), match_adamw_rms_rank (3)");
}

void check_matrix_param(const char* optimizer, const at::Tensor& p) {
  require(p.dim() >= 2, optimizer, "parameter shape", shape_string(p),
          "is not a matrix: put it in an AdamW group (options.adamw(true); see limuon::split_parameters)");
  require(p.numel() > 0, optimizer, "parameter shape", shape_string(p), "is empty");
  require(p.is_contiguous(), optimizer, "parameter shape", shape_string(p),
          "is not contiguous (e.g. channels_last): the update is applied in place to its matrix view");
}

}  // namespace limuon::detail
