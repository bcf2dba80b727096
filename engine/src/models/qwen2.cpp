#include "limuon/models/qwen2.hpp"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/linear.h>

#include <cmath>
#include <stdexcept>

#include "init.hpp"

namespace limuon::models {

Qwen2Config qwen2_preset(const std::string& name) {
  if (name == "classroom") return Qwen2Config{256, 64, 2, 64, 4, 2, 176, 10000.0, 1e-6};
  if (name == "small") return Qwen2Config{256, 128, 4, 256, 8, 2, 688, 10000.0, 1e-6};
  throw std::invalid_argument("qwen2 preset '" + name + "' is not one of classroom, small");
}

RmsNormImpl::RmsNormImpl(int64_t width, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({width}));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x) {
  return x * torch::rsqrt(x.pow(2).mean(-1, /*keepdim=*/true) + eps_) * weight;
}

Qwen2BlockImpl::Qwen2BlockImpl(const Qwen2Config& c) {
  input_norm = register_module("input_norm", RmsNorm(c.width, c.norm_eps));
  attn = register_module("attn", SelfAttention(AttentionConfig{c.width, c.heads, c.kv_heads, true, true, true,
                                                               c.rope_base}));
  post_norm = register_module("post_norm", RmsNorm(c.width, c.norm_eps));
  auto linear = [&](int64_t in, int64_t out) { return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false)); };
  gate = register_module("gate", linear(c.width, c.intermediate));
  up = register_module("up", linear(c.width, c.intermediate));
  down = register_module("down", linear(c.intermediate, c.width));
}

torch::Tensor Qwen2BlockImpl::forward(torch::Tensor x) {
  x = x + attn->forward(input_norm->forward(x));
  const torch::Tensor h = post_norm->forward(x);
  return x + down->forward(torch::silu(gate->forward(h)) * up->forward(h));  // SwiGLU
}

Qwen2Impl::Qwen2Impl(const Qwen2Config& c) : config_(c) {
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab, c.width));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.layers; ++i) blocks->push_back(Qwen2Block(c));
  norm = register_module("norm", RmsNorm(c.width, c.norm_eps));
  init_transformer(*this, 0.02, 0.02 / std::sqrt(2.0 * static_cast<double>(c.layers)));
}

torch::Tensor Qwen2Impl::forward(const torch::Tensor& tokens) {
  if (tokens.size(1) > config_.context)
    throw std::invalid_argument("qwen2: sequence of " + std::to_string(tokens.size(1)) + " tokens exceeds context " +
                                std::to_string(config_.context));
  torch::Tensor x = embed_tokens->forward(tokens);
  for (const auto& block : *blocks) x = block->as<Qwen2Block>()->forward(x);
  return torch::nn::functional::linear(norm->forward(x), embed_tokens->weight);
}

}  // namespace limuon::models
