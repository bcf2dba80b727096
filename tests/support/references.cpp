#include "support/references.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace limuon::test {

KnownSvd matrix_with_spectrum(int64_t m, int64_t n, const torch::Tensor& singular_values, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  const int64_t k = singular_values.numel();
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  const torch::Tensor u = std::get<0>(torch::linalg_qr(torch::randn({m, k}, gen, opts)));
  const torch::Tensor v = std::get<0>(torch::linalg_qr(torch::randn({n, k}, gen, opts)));
  const torch::Tensor s = singular_values.to(torch::kDouble);
  return {torch::matmul(u * s.unsqueeze(0), v.t()), u, s, v};
}

torch::Tensor known_polar(const KnownSvd& k) {
  const torch::Tensor nonzero = (k.s > 0).to(torch::kDouble);
  return torch::matmul(k.u * nonzero.unsqueeze(0), k.v.t());
}

torch::Tensor reference_newton_schulz(const torch::Tensor& m, int64_t steps, double a, double b, double c) {
  const bool tall = m.size(0) > m.size(1);
  torch::Tensor x = (tall ? m.t() : m).to(torch::kDouble);
  x = x / x.norm();
  for (int64_t i = 0; i < steps; ++i) {
    const torch::Tensor gram = torch::matmul(x, x.t());
    x = a * x + torch::matmul(b * gram + c * torch::matmul(gram, gram), x);
  }
  return tall ? x.t() : x;
}

namespace {

// The columns of y made orthonormal in order by modified Gram-Schmidt, each projected out twice ("twice
// is enough" for float64). A column with nothing left of its own (a rank-deficient sketch) becomes zero,
// so it adds no direction.
torch::Tensor gram_schmidt(const torch::Tensor& y) {
  torch::Tensor q = y.to(torch::kDouble).contiguous().clone();
  auto a = q.accessor<double, 2>();
  const int64_t rows = q.size(0), cols = q.size(1);
  auto column_norm = [&](int64_t j) {
    double sum = 0;
    for (int64_t i = 0; i < rows; ++i) sum += a[i][j] * a[i][j];
    return std::sqrt(sum);
  };
  for (int64_t j = 0; j < cols; ++j) {
    const double before = column_norm(j);
    for (int pass = 0; pass < 2; ++pass)
      for (int64_t k = 0; k < j; ++k) {
        double dot = 0;
        for (int64_t i = 0; i < rows; ++i) dot += a[i][k] * a[i][j];
        for (int64_t i = 0; i < rows; ++i) a[i][j] -= dot * a[i][k];
      }
    const double after = column_norm(j);
    const double keep = after > 1e-10 * before ? 1.0 / after : 0.0;
    for (int64_t i = 0; i < rows; ++i) a[i][j] *= keep;
  }
  return q;
}

// Thin SVD of a small l x n matrix b by one-sided (Hestenes) Jacobi on g = b^T: plane rotations J make
// the columns of g J orthogonal; then g J = U_g diag(s), so b = J diag(s) U_g^T. Returns (J, s, U_g),
// sorted by s, largest first.
std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> jacobi_svd(const torch::Tensor& b) {
  torch::Tensor w = b.t().to(torch::kDouble).contiguous().clone();  // n x l
  const int64_t n = w.size(0), l = w.size(1);
  torch::Tensor j = torch::eye(l, torch::kDouble);
  auto wa = w.accessor<double, 2>();
  auto ja = j.accessor<double, 2>();
  auto rotate = [](auto& acc, int64_t rows, int64_t p, int64_t q, double c, double s) {
    for (int64_t i = 0; i < rows; ++i) {
      const double x = acc[i][p], y = acc[i][q];
      acc[i][p] = c * x - s * y;
      acc[i][q] = s * x + c * y;
    }
  };
  for (int sweep = 0; sweep < 100; ++sweep) {
    bool rotated = false;
    for (int64_t p = 0; p < l; ++p)
      for (int64_t q = p + 1; q < l; ++q) {
        double alpha = 0, beta = 0, gamma = 0;
        for (int64_t i = 0; i < n; ++i) {
          alpha += wa[i][p] * wa[i][p];
          beta += wa[i][q] * wa[i][q];
          gamma += wa[i][p] * wa[i][q];
        }
        if (gamma == 0 || std::abs(gamma) <= 1e-15 * std::sqrt(alpha * beta)) continue;
        rotated = true;
        // The rotation that zeroes the columns' inner product: t = tan(theta), the smaller root of
        // t^2 + 2 zeta t - 1 = 0.
        const double zeta = (beta - alpha) / (2 * gamma);
        const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::abs(zeta) + std::sqrt(1 + zeta * zeta));
        const double c = 1 / std::sqrt(1 + t * t), s = c * t;
        rotate(wa, n, p, q, c, s);
        rotate(ja, l, p, q, c, s);
      }
    if (!rotated) break;
  }
  std::vector<double> sigma(l);
  for (int64_t k = 0; k < l; ++k) {
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += wa[i][k] * wa[i][k];
    sigma[k] = std::sqrt(sum);
  }
  std::vector<int64_t> order(l);
  for (int64_t k = 0; k < l; ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return sigma[x] > sigma[y]; });
  torch::Tensor u_b = torch::zeros({l, l}, torch::kDouble), s = torch::zeros({l}, torch::kDouble),
                v = torch::zeros({n, l}, torch::kDouble);
  auto ua = u_b.accessor<double, 2>();
  auto sa = s.accessor<double, 1>();
  auto va = v.accessor<double, 2>();
  for (int64_t k = 0; k < l; ++k) {
    const int64_t from = order[k];
    sa[k] = sigma[from];
    for (int64_t i = 0; i < l; ++i) ua[i][k] = ja[i][from];
    if (sigma[from] > 0)
      for (int64_t i = 0; i < n; ++i) va[i][k] = wa[i][from] / sigma[from];
  }
  return {u_b, s, v};
}

}  // namespace

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> reference_rsvd(const torch::Tensor& a, int64_t rank,
                                                                       int64_t oversampling, int64_t power_iters,
                                                                       torch::Generator gen) {
  // The same Gaussian test matrix the engine draws (same shape, type and generator), so that a run can be
  // replayed; everything after it is float64 and written out here.
  const int64_t l = std::min(rank + oversampling, std::min(a.size(0), a.size(1)));
  const torch::Tensor omega = torch::randn({a.size(1), l}, gen, a.options()).to(torch::kDouble);
  const torch::Tensor a64 = a.to(torch::kDouble);
  torch::Tensor q = gram_schmidt(torch::matmul(a64, omega));
  for (int64_t i = 0; i < power_iters; ++i) q = gram_schmidt(torch::matmul(a64, gram_schmidt(torch::matmul(a64.t(), q))));
  auto [u_b, s, v] = jacobi_svd(torch::matmul(q.t(), a64));  // Q^T A = U_b diag(s) V^T, l x n
  return {torch::matmul(q, u_b).narrow(1, 0, rank), s.narrow(0, 0, rank), v.narrow(1, 0, rank)};
}

