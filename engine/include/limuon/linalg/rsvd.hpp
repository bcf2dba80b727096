// Randomized SVD (Halko, Martinsson, Tropp 2011): the rank-r factors LiMuon's option #2 stores instead
// of the dense momentum. Deterministic for a given seed, so a resumed run draws the same sketches.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>

#include "limuon/util/random_streams.hpp"

namespace limuon {

// A ~= u diag(s) v^T with u: m x r, s: r, v: n x r (v stored as n x r, contiguous).
struct LowRankFactors {
  at::Tensor u;
  at::Tensor s;
  at::Tensor v;
  at::Tensor reconstruct() const;   // the dense m x n product; for tests and small matrices only
  // u with the columns of zero singular values (<= max(m, n) * eps * s_max) zeroed: a rank-deficient
  // or zero momentum then gives no update along directions it does not have, as polar_svd does.
  at::Tensor u_nonzero() const;
  int64_t nonzero_rank() const;     // how many singular values are above that threshold
  at::Tensor polar() const;         // u_nonzero() v^T, the rank-r polar factor
};

struct RsvdConfig {
  int64_t rank = 8;
  int64_t oversampling = 5;  // p: the sketch has l = rank + p columns (clamped to min(m, n))
  int64_t power_iters = 0;   // q: Y = (A A^T)^q A Omega, re-orthonormalised between products
};

// Orthonormal basis Q (m x l) of the range of A Omega (with q power iterations), Omega ~ N(0, 1) n x l.
at::Tensor randomized_range(const at::Tensor& a, int64_t columns, int64_t power_iters, at::Generator gen);

// Rank-r factors: Q = range(A Omega), B = Q^T A, svd(B) = U_b S V^T, U = Q U_b, truncated to r.
LowRankFactors randomized_svd(const at::Tensor& a, const RsvdConfig& config, at::Generator gen);

}  // namespace limuon
