// Option validation shared by the optimizers: every failure is a std::invalid_argument that names the
// optimizer, the option and the offending value, e.g. "LiMuon: beta = 1.5 must be in [0, 1)".
#pragma once

#include <ATen/core/Tensor.h>

#include <sstream>
#include <stdexcept>
#include <string>

#include "limuon/optim/optim_types.hpp"

namespace limuon::detail {

template <typename Value>
void require(bool ok, const char* optimizer, const char* option, const Value& value, const std::string& rule) {
  if (ok) return;
  std::ostringstream message;
  message << optimizer << ": " << option << " = " << value << " " << rule;
  throw std::invalid_argument(message.str());
}

std::string shape_string(const at::Tensor& t);

void check_adamw_options(const char* optimizer, const AdamWBetas& betas, double eps);

// Rejects enum values outside the named ones (they can arrive through a cast or a stale checkpoint).
void check_enum(const char* optimizer, Polar polar, LrScale lr_scale);

// Matrix groups take parameters with at least two dimensions; the rest belong in an AdamW group.
void check_matrix_param(const char* optimizer, const at::Tensor& p);

}  // namespace limuon::detail