double max_abs_diff(const torch::Tensor& x, const torch::Tensor& y) {
  return (x.to(torch::kDouble) - y.to(torch::kDouble)).abs().max().item<double>();
}

torch::Tensor TinyNet::loss(const torch::Tensor& w1, const torch::Tensor& w2, const torch::Tensor& x,
                            const torch::Tensor& y) {
  const torch::Tensor out = torch::matmul(torch::tanh(torch::matmul(x, w1.t())), w2.t());
  return (out - y).pow(2).mean();
}

std::pair<torch::Tensor, torch::Tensor> TinyNet::batch(int64_t t, int64_t size) {
  auto gen = at::detail::createCPUGenerator(1000 + static_cast<uint64_t>(t));
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  const torch::Tensor x = torch::randn({size, kIn}, gen, opts);
  const torch::Tensor y = torch::sin(x.narrow(1, 0, kOut)) + 0.1 * torch::randn({size, kOut}, gen, opts);
  return {x, y};
}

std::pair<torch::Tensor, torch::Tensor> TinyNet::initial_weights(uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  return {0.5 * torch::randn({kHidden, kIn}, gen, opts), 0.5 * torch::randn({kOut, kHidden}, gen, opts)};
}

std::pair<torch::Tensor, torch::Tensor> TinyNet::grads(const torch::Tensor& w1, const torch::Tensor& w2,
                                                       const torch::Tensor& x, const torch::Tensor& y) {
  torch::Tensor a = w1.detach().clone().requires_grad_(true), b = w2.detach().clone().requires_grad_(true);
  loss(a, b, x, y).backward();
  return {a.grad().detach(), b.grad().detach()};
}

}  // namespace limuon::test
