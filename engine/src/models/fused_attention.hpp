// The engine's CPU attention kernel behind scaled_dot_product_attention (attention_ops.hpp), as an
// autograd function. Inputs: CPU float/double (batch, time, heads, head_dim), stride 1 along head_dim.
#pragma once

#include <ATen/core/Tensor.h>

namespace limuon::models {

at::Tensor fused_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal);

}  // namespace limuon::models
