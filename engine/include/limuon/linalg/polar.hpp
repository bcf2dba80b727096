// Polar-factor backends: for M = U S V^T, polar(M) = U V^T, the semi-orthogonal matrix nearest to M.
// None of them modifies its input.
#pragma once

#include <ATen/core/Tensor.h>

#include "limuon/optim/optim_types.hpp"

namespace limuon {

// Exact, from a thin SVD. Directions whose singular value is zero (below max(m, n) * eps * s_max) are
// dropped, so a rank-k input gives U_k V_k^T, the same partial isometry Newton-Schulz converges to.
at::Tensor polar_svd(const at::Tensor& m);

struct NewtonSchulzConfig {
  int64_t steps = 5;
  NsCoefficients coefficients = kMuonNsCoefficients;
  double eps = 1e-7;  // floor of ||M||_F, as in torch.optim.Muon
};

// Quintic Newton-Schulz on X0 = M / ||M||_F (transposed first when m > n, so X X^T is the small Gram):
//   A = X X^T;  X <- a X + (b A + c A A) X.
// With Muon's coefficients the singular values do not converge to 1 but land in a band around it
// (about 0.7..1.2): that is the intended trade of accuracy for speed.
at::Tensor polar_newton_schulz(const at::Tensor& m, const NewtonSchulzConfig& config = {});

}  // namespace limuon
