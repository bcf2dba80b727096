// Vision Transformer: patch embedding, class token, learned positions, pre-LayerNorm encoder blocks
// (bidirectional attention, GELU MLP) and a linear classifier on the class token.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>

#include <string>

#include "limuon/models/gpt.hpp"

namespace limuon::models {

struct VitConfig {
  int64_t image = 28;
  int64_t channels = 1;
  int64_t patch = 7;
  int64_t classes = 10;
  int64_t layers = 2;
  int64_t width = 64;
  int64_t heads = 4;
  int64_t mlp_ratio = 4;
  int64_t patches() const { return (image / patch) * (image / patch); }
};

// "classroom" (2 x 64, patch 7), "small" (4 x 128, patch 4), "vit-tiny" (12 x 192, 3 heads, patch 4).
VitConfig vit_preset(const std::string& name);

class VitImpl : public torch::nn::Module {
 public:
  explicit VitImpl(const VitConfig& config);
  torch::Tensor forward(const torch::Tensor& images);  // (batch, channels, h, w) or (batch, h*w) -> (batch, classes)
  const VitConfig& config() const { return config_; }
  torch::nn::Linear patch_embed{nullptr}, head{nullptr};
  torch::Tensor cls_token, pos_embed;
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::LayerNorm ln_f{nullptr};

 private:
  VitConfig config_;
};
TORCH_MODULE(Vit);

}  // namespace limuon::models
