#include "limuon/models/gpt.hpp"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/linear.h>
#include <torch/nn/init.h>

#include <cmath>
#include <stdexcept>

#include "init.hpp"

namespace limuon::models {

GptConfig gpt_preset(const std::string& name) {
  if (name == "classroom") return GptConfig{256, 64, 2, 80, 4, 4};
  if (name == "small") return GptConfig{256, 128, 4, 256, 8, 4};
  if (name == "distilgpt2") return GptConfig{50257, 1024, 6, 768, 12, 4};
  throw std::invalid_argument("gpt preset '" + name + "' is not one of classroom, small, distilgpt2");
}

GptBlockImpl::GptBlockImpl(const GptConfig& c, bool causal) {
  ln1 = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
  attn = register_module("attn", SelfAttention(AttentionConfig{c.width, c.heads, 0, causal}));
  ln2 = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
  fc = register_module("fc", torch::nn::Linear(c.width, c.mlp_ratio * c.width));
  proj = register_module("proj", torch::nn::Linear(c.mlp_ratio * c.width, c.width));
}

torch::Tensor GptBlockImpl::forward(torch::Tensor x) {
  x = x + attn->forward(ln1->forward(x));
  return x + proj->forward(torch::gelu(fc->forward(ln2->forward(x))));
}

GptImpl::GptImpl(const GptConfig& c) : config_(c) {
  wte = register_module("wte", torch::nn::Embedding(c.vocab, c.width));
  wpe = register_module("wpe", torch::nn::Embedding(c.context, c.width));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.layers; ++i) blocks->push_back(GptBlock(c));
  ln_f = register_module("ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
  // GPT-2's init: N(0, 0.02), residual output projections scaled by 1/sqrt(2 * layers).
  init_transformer(*this, 0.02, 0.02 / std::sqrt(2.0 * static_cast<double>(c.layers)));
}

torch::Tensor GptImpl::forward(const torch::Tensor& tokens) {
  const int64_t time = tokens.size(1);
  if (time > config_.context)
    throw std::invalid_argument("gpt: sequence of " + std::to_string(time) + " tokens exceeds context " +
                                std::to_string(config_.context));
  torch::Tensor x = wte->forward(tokens) + wpe->forward(torch::arange(time, tokens.options()));
  for (const auto& block : *blocks) x = block->as<GptBlock>()->forward(x);
  return torch::nn::functional::linear(ln_f->forward(x), wte->weight);  // head tied to the embedding
}

}  // namespace limuon::models
