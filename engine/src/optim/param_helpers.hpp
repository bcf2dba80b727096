// Pieces shared by the Muon and LiMuon steps: matrix views, the AdamW rule of their AdamW groups,
// a finiteness check and option serialization helpers. Private to the engine.
#pragma once

#include <ATen/ATen.h>
#include <torch/serialize/archive.h>

#include <string>
#include <vector>

#include "limuon/optim_types.hpp"

namespace limuon::detail {

// Conv kernels (out, in, kh, kw) are trained as the (out, in*kh*kw) matrix they act as.
at::Tensor as_matrix(const at::Tensor& t);

// The key LibTorch's Optimizer uses for a parameter's state.
std::string state_key(const at::Tensor& p);

// Decoupled AdamW, the same operations in the same order as torch::optim::AdamW so that results match
// bit for bit: p <- p (1 - lr wd); m, v EMAs; p <- p - lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps).
void adamw_update(at::Tensor& p, const at::Tensor& grad, at::Tensor& exp_avg, at::Tensor& exp_avg_sq,
                  int64_t step, double lr, const AdamWBetas& betas, double eps, double weight_decay);

// True when no gradient holds NaN or Inf. One sum per tensor: a non-finite entry makes the sum
// non-finite (a float32 overflow of finite entries would too, at magnitudes near 1e38).
bool all_finite(const std::vector<at::Tensor>& grads);

// Option (de)serialization: one key per field.
void write_value(torch::serialize::OutputArchive& archive, const std::string& key, const c10::IValue& value);
double read_double(torch::serialize::InputArchive& archive, const std::string& key, double fallback);
int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key, int64_t fallback);
void write_tensor_if_defined(torch::serialize::OutputArchive& archive, const std::string& key, const at::Tensor& t);
at::Tensor read_tensor_if_present(torch::serialize::InputArchive& archive, const std::string& key);

}  // namespace limuon::detail
