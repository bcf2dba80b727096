#include "limuon/linalg/rsvd.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <limits>

namespace limuon {
namespace {

at::Tensor orthonormal_basis(const at::Tensor& y) {
  return std::get<0>(at::linalg_qr(y, "reduced"));
}

// Singular values at or below max(m, n) * eps * s_max are zero to working precision.
at::Tensor nonzero_mask(const LowRankFactors& f) {
  const double eps = f.s.scalar_type() == at::kDouble ? std::numeric_limits<double>::epsilon()
                                                      : std::numeric_limits<float>::epsilon();
  const double s_max = f.s.numel() > 0 ? f.s.max().item<double>() : 0.0;
  const double tol = static_cast<double>(std::max(f.u.size(0), f.v.size(0))) * eps * s_max;
  return f.s > tol;
}

}  // namespace

at::Tensor LowRankFactors::reconstruct() const { return at::matmul(u * s.unsqueeze(0), v.t()); }

at::Tensor LowRankFactors::u_nonzero() const { return u * nonzero_mask(*this).to(u.scalar_type()).unsqueeze(0); }

int64_t LowRankFactors::nonzero_rank() const { return nonzero_mask(*this).sum().item<int64_t>(); }

at::Tensor LowRankFactors::polar() const { return at::matmul(u_nonzero(), v.t()); }

at::Tensor randomized_range(const at::Tensor& a, int64_t columns, int64_t power_iters, at::Generator gen) {
  TORCH_CHECK(a.dim() == 2, "randomized_range needs a matrix, got shape ", a.sizes());
  TORCH_CHECK(columns >= 1 && columns <= std::min(a.size(0), a.size(1)),
              "randomized_range: columns must be in [1, min(m, n)], got ", columns, " for shape ", a.sizes());
  const at::Tensor omega = at::randn({a.size(1), columns}, gen, a.options());
  at::Tensor q = orthonormal_basis(at::matmul(a, omega));
  for (int64_t i = 0; i < power_iters; ++i) {
    // Re-orthonormalise after each product: without it the columns collapse onto the top singular vector.
    const at::Tensor z = orthonormal_basis(at::matmul(a.t(), q));
    q = orthonormal_basis(at::matmul(a, z));
  }
  return q;
}

LowRankFactors randomized_svd(const at::Tensor& a, const RsvdConfig& config, at::Generator gen) {
  TORCH_CHECK(config.rank >= 1 && config.rank <= std::min(a.size(0), a.size(1)),
              "randomized_svd: rank must be in [1, min(m, n)], got ", config.rank, " for shape ", a.sizes());
  TORCH_CHECK(config.oversampling >= 0 && config.power_iters >= 0,
              "randomized_svd: oversampling and power_iters must be >= 0");
  const int64_t columns = std::min(config.rank + config.oversampling, std::min(a.size(0), a.size(1)));
  const at::Tensor q = randomized_range(a, columns, config.power_iters, gen);
  const at::Tensor b = at::matmul(q.t(), a);  // l x n: small
  auto [ub, s, vh] = at::linalg_svd(b, /*full_matrices=*/false);
  const int64_t r = config.rank;
  return LowRankFactors{at::matmul(q, ub.narrow(1, 0, r)), s.narrow(0, 0, r).clone(),  // clone: a narrowed 1-D tensor would keep all l values
                        vh.narrow(0, 0, r).t().contiguous()};
}

}  // namespace limuon
