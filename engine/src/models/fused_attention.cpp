// Attention as at::matmul computes it costs, per (batch, head) block, a tensor select and an ATen GEMM
// dispatch (bmm loops over blocks), plus transpose copies in and out and a separate mask pass. On the
// classroom GPT (32 x 4 blocks of 64 x 64 x 20) that overhead outweighed the arithmetic: this kernel
// multiplies the strided blocks in place with the BLAS directly, writes the causal mask as it goes, and
// leaves the softmax to ATen's vectorised kernels on the whole (batch, heads, time, time) tensor.
//
//   forward:  S = scale q k^T (future masked to -inf),  P = softmax(S),  o = P v
//   backward: dv = P^T do,  dP = do v^T,  dS = P * (dP - rowsum(dP * P)),
//             dq = scale dS k,  dk = scale dS^T q     (dv, dk summed over the query heads of a group)
#include "fused_attention.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <limits>

#include "../linalg/blas_gemm.hpp"

namespace limuon::models {
namespace {

// One (batch, head) block of a (batch, time, heads, head_dim) tensor: a time x head_dim matrix whose
// rows are `row_stride` elements apart.
template <typename T>
struct HeadBlocks {
  T* data;
  int64_t batch_stride, row_stride, head_stride;
  explicit HeadBlocks(const at::Tensor& t)
      : data(t.data_ptr<T>()), batch_stride(t.stride(0)), row_stride(t.stride(1)), head_stride(t.stride(2)) {}
  T* operator()(int64_t b, int64_t h) const { return data + b * batch_stride + h * head_stride; }
};

struct Dims {
  int64_t batch, time, heads, group, dim;
  explicit Dims(const at::Tensor& q, const at::Tensor& k)
      : batch(q.size(0)), time(q.size(1)), heads(q.size(2)), group(q.size(2) / k.size(2)), dim(q.size(3)) {}
  double scale() const { return 1.0 / std::sqrt(static_cast<double>(dim)); }
  int64_t square() const { return time * time; }
};

template <typename T>
at::Tensor forward_impl(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal, at::Tensor& probs) {
  const Dims d(q, k);
  const auto scale = static_cast<T>(d.scale());
  at::Tensor scores = at::empty({d.batch, d.heads, d.time, d.time}, q.options());
  const HeadBlocks<T> qb(q), kb(k), vb(v);
  T* s = scores.data_ptr<T>();
  for (int64_t b = 0; b < d.batch; ++b)
    for (int64_t h = 0; h < d.heads; ++h) {
      T* block = s + (b * d.heads + h) * d.square();
      linalg::gemm(false, true, d.time, d.time, d.dim, scale, qb(b, h), qb.row_stride, kb(b, h / d.group),
                   kb.row_stride, T(0), block, d.time);
      if (causal)
        for (int64_t i = 0; i + 1 < d.time; ++i)
          std::fill(block + i * d.time + i + 1, block + (i + 1) * d.time, -std::numeric_limits<T>::infinity());
    }
  probs = at::_softmax(scores, -1, false).contiguous();
  at::Tensor out = at::empty({d.batch, d.time, d.heads, d.dim}, q.options());
  const HeadBlocks<T> ob(out);
  const T* p = probs.data_ptr<T>();
  for (int64_t b = 0; b < d.batch; ++b)
    for (int64_t h = 0; h < d.heads; ++h)
      linalg::gemm(false, false, d.time, d.dim, d.time, T(1), p + (b * d.heads + h) * d.square(), d.time,
                   vb(b, h / d.group), vb.row_stride, T(0), ob(b, h), ob.row_stride);
  return out;
}

template <typename T>
std::vector<at::Tensor> backward_impl(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                      const at::Tensor& probs, const at::Tensor& grad_out) {
  const Dims d(q, k);
  const auto scale = static_cast<T>(d.scale());
  const at::Tensor go = with_blas_rows(grad_out);
  at::Tensor dq = at::empty(q.sizes(), q.options()), dk = at::empty(k.sizes(), k.options());
  at::Tensor dv = at::empty(v.sizes(), v.options());
  at::Tensor dprobs = at::empty(probs.sizes(), probs.options());
  const HeadBlocks<T> qb(q), kb(k), vb(v), gob(go), dqb(dq), dkb(dk), dvb(dv);
  const T* p = probs.data_ptr<T>();
  T* dp = dprobs.data_ptr<T>();
  // The first query head of a group overwrites its key/value head's gradient, the others add to it.
  auto beta = [&](int64_t h) { return h % d.group == 0 ? T(0) : T(1); };
  for (int64_t b = 0; b < d.batch; ++b)
    for (int64_t h = 0; h < d.heads; ++h) {
      const int64_t offset = (b * d.heads + h) * d.square(), kv = h / d.group;
      linalg::gemm(true, false, d.time, d.dim, d.time, T(1), p + offset, d.time, gob(b, h), gob.row_stride, beta(h),
                   dvb(b, kv), dvb.row_stride);
      linalg::gemm(false, true, d.time, d.time, d.dim, T(1), gob(b, h), gob.row_stride, vb(b, kv), vb.row_stride,
                   T(0), dp + offset, d.time);
    }
  const at::Tensor dscores = at::_softmax_backward_data(dprobs, probs, -1, probs.scalar_type()).contiguous();
  const T* ds = dscores.data_ptr<T>();
  for (int64_t b = 0; b < d.batch; ++b)
    for (int64_t h = 0; h < d.heads; ++h) {
      const int64_t offset = (b * d.heads + h) * d.square(), kv = h / d.group;
      linalg::gemm(false, false, d.time, d.dim, d.time, scale, ds + offset, d.time, kb(b, kv), kb.row_stride, T(0),
                   dqb(b, h), dqb.row_stride);
      linalg::gemm(true, false, d.time, d.dim, d.time, scale, ds + offset, d.time, qb(b, h), qb.row_stride, beta(h),
                   dkb(b, kv), dkb.row_stride);
    }
  return {dq, dk, dv};
}

class FusedAttention : public torch::autograd::Function<FusedAttention> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k,
                            const at::Tensor& v, bool causal) {
    at::Tensor probs;
    at::Tensor out = q.scalar_type() == at::kDouble ? forward_impl<double>(q, k, v, causal, probs)
                                                    : forward_impl<float>(q, k, v, causal, probs);
    ctx->save_for_backward({q, k, v, probs});
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto g = saved[0].scalar_type() == at::kDouble
                 ? backward_impl<double>(saved[0], saved[1], saved[2], saved[3], grads[0])
                 : backward_impl<float>(saved[0], saved[1], saved[2], saved[3], grads[0]);
    return {g[0], g[1], g[2], at::Tensor()};  // nothing for `causal`
  }
};

}  // namespace

at::Tensor with_blas_rows(const at::Tensor& t) {
  // contiguous() would keep a size-1 time dimension's stride, whatever it is; clone() sets standard ones.
  return t.stride(3) == 1 && t.stride(1) >= t.size(3) ? t : t.clone(at::MemoryFormat::Contiguous);
}

at::Tensor fused_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal) {
  return FusedAttention::apply(q, k, v, causal);
}

}  // namespace limuon::models
