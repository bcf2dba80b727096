// Randomized SVD against the Halko-Martinsson-Tropp expectation bounds and the exact rank-r polar.
#include "limuon/linalg/rsvd.hpp"
#include "support/references.hpp"

namespace {

using limuon::test::matrix_with_spectrum;
using limuon::test::max_abs_diff;

constexpr int kSeeds = 40;

double tail_norm(const torch::Tensor& s, int64_t k, double power = 1.0) {
  return s.narrow(0, k, s.numel() - k).pow(2 * power).sum().sqrt().item<double>();
}

// Largest entry of |X^T X - I|: 0 for orthonormal columns.
double orthonormality_error(const torch::Tensor& x) {
  return max_abs_diff(torch::matmul(x.t(), x), torch::eye(x.size(1), torch::kDouble));
}

// Mean over seeds of ||(I - Q Q^T) A|| (spectral) and _F, Q from randomized_range with l = k + p.
std::pair<double, double> mean_range_errors(const torch::Tensor& a, int64_t k, int64_t p, int64_t q) {
  double spectral = 0, frobenius = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    const torch::Tensor basis = limuon::randomized_range(a, k + p, q, limuon::sketch_generator(99, seed));
    EXPECT_LT(orthonormality_error(basis), 1e-12) << "seed " << seed << " q " << q;
    const torch::Tensor residual = a - torch::matmul(basis, torch::matmul(basis.t(), a));
    spectral += torch::linalg_matrix_norm(residual, 2).item<double>();
    frobenius += residual.norm().item<double>();
  }
  return {spectral / kSeeds, frobenius / kSeeds};
}

TEST(RandomizedRange, WithinHmtExpectationBoundsWithoutPowerIterations) {
  const int64_t k = 10, p = 5;
  const torch::Tensor s = torch::pow(torch::arange(1, 121, torch::kDouble), -1.0);  // slow decay: hard case
  const auto ref = matrix_with_spectrum(200, 120, s, 21);
  const auto [spectral, frobenius] = mean_range_errors(ref.a, k, p, 0);
  // HMT Theorem 10.5 (Frobenius) and 10.6 (spectral).
  const double frob_bound = std::sqrt(1.0 + double(k) / double(p - 1)) * tail_norm(s, k);
  const double spec_bound = (1 + std::sqrt(double(k) / double(p - 1))) * s[k].item<double>() +
                            std::exp(1.0) * std::sqrt(double(k + p)) / double(p) * tail_norm(s, k);
  EXPECT_LE(frobenius, frob_bound);
  EXPECT_LE(spectral, spec_bound);
}

TEST(RandomizedRange, SpansExactlyTheSketchAOmega) {
  // Q must be an orthonormal basis of range(A Omega) for the Omega drawn from the generator: projecting
  // A Omega onto it changes nothing, and it has as many columns as Omega.
  const torch::Tensor a = torch::randn({60, 40}, torch::kDouble);
  for (const int64_t q : {0, 2}) {
    const torch::Tensor basis = limuon::randomized_range(a, 7, q, limuon::sketch_generator(4, 9));
    ASSERT_EQ(basis.sizes(), (torch::IntArrayRef{60, 7}));
    EXPECT_LT(orthonormality_error(basis), 1e-12);
    auto gen = limuon::sketch_generator(4, 9);
    torch::Tensor y = torch::matmul(a, torch::randn({40, 7}, gen, torch::kDouble));
    for (int64_t i = 0; i < q; ++i) y = torch::matmul(a, torch::matmul(a.t(), y));  // (A A^T)^q A Omega
    const torch::Tensor projected = torch::matmul(basis, torch::matmul(basis.t(), y));
    EXPECT_LT(max_abs_diff(projected, y) / y.abs().max().item<double>(), 1e-10) << "q = " << q;
  }
}

TEST(RandomizedRange, PowerIterationsMeetTheSharperHmtBound) {
  const int64_t k = 10, p = 5;
  const torch::Tensor s = torch::pow(torch::arange(1, 121, torch::kDouble), -0.5);  // slower still
  const auto ref = matrix_with_spectrum(200, 120, s, 22);
  double previous = 1e300;
  for (const int64_t q : {0, 1, 2}) {
    const double spectral = mean_range_errors(ref.a, k, p, q).first;
    // HMT Corollary 10.10: E||(I - P_Y) A|| <= [(1 + sqrt(k/(p-1))) s_{k+1}^{2q+1}
    //                                          + e sqrt(k+p)/p (sum_{j>k} s_j^{2(2q+1)})^{1/2}]^{1/(2q+1)}
    const double e = 2.0 * q + 1.0;
    const double bound = std::pow((1 + std::sqrt(double(k) / double(p - 1))) * std::pow(s[k].item<double>(), e) +
                                      std::exp(1.0) * std::sqrt(double(k + p)) / double(p) * tail_norm(s, k, e),
                                  1.0 / e);
    EXPECT_LE(spectral, bound) << "q = " << q;
    EXPECT_LT(spectral, previous) << "power iterations must help on a slowly decaying spectrum, q = " << q;
    previous = spectral;
  }
}

