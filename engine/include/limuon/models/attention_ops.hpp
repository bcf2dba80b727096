// Scaled dot-product attention, softmax(q k^T / sqrt(head_dim)) v, on (batch, time, heads, head_dim)
// tensors: the layout a Linear's output has after a view, so no transpose copies are needed. Keys and
// values may have fewer heads than queries (grouped-query: query head h reads key/value head
// h / (heads / kv_heads)). Returns (batch, time, heads, head_dim).
#pragma once

#include <ATen/core/Tensor.h>

namespace limuon::models {

// The engine's kernel on CPU float32/float64 (fused_attention.cpp); reference_attention elsewhere.
at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal);

// Built from ATen's matmul, masked_fill and softmax, as PyTorch code writes it: the fallback for other
// devices and types, and the reference the kernel is tested against.
at::Tensor reference_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal);

// Whether scaled_dot_product_attention takes the engine's kernel for these inputs.
bool fused_attention_applies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v);

}  // namespace limuon::models
