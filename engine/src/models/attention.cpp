#include "limuon/models/attention.hpp"

#include <stdexcept>

#include "limuon/models/attention_ops.hpp"

namespace limuon::models {

SelfAttentionImpl::SelfAttentionImpl(const AttentionConfig& config) : config_(config) {
  if (config_.kv_heads == 0) config_.kv_heads = config_.heads;
  if (config_.width % config_.heads != 0 || config_.heads % config_.kv_heads != 0)
    throw std::invalid_argument("attention: width " + std::to_string(config_.width) + " and heads " +
                                std::to_string(config_.heads) + "/" + std::to_string(config_.kv_heads) +
                                " must divide evenly");
  const int64_t head_dim = config_.width / config_.heads;
  auto linear = [&](int64_t out) { return torch::nn::Linear(torch::nn::LinearOptions(config_.width, out).bias(config_.bias)); };
  q = register_module("q", linear(config_.width));
  k = register_module("k", linear(config_.kv_heads * head_dim));
  v = register_module("v", linear(config_.kv_heads * head_dim));
  proj = register_module("proj", linear(config_.width));
}

torch::Tensor apply_rotary(const torch::Tensor& x, double base) {
  const int64_t time = x.size(1), dim = x.size(3), half = dim / 2;
  const auto opts = x.options();
  const torch::Tensor inv_freq = torch::pow(base, -torch::arange(0, half, opts) / static_cast<double>(half));
  const torch::Tensor angles = torch::outer(torch::arange(0, time, opts), inv_freq).view({time, 1, half});
  const torch::Tensor cos = angles.cos(), sin = angles.sin();
  const torch::Tensor a = x.narrow(3, 0, half), b = x.narrow(3, half, half);
  return torch::cat({a * cos - b * sin, a * sin + b * cos}, 3);
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x) {
  const int64_t batch = x.size(0), time = x.size(1);
  const int64_t head_dim = config_.width / config_.heads;
  // (batch, time, heads, head_dim): a view of each projection's output, no copy.
  auto heads = [&](const torch::Tensor& t, int64_t n) { return t.view({batch, time, n, head_dim}); };
  torch::Tensor qh = heads(q->forward(x), config_.heads);
  torch::Tensor kh = heads(k->forward(x), config_.kv_heads);
  const torch::Tensor vh = heads(v->forward(x), config_.kv_heads);
  if (config_.rotary) {
    qh = apply_rotary(qh, config_.rope_base);
    kh = apply_rotary(kh, config_.rope_base);
  }
  const torch::Tensor mixed = scaled_dot_product_attention(qh, kh, vh, config_.causal);
  return proj->forward(mixed.reshape({batch, time, config_.width}));
}

}  // namespace limuon::models
