// A Qwen2-style decoder: RMSNorm, SwiGLU MLP, rotary positions, grouped-query attention, head tied to
// the token embedding (as in Qwen2.5-0.5B). Small presets only.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>

#include <string>

#include "limuon/models/attention.hpp"

namespace limuon::models {

struct Qwen2Config {
  int64_t vocab = 256;
  int64_t context = 64;
  int64_t layers = 2;
  int64_t width = 64;
  int64_t heads = 4;
  int64_t kv_heads = 2;
  int64_t intermediate = 176;
  double rope_base = 10000.0;
  double norm_eps = 1e-6;
};

// "classroom" (2 x 64, 4/2 heads), "small" (4 x 256, 8/2 heads).
Qwen2Config qwen2_preset(const std::string& name);

class RmsNormImpl : public torch::nn::Module {
 public:
  RmsNormImpl(int64_t width, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(RmsNorm);

class Qwen2BlockImpl : public torch::nn::Module {
 public:
  explicit Qwen2BlockImpl(const Qwen2Config& config);
  torch::Tensor forward(torch::Tensor x);
  RmsNorm input_norm{nullptr}, post_norm{nullptr};
  SelfAttention attn{nullptr};
  torch::nn::Linear gate{nullptr}, up{nullptr}, down{nullptr};
};
TORCH_MODULE(Qwen2Block);

class Qwen2Impl : public torch::nn::Module {
 public:
  explicit Qwen2Impl(const Qwen2Config& config);
  torch::Tensor forward(const torch::Tensor& tokens);  // (batch, time) -> (batch, time, vocab)
  const Qwen2Config& config() const { return config_; }
  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  RmsNorm norm{nullptr};

 private:
  Qwen2Config config_;
};
TORCH_MODULE(Qwen2);

}  // namespace limuon::models
