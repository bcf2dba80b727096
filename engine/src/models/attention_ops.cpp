#include "limuon/models/attention_ops.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "../linalg/blas_gemm.hpp"
#include "fused_attention.hpp"

namespace limuon::models {
namespace {

void check_shapes(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
  const bool ok = q.dim() == 4 && k.dim() == 4 && k.sizes() == v.sizes() && q.size(0) == k.size(0) &&
                  q.size(1) == k.size(1) && q.size(3) == k.size(3) && k.size(2) > 0 && q.size(2) % k.size(2) == 0;
  if (!ok)
    throw std::invalid_argument("attention: q " + std::to_string(q.dim()) + "-d, k " + std::to_string(k.dim()) +
                                "-d: expected (batch, time, heads, head_dim) with key/value heads dividing query heads");
}

}  // namespace

at::Tensor reference_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal) {
  check_shapes(q, k, v);
  const int64_t time = q.size(1), group = q.size(2) / k.size(2);
  at::Tensor qh = q.transpose(1, 2), kh = k.transpose(1, 2), vh = v.transpose(1, 2);  // (batch, heads, time, dim)
  if (group > 1) {
    kh = kh.repeat_interleave(group, 1);
    vh = vh.repeat_interleave(group, 1);
  }
  at::Tensor scores = at::matmul(qh, kh.transpose(-2, -1)) / std::sqrt(static_cast<double>(q.size(3)));
  if (causal) {
    const at::Tensor future = at::ones({time, time}, q.options().dtype(at::kBool)).triu(1);
    scores = scores.masked_fill(future, -std::numeric_limits<double>::infinity());
  }
  return at::matmul(at::softmax(scores, -1), vh).transpose(1, 2);
}

bool fused_attention_applies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
  const auto type = q.scalar_type();
  return q.device().is_cpu() && (type == at::kFloat || type == at::kDouble) && k.scalar_type() == type &&
         v.scalar_type() == type && k.device().is_cpu() && v.device().is_cpu() && linalg::blas_gemm_available();
}

at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal) {
  check_shapes(q, k, v);
  if (!fused_attention_applies(q, k, v) || q.numel() == 0 || k.numel() == 0)
    return reference_attention(q, k, v, causal);
  return fused_attention(with_blas_rows(q), with_blas_rows(k), with_blas_rows(v), causal);
}

}  // namespace limuon::models
