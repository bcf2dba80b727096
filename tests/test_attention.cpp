// The engine's attention kernel against ATen's matmul/softmax composite in float64: values and all
// three gradients, causal and not, grouped-query heads, strided (view) inputs.
#include "limuon/models/attention_ops.hpp"

namespace {

using limuon::models::reference_attention;
using limuon::models::scaled_dot_product_attention;

struct Case {
  int64_t batch, time, heads, kv_heads, dim;
  bool causal;
};

// Inputs as the model makes them: views of one (batch, time, width) projection output, rows strided.
std::vector<torch::Tensor> inputs(const Case& c, torch::Dtype dtype) {
  const int64_t qw = c.heads * c.dim, kw = c.kv_heads * c.dim;
  const torch::Tensor packed = torch::randn({c.batch, c.time, qw + 2 * kw}, torch::kDouble);
  auto part = [&](int64_t start, int64_t width, int64_t heads) {
    return packed.narrow(2, start, width).view({c.batch, c.time, heads, c.dim}).to(dtype).requires_grad_();
  };
  if (dtype == torch::kDouble) {  // keep the strided views (to() of the same type returns the view)
    return {packed.narrow(2, 0, qw).view({c.batch, c.time, c.heads, c.dim}).detach().requires_grad_(),
            packed.narrow(2, qw, kw).view({c.batch, c.time, c.kv_heads, c.dim}).detach().requires_grad_(),
            packed.narrow(2, qw + kw, kw).view({c.batch, c.time, c.kv_heads, c.dim}).detach().requires_grad_()};
  }
  return {part(0, qw, c.heads), part(qw, kw, c.kv_heads), part(qw + kw, kw, c.kv_heads)};
}

// Output and gradients for a fixed random upstream gradient.
std::vector<torch::Tensor> run(bool fused, const std::vector<torch::Tensor>& qkv, const torch::Tensor& upstream,
                               bool causal) {
  for (const auto& t : qkv) t.mutable_grad() = torch::Tensor();
  const torch::Tensor out = fused ? scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], causal)
                                  : reference_attention(qkv[0], qkv[1], qkv[2], causal);
  (out * upstream.to(out.scalar_type())).sum().backward();
  return {out.detach(), qkv[0].grad(), qkv[1].grad(), qkv[2].grad()};
}

const std::vector<Case> kCases = {
    {2, 7, 4, 4, 5, true},   // plain causal
    {2, 7, 4, 4, 5, false},  // encoder (ViT)
    {3, 9, 6, 2, 4, true},   // grouped-query, 3 query heads per key/value head
    {1, 1, 2, 1, 3, true},   // a single position
};

}  // namespace

TEST(Attention, KernelMatchesComposite_Float64) {
  torch::manual_seed(3);
  for (const Case& c : kCases) {
    const auto qkv = inputs(c, torch::kDouble);
    ASSERT_TRUE(limuon::models::fused_attention_applies(qkv[0], qkv[1], qkv[2]));
    if (c.time > 1) EXPECT_NE(qkv[0].stride(1), c.heads * c.dim);  // really strided rows
    const torch::Tensor upstream = torch::randn({c.batch, c.time, c.heads, c.dim}, torch::kDouble);
    const auto fused = run(true, qkv, upstream, c.causal), reference = run(false, qkv, upstream, c.causal);
    const char* names[] = {"output", "dq", "dk", "dv"};
    for (int i = 0; i < 4; ++i) {
      ASSERT_EQ(fused[i].sizes(), reference[i].sizes()) << names[i];
      EXPECT_LT((fused[i] - reference[i]).abs().max().item<double>(), 1e-12)
          << names[i] << " batch " << c.batch << " time " << c.time << " heads " << c.heads << "/" << c.kv_heads;
    }
  }
}

TEST(Attention, Float32KernelMatchesFloat64Reference) {
  torch::manual_seed(4);
  for (const Case& c : kCases) {
    const auto qkv32 = inputs(c, torch::kFloat);
    std::vector<torch::Tensor> qkv64;
    for (const auto& t : qkv32) qkv64.push_back(t.detach().to(torch::kDouble).requires_grad_());
    const torch::Tensor upstream = torch::randn({c.batch, c.time, c.heads, c.dim}, torch::kDouble);
    const auto fused = run(true, qkv32, upstream, c.causal), reference = run(false, qkv64, upstream, c.causal);
    for (int i = 0; i < 4; ++i) {
      const double scale = reference[i].abs().max().item<double>() + 1e-30;
      EXPECT_LT((fused[i].to(torch::kDouble) - reference[i]).abs().max().item<double>() / scale, 1e-5) << i;
    }
  }
}

TEST(Attention, CausalOutputIgnoresTheFuture) {
  torch::manual_seed(5);
  const Case c{1, 6, 2, 2, 4, true};
  auto qkv = inputs(c, torch::kFloat);
  const torch::Tensor out = scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], true);
  out.select(1, 2).sum().backward();  // position 2 only
  EXPECT_EQ(qkv[1].grad().narrow(1, 3, 3).abs().max().item<float>(), 0.0f);  // keys after it get nothing
  EXPECT_GT(qkv[1].grad().narrow(1, 0, 3).abs().max().item<float>(), 0.0f);
}

TEST(Attention, OtherTypesTakeTheComposite) {
  const torch::Tensor q = torch::randn({1, 4, 2, 8}).to(torch::kBFloat16);
  EXPECT_FALSE(limuon::models::fused_attention_applies(q, q, q));
  EXPECT_EQ(scaled_dot_product_attention(q, q, q, true).sizes(), q.sizes());
}

TEST(Attention, BadShapesAreRefusedWithAMessage) {
  const torch::Tensor q = torch::randn({1, 4, 3, 8}), k = torch::randn({1, 4, 2, 8});
  EXPECT_THROW(scaled_dot_product_attention(q, k, k, true), std::invalid_argument);  // 3 heads, 2 kv heads
  EXPECT_THROW(scaled_dot_product_attention(q.view({4, 3, 8}), k, k, true), std::invalid_argument);
}

TEST(Attention, DegenerateLayoutsMatchTheComposite) {
  torch::manual_seed(6);
  // One position whose rows are closer together than a head vector (legal for a size-1 dimension,
  // not for a BLAS leading dimension), and an empty sequence.
  const torch::Tensor base = torch::randn({16}, torch::kDouble);
  const torch::Tensor q = base.as_strided({1, 1, 2, 4}, {8, 1, 4, 1});
  const torch::Tensor fused = scaled_dot_product_attention(q, q, q, true);
  EXPECT_LT((fused - reference_attention(q, q, q, true)).abs().max().item<double>(), 1e-12);
  const torch::Tensor empty = torch::randn({2, 0, 2, 4});
  EXPECT_EQ(scaled_dot_product_attention(empty, empty, empty, true).sizes(), empty.sizes());
}