TEST(RandomizedSvd, TruncatedRankRErrorWithinRangeBoundPlusOptimalTail) {
  // ||A - U S V^T||_F <= ||(I - QQ^T) A||_F + ||A - A_r||_F, so in expectation
  // <= (sqrt(1 + r/(p-1)) + 1) * tail_r.
  const int64_t r = 8, p = 5;
  const torch::Tensor s = torch::exp(-0.15 * torch::arange(0, 90, torch::kDouble));
  const auto ref = matrix_with_spectrum(150, 90, s, 23);
  double mean = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    const auto f = limuon::randomized_svd(ref.a, {r, p, 0}, limuon::sketch_generator(5, seed));
    ASSERT_EQ(f.u.sizes(), (torch::IntArrayRef{150, r}));
    ASSERT_EQ(f.s.sizes(), (torch::IntArrayRef{r}));
    ASSERT_EQ(f.v.sizes(), (torch::IntArrayRef{90, r}));
    // The factors are an SVD of the projection Q Q^T A: orthonormal, and U^T A V = diag(s) exactly
    // (U = Q U_b and U_b^T Q^T A V = diag(s)), which ties u, s and v to A and to each other.
    EXPECT_LT(orthonormality_error(f.u), 1e-12) << "seed " << seed;
    EXPECT_LT(orthonormality_error(f.v), 1e-12) << "seed " << seed;
    EXPECT_LT(max_abs_diff(torch::matmul(f.u.t(), torch::matmul(ref.a, f.v)), torch::diag(f.s)), 1e-12) << "seed " << seed;
    // Singular values of Q^T A interlace those of A: each at most the true one, largest first.
    EXPECT_TRUE((f.s <= s.narrow(0, 0, r) * (1 + 1e-12)).all().item<bool>()) << "seed " << seed;
    EXPECT_TRUE((f.s.narrow(0, 0, r - 1) >= f.s.narrow(0, 1, r - 1)).all().item<bool>()) << "seed " << seed;
    mean += (ref.a - f.reconstruct()).norm().item<double>() / kSeeds;
  }
  EXPECT_LE(mean, (std::sqrt(1.0 + double(r) / double(p - 1)) + 1) * tail_norm(s, r));
}

// A spectrum with a clear gap after r: s_1..s_r from 10 down to 5, then a tail decaying from 1e-2.
torch::Tensor gapped_spectrum(int64_t n, int64_t r) {
  torch::Tensor s = 1e-2 * torch::pow(torch::arange(1, n + 1, torch::kDouble), -1.0);
  s.narrow(0, 0, r).copy_(torch::linspace(10, 5, r, torch::kDouble));
  return s;
}

double mean_rsvd_error(const torch::Tensor& a, int64_t r, int64_t p, int64_t q) {
  double mean = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    const auto f = limuon::randomized_svd(a, {r, p, q}, limuon::sketch_generator(6, seed));
    mean += (a - f.reconstruct()).norm().item<double>() / kSeeds;
  }
  return mean;
}

TEST(RandomizedSvd, NearOptimalOnAGappedSpectrumAndBetterWithPowerIterationsAndOversampling) {
  const int64_t r = 6;
  const torch::Tensor s = gapped_spectrum(80, r);
  const auto ref = matrix_with_spectrum(120, 80, s, 26);
  const double optimal = tail_norm(s, r);  // Eckart-Young: the best any rank-r answer can do
  const double none = mean_rsvd_error(ref.a, r, 5, 0), one = mean_rsvd_error(ref.a, r, 5, 1),
               two = mean_rsvd_error(ref.a, r, 5, 2);
  EXPECT_LT(none, 3 * optimal);  // a small factor even without power iterations
  EXPECT_LT(one, none);
  // After one power iteration the top-r subspace is exact to (s_{r+1}/s_r)^3, about 1e-8: the error is
  // the optimal tail, its excess below float64's resolution, so a second iteration can only match it
  // (which of the two rounds lower depends on the build).
  EXPECT_LT(one, optimal * (1 + 1e-6));
  EXPECT_LT(two, optimal * (1 + 1e-6));
  EXPECT_LE(two, one * (1 + 1e-12));
  double previous = 1e300;
  for (const int64_t p : {0, 5, 20}) {
    const double error = mean_rsvd_error(ref.a, r, p, 0);
    EXPECT_LT(error, previous) << "p = " << p;
    previous = error;
  }
}

