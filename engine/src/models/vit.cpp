#include "limuon/models/vit.hpp"

#include <torch/nn/init.h>

#include <cmath>
#include <stdexcept>

#include "init.hpp"

namespace limuon::models {

VitConfig vit_preset(const std::string& name) {
  if (name == "classroom") return VitConfig{28, 1, 7, 10, 2, 64, 4, 4};
  if (name == "small") return VitConfig{28, 1, 4, 10, 4, 128, 4, 4};
  if (name == "vit-tiny") return VitConfig{28, 1, 4, 10, 12, 192, 3, 4};
  throw std::invalid_argument("vit preset '" + name + "' is not one of classroom, small, vit-tiny");
}

VitImpl::VitImpl(const VitConfig& c) : config_(c) {
  if (c.image % c.patch != 0)
    throw std::invalid_argument("vit: image size " + std::to_string(c.image) + " is not a multiple of patch " +
                                std::to_string(c.patch));
  patch_embed = register_module("patch_embed", torch::nn::Linear(c.channels * c.patch * c.patch, c.width));
  cls_token = register_parameter("cls_token", torch::zeros({1, 1, c.width}));
  pos_embed = register_parameter("pos_embed", torch::zeros({1, c.patches() + 1, c.width}));
  blocks = register_module("blocks", torch::nn::ModuleList());
  // The GPT block with bidirectional attention: the same pre-LN structure.
  const GptConfig block{0, 0, 0, c.width, c.heads, c.mlp_ratio};
  for (int64_t i = 0; i < c.layers; ++i) blocks->push_back(GptBlock(block, /*causal=*/false));
  ln_f = register_module("ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
  head = register_module("head", torch::nn::Linear(c.width, c.classes));
  init_transformer(*this, 0.02, 0.02 / std::sqrt(2.0 * static_cast<double>(c.layers)));
  torch::NoGradGuard no_grad;
  torch::nn::init::normal_(pos_embed, 0.0, 0.02);
  torch::nn::init::normal_(cls_token, 0.0, 0.02);
}

torch::Tensor VitImpl::forward(const torch::Tensor& images) {
  const auto& c = config_;
  const int64_t batch = images.size(0), side = c.image / c.patch;
  // (batch, C, H, W) -> (batch, patches, C * patch * patch)
  const torch::Tensor x = images.reshape({batch, c.channels, side, c.patch, side, c.patch})
                              .permute({0, 2, 4, 1, 3, 5})
                              .reshape({batch, side * side, c.channels * c.patch * c.patch});
  torch::Tensor h = torch::cat({cls_token.expand({batch, 1, c.width}), patch_embed->forward(x)}, 1) + pos_embed;
  for (const auto& block : *blocks) h = block->as<GptBlock>()->forward(h);
  return head->forward(ln_f->forward(h).select(1, 0));
}

}  // namespace limuon::models
