// Small value types shared by the optimizers: which polar-factor backend runs, how the learning rate is
// scaled for a matrix's shape, and the parsing of both from user text (config files, command lines).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>

namespace limuon {

// How polar(M) = U V^T (the nearest semi-orthogonal matrix to M = U S V^T) is computed.
enum class Polar : int64_t {
  svd = 0,            // exact, from a thin SVD (float64-accurate reference)
  newton_schulz = 1,  // quintic Newton-Schulz iteration (Muon's default; approximate by design)
  lowrank = 2,        // U_r V_r^T from the rank-r randomized SVD of the momentum (LiMuon option #2 only)
};

// Learning-rate multiplier for an m x n matrix update of rank k. A semi-orthogonal update of rank k has
// Frobenius norm sqrt(k), so its RMS is sqrt(k / (m n)): for the full polar factor k = min(m, n), for
// LiMuon's rank-r update only k = r, which makes it far smaller at the same learning rate.
enum class LrScale : int64_t {
  none = 0,                  // 1
  shape = 1,                 // sqrt(max(1, m / n)): Keller Jordan's and torch.optim.Muon's default
  match_adamw_rms = 2,       // 0.2 * sqrt(max(m, n)): Moonlight's; RMS 0.2 for a full-rank update only
  match_adamw_rms_rank = 3,  // 0.2 * sqrt(m n / k): RMS 0.2 from the update's actual rank k
};

// Newton-Schulz coefficients (a, b, c) of X <- a X + (b A + c A^2) X with A = X X^T.
using NsCoefficients = std::tuple<double, double, double>;
inline constexpr NsCoefficients kMuonNsCoefficients{3.4445, -4.7750, 2.0315};

// (beta1, beta2) of the AdamW groups that live inside the Muon and LiMuon optimizers.
using AdamWBetas = std::tuple<double, double>;

// `update_rank` is k, the number of nonzero singular directions of the update (min(m, n) for a dense
// polar factor); only match_adamw_rms_rank uses it. A zero-rank update gets the factor of rank 1.
double lr_scale_factor(LrScale scale, int64_t rows, int64_t cols, int64_t update_rank);

// Parsing throws std::invalid_argument naming the option, the value and the accepted names.
Polar parse_polar(const std::string& text);
LrScale parse_lr_scale(const std::string& text);
std::string to_string(Polar polar);
std::string to_string(LrScale scale);

}  // namespace limuon
