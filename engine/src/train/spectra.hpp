// Singular values for the spectrum plots, and the momentum matrix each optimizer keeps. Private.
#pragma once

#include <torch/optim/optimizer.h>

#include <optional>
#include <vector>

namespace limuon::train::detail {

// Exact (float64 SVD) when min(m, n) <= 256, else the top 32 by randomized SVD with power iterations.
std::vector<double> singular_values(const at::Tensor& matrix);

struct MomentumView {
  std::vector<double> values;   // its singular values
  double energy_fraction = -1;  // LiMuon rank-r: captured share of the dense momentum's energy
};

// The momentum of parameter p as its optimizer holds it (LiMuon, Muon or LibTorch AdamW's exp_avg).
// For LiMuon, p.grad holds the dense M_{t+1} right after a step, which gives the energy fraction.
std::optional<MomentumView> momentum_spectrum(const torch::optim::Optimizer& optimizer, const at::Tensor& p);

// Resident set size of this process, bytes (0 when /proc is unavailable).
int64_t resident_bytes();

}  // namespace limuon::train::detail
