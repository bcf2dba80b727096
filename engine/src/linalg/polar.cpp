#include "limuon/linalg/polar.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <limits>

namespace limuon {

at::Tensor polar_svd(const at::Tensor& m) {
  TORCH_CHECK(m.dim() == 2, "polar_svd needs a matrix, got shape ", m.sizes());
  auto [u, s, vh] = at::linalg_svd(m, /*full_matrices=*/false);
  const double eps = m.scalar_type() == at::kDouble ? std::numeric_limits<double>::epsilon()
                                                    : std::numeric_limits<float>::epsilon();
  const double s_max = s.numel() > 0 ? s.max().item<double>() : 0.0;
  const double tol = static_cast<double>(std::max(m.size(0), m.size(1))) * eps * s_max;
  // U diag(1[s > tol]) V^T: keep only the directions M actually has.
  const at::Tensor keep = (s > tol).to(m.scalar_type());
  return at::matmul(u * keep.unsqueeze(0), vh);
}

at::Tensor polar_newton_schulz(const at::Tensor& m, const NewtonSchulzConfig& config) {
  TORCH_CHECK(m.dim() == 2, "polar_newton_schulz needs a matrix, got shape ", m.sizes());
  TORCH_CHECK(config.steps >= 1, "Newton-Schulz steps must be >= 1, got ", config.steps);
  const auto [a, b, c] = config.coefficients;
  const bool tall = m.size(0) > m.size(1);
  at::Tensor x = tall ? m.t() : m;
  x = x / x.norm().clamp_min(config.eps);  // a new tensor: the input stays untouched
  for (int64_t i = 0; i < config.steps; ++i) {
    const at::Tensor gram = at::matmul(x, x.t());
    const at::Tensor poly = at::addmm(gram, gram, gram, /*beta=*/b, /*alpha=*/c);  // b A + c A A
    x = at::addmm(x, poly, x, /*beta=*/a);                                         // a X + (..) X
  }
  return tall ? x.t().contiguous() : x;
}

}  // namespace limuon
