// Float64 references the tests compare the engine against. Written from the definitions, independently
// of the engine's code paths (only the sketch generator is shared, so randomized runs can be replayed).
#pragma once

#include <torch/torch.h>

#include <tuple>

namespace limuon::test {

// Random matrix with a known SVD: A = U diag(s) V^T, U and V with orthonormal columns (float64).
struct KnownSvd {
  torch::Tensor a, u, s, v;
};
KnownSvd matrix_with_spectrum(int64_t m, int64_t n, const torch::Tensor& singular_values, uint64_t seed);

// The polar factor U_k V_k^T over the nonzero singular values of a KnownSvd.
torch::Tensor known_polar(const KnownSvd& k);

// Quintic Newton-Schulz written out in float64 from its definition.
torch::Tensor reference_newton_schulz(const torch::Tensor& m, int64_t steps, double a, double b, double c);

// Rank-r randomized SVD written out from Halko-Martinsson-Tropp in float64 loops (modified Gram-Schmidt,
// one-sided Jacobi SVD): shares nothing with the engine but Omega, drawn from the given generator.
std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> reference_rsvd(const torch::Tensor& a, int64_t rank,
                                                                       int64_t oversampling, int64_t power_iters,
                                                                       torch::Generator gen);

double max_abs_diff(const torch::Tensor& x, const torch::Tensor& y);

// A tiny two-matrix network, y = W2 tanh(W1 x), with a squared-error loss, float64.
struct TinyNet {
  static constexpr int64_t kIn = 6, kHidden = 5, kOut = 4;
  static torch::Tensor loss(const torch::Tensor& w1, const torch::Tensor& w2, const torch::Tensor& x,
                            const torch::Tensor& y);
  // Fixed batch sequence: batch t is drawn from seed + t.
  static std::pair<torch::Tensor, torch::Tensor> batch(int64_t t, int64_t size = 16);
  static std::pair<torch::Tensor, torch::Tensor> initial_weights(uint64_t seed = 7);
  // d loss / d (w1, w2) at the given weights, by autograd on fresh leaves.
  static std::pair<torch::Tensor, torch::Tensor> grads(const torch::Tensor& w1, const torch::Tensor& w2,
                                                       const torch::Tensor& x, const torch::Tensor& y);
};

}  // namespace limuon::test
