// GPT with the DistilGPT2 architecture: learned positions, pre-LayerNorm decoder blocks with causal
// attention and a GELU MLP, and an output head tied to the token embedding. Random init from a config.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>

#include <string>

#include "limuon/models/attention.hpp"

namespace limuon::models {

struct GptConfig {
  int64_t vocab = 256;  // byte-level tokens by default
  int64_t context = 64;
  int64_t layers = 2;
  int64_t width = 80;
  int64_t heads = 4;
  int64_t mlp_ratio = 4;
};

// "classroom" (~0.18M parameters), "small" (~3.2M), "distilgpt2" (6 x 768, vocab 50257: ~82M).
GptConfig gpt_preset(const std::string& name);

class GptBlockImpl : public torch::nn::Module {
 public:
  GptBlockImpl(const GptConfig& config, bool causal = true);  // ViT uses it with causal = false
  torch::Tensor forward(torch::Tensor x);
  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
  SelfAttention attn{nullptr};
  torch::nn::Linear fc{nullptr}, proj{nullptr};
};
TORCH_MODULE(GptBlock);

class GptImpl : public torch::nn::Module {
 public:
  explicit GptImpl(const GptConfig& config);
  torch::Tensor forward(const torch::Tensor& tokens);  // (batch, time) int64 -> (batch, time, vocab) logits
  const GptConfig& config() const { return config_; }
  torch::nn::Embedding wte{nullptr}, wpe{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::LayerNorm ln_f{nullptr};

 private:
  GptConfig config_;
};
TORCH_MODULE(Gpt);

}  // namespace limuon::models
