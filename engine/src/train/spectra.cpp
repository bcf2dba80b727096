#include "spectra.hpp"

#include <ATen/ATen.h>
#include <c10/util/string_utils.h>
#include <torch/optim/adamw.h>
#include <unistd.h>

#include <fstream>

#include "limuon/optim/limuon_optimizer.hpp"
#include "limuon/optim/muon.hpp"
#include "limuon/linalg/rsvd.hpp"

namespace limuon::train::detail {
namespace {

std::vector<double> to_vector(const at::Tensor& t) {
  const at::Tensor d = t.to(at::kDouble).contiguous();
  return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

at::Tensor matrix_view(const at::Tensor& t) { return t.dim() == 2 ? t : t.reshape({t.size(0), -1}); }

}  // namespace

std::vector<double> singular_values(const at::Tensor& matrix) {
  const at::Tensor m = matrix_view(matrix.detach()).to(at::kDouble);
  if (std::min(m.size(0), m.size(1)) <= 256) return to_vector(at::linalg_svdvals(m));
  const auto f = randomized_svd(m, RsvdConfig{32, 8, 2}, sketch_generator(0, 0));
  return to_vector(f.s);
}

std::optional<MomentumView> momentum_spectrum(const torch::optim::Optimizer& optimizer, const at::Tensor& p) {
  const auto found = optimizer.state().find(c10::guts::to_string(p.unsafeGetTensorImpl()));
  if (found == optimizer.state().end()) return std::nullopt;
  const auto* state = found->second.get();
  MomentumView view;
  if (const auto* s = dynamic_cast<const LiMuonParamState*>(state)) {
    if (s->u().defined()) {
      view.values = to_vector(s->s());
      if (p.grad().defined()) {
        const double dense = p.grad().to(at::kDouble).pow(2).sum().item<double>();
        if (dense > 0) view.energy_fraction = s->s().to(at::kDouble).pow(2).sum().item<double>() / dense;
      }
    } else if (s->momentum().defined()) {
      view.values = singular_values(s->momentum());
    }
  } else if (const auto* m = dynamic_cast<const MuonParamState*>(state)) {
    if (m->momentum_buffer().defined()) view.values = singular_values(m->momentum_buffer());
  } else if (const auto* a = dynamic_cast<const torch::optim::AdamWParamState*>(state)) {
    if (a->exp_avg().defined() && a->exp_avg().dim() >= 2) view.values = singular_values(a->exp_avg());
  }
  if (view.values.empty()) return std::nullopt;
  return view;
}

int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace limuon::train::detail
