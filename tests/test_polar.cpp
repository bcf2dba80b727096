// Polar-factor backends against float64 references built from matrices with a known SVD.
#include "limuon/linalg/polar.hpp"
#include "support/references.hpp"

namespace {

using limuon::test::known_polar;
using limuon::test::matrix_with_spectrum;
using limuon::test::max_abs_diff;

struct Shape {
  int64_t m, n;
};
const Shape kShapes[] = {{40, 40}, {60, 25}, {25, 60}};

torch::Tensor decaying(int64_t k, double condition) {
  return torch::logspace(0, -std::log10(condition), k, 10.0, torch::kDouble);
}

TEST(PolarSvd, MatchesKnownPolarInFloat64ForEveryShapeAndConditioning) {
  for (const auto& [m, n] : kShapes) {
    const int64_t k = std::min(m, n);
    for (const double condition : {1.0 + 1e-9, 1e2, 1e4}) {
      const auto ref = matrix_with_spectrum(m, n, decaying(k, condition), 11);
      EXPECT_LT(max_abs_diff(limuon::polar_svd(ref.a), known_polar(ref)), 1e-10)
          << m << "x" << n << " condition " << condition;
    }
  }
}

TEST(PolarSvd, RankDeficientInputGivesPartialIsometryOnItsRange) {
  for (const auto& [m, n] : kShapes) {
    const int64_t k = std::min(m, n);
    torch::Tensor s = decaying(k, 1e2);
    s.narrow(0, k / 2, k - k / 2).zero_();  // rank k/2
    const auto ref = matrix_with_spectrum(m, n, s, 12);
    const torch::Tensor o = limuon::polar_svd(ref.a);
    EXPECT_LT(max_abs_diff(o, known_polar(ref)), 1e-10) << m << "x" << n;
    // Nothing leaks into the null space: O^T O is the projector onto the row space, of trace k/2.
    EXPECT_NEAR(torch::trace(torch::matmul(o.t(), o)).item<double>(), static_cast<double>(k / 2), 1e-9);
  }
}

TEST(PolarSvd, Float32IsAccurateToSinglePrecision) {
  const auto ref = matrix_with_spectrum(64, 48, decaying(48, 1e2), 13);
  const torch::Tensor o = limuon::polar_svd(ref.a.to(torch::kFloat));
  EXPECT_EQ(o.scalar_type(), torch::kFloat);
  EXPECT_LT(max_abs_diff(o, known_polar(ref)), 1e-4);
}

TEST(PolarNewtonSchulz, EqualsTheScalarQuinticAppliedToEachSingularValue) {
  // NS acts on singular values only: NS(A) = U p(s / ||A||_F) V^T, p the 5-fold quintic.
  const auto [a, b, c] = limuon::kMuonNsCoefficients;
  for (const auto& [m, n] : kShapes) {
    const int64_t k = std::min(m, n);
    const auto ref = matrix_with_spectrum(m, n, decaying(k, 50), 14);
    torch::Tensor x = ref.s / ref.a.norm();
    for (int i = 0; i < 5; ++i) x = a * x + b * x.pow(3) + c * x.pow(5);
    const torch::Tensor expected = torch::matmul(ref.u * x.unsqueeze(0), ref.v.t());
    const torch::Tensor ns = limuon::polar_newton_schulz(ref.a, {5, limuon::kMuonNsCoefficients, 0.0});
    EXPECT_LT(max_abs_diff(ns, expected), 1e-10) << m << "x" << n;
    EXPECT_LT(max_abs_diff(ns, limuon::test::reference_newton_schulz(ref.a, 5, a, b, c)), 1e-10);
  }
}

TEST(PolarNewtonSchulz, SingularValuesLandInTheKnownBandOfMuonsQuintic) {
  // For normalised singular values in [0.003, 1] the 5-step quintic maps into [0.6818, 1.2024];
  // this matrix's smallest normalised singular value is about 0.01.
  for (const auto& [m, n] : kShapes) {
    const int64_t k = std::min(m, n);
    const auto ref = matrix_with_spectrum(m, n, decaying(k, 5), 15);
    ASSERT_GT((ref.s.min() / ref.a.norm()).item<double>(), 0.003);
    for (const auto dtype : {torch::kDouble, torch::kFloat}) {
      const torch::Tensor ns = limuon::polar_newton_schulz(ref.a.to(dtype));
      const torch::Tensor sv = torch::linalg_svdvals(ns.to(torch::kDouble));
      EXPECT_GT(sv.min().item<double>(), 0.6818 - 1e-4) << m << "x" << n;
      EXPECT_LT(sv.max().item<double>(), 1.2024 + 1e-4) << m << "x" << n;
      // ... and its singular vectors are the input's: O's distance to the true polar is the band's.
      EXPECT_LT(max_abs_diff(ns, known_polar(ref)), 0.35);
    }
  }
}

TEST(PolarNewtonSchulz, MoreStepsOfAConvergentIterationReachTheExactPolar) {
  // The cubic Newton-Schulz (1.5, -0.5, 0) converges to U V^T: checks the iteration plumbing.
  const auto ref = matrix_with_spectrum(30, 50, decaying(30, 4), 16);
  const torch::Tensor ns = limuon::polar_newton_schulz(ref.a, {60, {1.5, -0.5, 0.0}, 0.0});
  EXPECT_LT(max_abs_diff(ns, known_polar(ref)), 1e-10);
}

TEST(Polar, BackendsNeverModifyTheirInput) {
  const torch::Tensor a = torch::randn({20, 30});
  const torch::Tensor before = a.clone();
  limuon::polar_svd(a);
  limuon::polar_newton_schulz(a);
  limuon::polar_newton_schulz(a.t());
  EXPECT_TRUE(torch::equal(a, before));
}

TEST(Polar, ZeroMatrixGivesZeroUpdate) {
  const torch::Tensor z = torch::zeros({8, 5});
  EXPECT_EQ(limuon::polar_svd(z).abs().max().item<float>(), 0.0f);
  EXPECT_EQ(limuon::polar_newton_schulz(z).abs().max().item<float>(), 0.0f);
}

}  // namespace
