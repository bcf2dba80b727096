// Multi-head self-attention shared by the GPT, ViT and Qwen2-style models: optional causal mask,
// optional rotary positions, and grouped-query attention (fewer key/value heads than query heads).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

namespace limuon::models {

struct AttentionConfig {
  int64_t width = 64;
  int64_t heads = 4;
  int64_t kv_heads = 0;  // 0 = heads (plain multi-head attention)
  bool causal = true;
  bool bias = true;
  bool rotary = false;
  double rope_base = 10000.0;
};

class SelfAttentionImpl : public torch::nn::Module {
 public:
  explicit SelfAttentionImpl(const AttentionConfig& config);
  torch::Tensor forward(const torch::Tensor& x);  // (batch, time, width) -> same

  // Separate q, k, v projections (not one fused c_attn) so grouped-query shapes stay plain matrices.
  torch::nn::Linear q{nullptr}, k{nullptr}, v{nullptr}, proj{nullptr};

 private:
  AttentionConfig config_;
};
TORCH_MODULE(SelfAttention);

// Rotary position embedding of (batch, time, heads, head_dim), rotating pairs (i, i + head_dim / 2).
torch::Tensor apply_rotary(const torch::Tensor& x, double base);

}  // namespace limuon::models
