// The engine's CPU attention kernel behind scaled_dot_product_attention (attention_ops.hpp), as an
// autograd function. Inputs: CPU float/double (batch, time, heads, head_dim), stride 1 along head_dim.
#pragma once

#include <ATen/core/Tensor.h>

namespace limuon::models {

// First-order gradients only: the backward is not itself differentiable (no create_graph).
at::Tensor fused_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal);

// `t` when the BLAS can read its (batch, head) blocks in place (head vectors contiguous, rows at least a
// head vector apart, no empty dimension), else a copy with standard strides.
at::Tensor with_blas_rows(const at::Tensor& t);

}  // namespace limuon::models
