// LiMuon Lab's optimizer library: include this one header.
//   limuon::LiMuon, limuon::Muon             the optimizers (torch::optim::Optimizer subclasses)
//   limuon::split_parameters, make_param_groups   matrices to Muon/LiMuon, the rest to AdamW, one object
//   limuon::state_bytes                      exact persistent state size
//   limuon::polar_svd, polar_newton_schulz, randomized_svd   the linear algebra underneath
#pragma once

#include "limuon/limuon_optimizer.hpp"
#include "limuon/muon.hpp"
#include "limuon/optim_types.hpp"
#include "limuon/param_groups.hpp"
#include "limuon/polar.hpp"
#include "limuon/rsvd.hpp"
#include "limuon/state_bytes.hpp"
