#include "support/references.hpp"

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

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> reference_rsvd(const torch::Tensor& a, int64_t rank,
                                                                       int64_t oversampling, int64_t power_iters,
                                                                       torch::Generator gen) {
  const int64_t l = std::min(rank + oversampling, std::min(a.size(0), a.size(1)));
  const torch::Tensor omega = torch::randn({a.size(1), l}, gen, a.options());
  torch::Tensor q = std::get<0>(torch::linalg_qr(torch::matmul(a, omega)));
  for (int64_t i = 0; i < power_iters; ++i) {
    const torch::Tensor z = std::get<0>(torch::linalg_qr(torch::matmul(a.t(), q)));
    q = std::get<0>(torch::linalg_qr(torch::matmul(a, z)));
  }
  auto [ub, s, vh] = torch::linalg_svd(torch::matmul(q.t(), a), false);
  return {torch::matmul(q, ub).narrow(1, 0, rank), s.narrow(0, 0, rank), vh.narrow(0, 0, rank).t()};
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