TEST(RandomizedSvd, SingularValuesMatchTheExactSvdsTopR) {
  const int64_t r = 6;
  const auto ref = matrix_with_spectrum(120, 80, gapped_spectrum(80, r), 27);
  const torch::Tensor exact = torch::linalg_svdvals(ref.a).narrow(0, 0, r);
  const auto f2 = limuon::randomized_svd(ref.a, {r, 5, 2}, limuon::sketch_generator(2, 0));
  EXPECT_LT(max_abs_diff(f2.s, exact), 1e-10);
  const auto f0 = limuon::randomized_svd(ref.a, {r, 5, 0}, limuon::sketch_generator(2, 0));
  EXPECT_LT(max_abs_diff(f0.s, exact), 1e-4);
}

TEST(RandomizedSvd, LowRankPolarEqualsExactTopRPolarWhenTheSpectrumHasAGap) {
  const int64_t r = 6;
  torch::Tensor s = torch::full({60}, 1e-3, torch::kDouble);
  s.narrow(0, 0, r).copy_(torch::linspace(10, 5, r, torch::kDouble));  // gap: s_6 = 5 vs s_7 = 1e-3
  const auto ref = matrix_with_spectrum(100, 60, s, 24);
  const torch::Tensor exact = torch::matmul(ref.u.narrow(1, 0, r), ref.v.narrow(1, 0, r).t());
  const auto f0 = limuon::randomized_svd(ref.a, {r, 5, 0}, limuon::sketch_generator(1, 0));
  const auto f2 = limuon::randomized_svd(ref.a, {r, 5, 2}, limuon::sketch_generator(1, 0));
  EXPECT_LT(max_abs_diff(f0.polar(), exact), 1e-3);
  EXPECT_LT(max_abs_diff(f2.polar(), exact), 1e-9);
  EXPECT_LT(max_abs_diff(f2.s, s.narrow(0, 0, r)), 1e-9);
}

TEST(RandomizedSvd, MatchesTheWrittenOutReferenceForTheSameSketch) {
  torch::manual_seed(0);
  for (const int64_t q : {0, 1, 2}) {
    const torch::Tensor a = torch::randn({50, 30}, torch::kDouble);
    const auto f = limuon::randomized_svd(a, {4, 3, q}, limuon::sketch_generator(3, 4));
    auto [u, s, v] = limuon::test::reference_rsvd(a, 4, 3, q, limuon::sketch_generator(3, 4));
    EXPECT_LT(max_abs_diff(f.reconstruct(), torch::matmul(u * s.unsqueeze(0), v.t())), 1e-12) << "q = " << q;
    EXPECT_LT(max_abs_diff(f.s, s), 1e-12) << "q = " << q;
    EXPECT_LT(max_abs_diff(f.polar(), torch::matmul(u, v.t())), 1e-10) << "q = " << q;
  }
}

TEST(RandomizedSvd, SameSeedSameFactorsAndInputUntouched) {
  const torch::Tensor a = torch::randn({40, 70});
  const torch::Tensor before = a.clone();
  const auto f1 = limuon::randomized_svd(a, {5, 5, 1}, limuon::sketch_generator(8, 2));
  const auto f2 = limuon::randomized_svd(a, {5, 5, 1}, limuon::sketch_generator(8, 2));
  const auto f3 = limuon::randomized_svd(a, {5, 5, 1}, limuon::sketch_generator(8, 3));
  EXPECT_TRUE(torch::equal(f1.u, f2.u) && torch::equal(f1.s, f2.s) && torch::equal(f1.v, f2.v));
  EXPECT_FALSE(torch::equal(f1.u, f3.u));
  EXPECT_TRUE(torch::equal(a, before));
}

TEST(RandomizedSvd, ZeroAndRankDeficientMatricesGiveNoUpdateOutsideTheirRange) {
  const auto zero = limuon::randomized_svd(torch::zeros({12, 9}), {3, 2, 0}, limuon::sketch_generator(0, 0));
  EXPECT_EQ(zero.polar().abs().max().item<float>(), 0.0f);
  torch::Tensor s = torch::zeros({9}, torch::kDouble);
  s[0] = 3.0;  // rank 1, asked for rank 3
  const auto ref = matrix_with_spectrum(12, 9, s, 25);
  const auto f = limuon::randomized_svd(ref.a, {3, 2, 0}, limuon::sketch_generator(0, 0));
  EXPECT_LT(max_abs_diff(f.polar(), limuon::test::known_polar(ref)), 1e-12);
  EXPECT_EQ(f.s.storage().nbytes(), 3u * sizeof(double));  // no hidden oversampled values
}

TEST(RandomizedSvd, RejectsARankOutsideTheMatrix) {
  const torch::Tensor a = torch::randn({10, 4});
  EXPECT_THROW(limuon::randomized_svd(a, {5, 0, 0}, limuon::sketch_generator(0, 0)), c10::Error);
  EXPECT_THROW(limuon::randomized_svd(a, {0, 2, 0}, limuon::sketch_generator(0, 0)), c10::Error);
}

}  // namespace
