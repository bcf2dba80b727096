// LiMuon Lab's engine: include this one header, or the narrower ones it lists.
//   limuon::LiMuon, limuon::Muon                  optimizers (torch::optim::Optimizer subclasses)   optim/
//   limuon::split_parameters, make_param_groups   matrices to Muon/LiMuon, the rest to AdamW       optim/
//   limuon::state_bytes                           exact persistent state size                      optim/
//   limuon::polar_svd, polar_newton_schulz, randomized_svd   the linear algebra underneath         linalg/
//   limuon::train::RunConfig, settings(), Trainer  one run on its own thread, its settings model   train/
//   limuon::store::Store, compare_runs             the SQLite store of runs and metrics            store/
//   limuon::sweep::run_queue, load_sweep           queues and sweeps of stored runs                sweep/
#pragma once

#include "limuon/linalg/polar.hpp"
#include "limuon/linalg/rsvd.hpp"
#include "limuon/optim/limuon_optimizer.hpp"
#include "limuon/optim/muon.hpp"
#include "limuon/optim/optim_types.hpp"
#include "limuon/optim/param_groups.hpp"
#include "limuon/optim/state_bytes.hpp"
#include "limuon/store/compare.hpp"
#include "limuon/store/store.hpp"
#include "limuon/sweep/run_queue.hpp"
#include "limuon/sweep/sweep.hpp"
#include "limuon/train/run_config.hpp"
#include "limuon/train/settings.hpp"
#include "limuon/train/trainer.hpp"
