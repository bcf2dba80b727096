#include "limuon/train/optimizer_factory.hpp"

#include <torch/optim/adamw.h>

#include "limuon/optim/limuon_optimizer.hpp"
#include "limuon/optim/muon.hpp"

namespace limuon::train {

BuiltOptimizer build_optimizer(const RunConfig& c, const torch::nn::Module& model) {
  BuiltOptimizer built;
  built.split = split_parameters(model);
  const auto betas = AdamWBetas{0.9, 0.95};
  if (c.optimizer == "limuon") {
    const auto matrix = LiMuonOptions(c.lr)
                            .beta(c.beta)
                            .rank(c.rank)
                            .polar(parse_polar(c.polar))
                            .oversampling(c.oversampling)
                            .power_iters(c.power_iters)
                            .weight_decay(c.weight_decay)
                            .lr_scale(parse_lr_scale(c.lr_scale))
                            .seed(c.seed);
    const auto adamw = LiMuonOptions(c.adamw_lr).weight_decay(c.weight_decay).adamw_betas(betas);
    built.optimizer = std::make_unique<LiMuon>(make_param_groups(built.split, matrix, adamw), matrix);
    built.grads_per_step = 2;
    built.stats = &static_cast<const LiMuon&>(*built.optimizer).stats();
  } else if (c.optimizer == "muon") {
    const auto matrix = MuonOptions(c.lr)
                            .momentum(c.momentum)
                            .polar(parse_polar(c.polar))
                            .weight_decay(c.weight_decay)
                            .lr_scale(parse_lr_scale(c.lr_scale));
    const auto adamw = MuonOptions(c.adamw_lr).weight_decay(c.weight_decay).adamw_betas(betas);
    built.optimizer = std::make_unique<Muon>(make_param_groups(built.split, matrix, adamw), matrix);
    built.stats = &static_cast<const Muon&>(*built.optimizer).stats();
  } else if (c.optimizer == "adamw") {
    auto all = built.split.matrices;
    all.insert(all.end(), built.split.others.begin(), built.split.others.end());
    built.optimizer = std::make_unique<torch::optim::AdamW>(
        all, torch::optim::AdamWOptions(c.adamw_lr).weight_decay(c.weight_decay).betas({0.9, 0.95}));
  } else {
    throw ConfigError("optimizer = '" + c.optimizer + "' is not one of limuon, muon, adamw");
  }
  return built;
}

}  // namespace limuon::train
