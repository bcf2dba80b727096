// The engine's attention kernel against a float64 reference written here from the definition: values
// and all three gradients, causal and not, grouped-query heads, strided (view) inputs; and causality
// checked by its consequences (a future token changes no earlier output and gets no gradient from it).
#include "limuon/models/attention_ops.hpp"

namespace {

using limuon::models::scaled_dot_product_attention;

// softmax(q_h k_g^T / sqrt(d) + mask) v_g for every batch b and query head h, with g = h / (heads / kv_heads)
// the key/value head it reads; the mask is -inf above the diagonal when causal. One (time x time) product
// per head, from plain tensor operations on float64 copies, so autograd gives the reference gradients.
torch::Tensor independent_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, bool causal) {
  const int64_t batch = q.size(0), time = q.size(1), heads = q.size(2), kv_heads = k.size(2), dim = q.size(3);
  const int64_t group = heads / kv_heads;
  torch::Tensor mask = torch::zeros({time, time}, torch::kDouble);
  if (causal)
    for (int64_t i = 0; i < time; ++i)
      for (int64_t j = i + 1; j < time; ++j) mask[i][j] = -std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> rows;
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<torch::Tensor> per_head;
    for (int64_t h = 0; h < heads; ++h) {
      const torch::Tensor qh = q.select(0, b).select(1, h).to(torch::kDouble);           // time x dim
      const torch::Tensor kh = k.select(0, b).select(1, h / group).to(torch::kDouble);   // time x dim
      const torch::Tensor vh = v.select(0, b).select(1, h / group).to(torch::kDouble);
      const torch::Tensor scores = torch::mm(qh, kh.t()) / std::sqrt(double(dim)) + mask;
      const torch::Tensor shifted = scores - std::get<0>(scores.max(1, true)).detach();
      const torch::Tensor weights = shifted.exp() / shifted.exp().sum(1, true);
      per_head.push_back(torch::mm(weights, vh));
    }
    rows.push_back(torch::stack(per_head, 1));  // time x heads x dim
  }
  return torch::stack(rows, 0);
}

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

// Output and gradients for a fixed random upstream gradient: the engine's, or the independent reference's.
std::vector<torch::Tensor> run(bool engine, const std::vector<torch::Tensor>& qkv, const torch::Tensor& upstream,
                               bool causal) {
  for (const auto& t : qkv) t.mutable_grad() = torch::Tensor();
  const torch::Tensor out = engine ? scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], causal)
                                   : independent_attention(qkv[0], qkv[1], qkv[2], causal);
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

TEST(Attention, KernelMatchesIndependentReference_Float64) {
  torch::manual_seed(3);
  for (const Case& c : kCases) {
    const auto qkv = inputs(c, torch::kDouble);
    ASSERT_TRUE(limuon::models::fused_attention_applies(qkv[0], qkv[1], qkv[2]));
    if (c.time > 1) EXPECT_NE(qkv[0].stride(1), c.heads * c.dim);  // really strided rows
    const torch::Tensor upstream = torch::randn({c.batch, c.time, c.heads, c.dim}, torch::kDouble);
    const auto fused = run(true, qkv, upstream, c.causal), reference = run(false, qkv, upstream, c.causal);
    const char* names[] = {"output", "dq", "dk", "dv"};
    ASSERT_GT(reference[0].abs().max().item<double>(), 0.1);
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

// For every position j: changing q, k and v of token j (and only it) changes no output before j, and
// does change output j; without the mask it changes every output.
TEST(Attention, APerturbedFutureTokenChangesNoEarlierOutput) {
  torch::manual_seed(5);
  for (const Case& c : {Case{2, 7, 4, 4, 5, true}, Case{2, 6, 6, 2, 4, true}, Case{1, 6, 2, 2, 4, false}})
    for (const auto dtype : {torch::kFloat, torch::kDouble}) {
      torch::NoGradGuard no_grad;
      const auto qkv = inputs(c, dtype);
      const torch::Tensor out = scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], c.causal);
      for (int64_t j = 0; j < c.time; ++j) {
        std::vector<torch::Tensor> changed;
        for (const auto& t : qkv) {
          torch::Tensor x = t.detach().clone();
          x.select(1, j).add_(torch::randn(x.select(1, j).sizes(), x.options()));
          changed.push_back(x);
        }
        const torch::Tensor out2 = scaled_dot_product_attention(changed[0], changed[1], changed[2], c.causal);
        for (int64_t i = 0; i < c.time; ++i) {
          const bool same = torch::equal(out.select(1, i), out2.select(1, i));
          if (c.causal && i < j)
            EXPECT_TRUE(same) << "output " << i << " saw token " << j << " (dtype " << dtype << ")";
          else
            EXPECT_FALSE(same) << "output " << i << " ignored token " << j << " (causal " << c.causal << ")";
        }
      }
    }
}

// For every position i: the gradient of outputs 0..i reaches q, k and v of tokens 0..i only, and the
// future gets exactly zero (not merely a small number).
TEST(Attention, EarlierOutputsGiveTheFutureExactlyZeroGradient) {
  torch::manual_seed(7);
  for (const Case& c : {Case{2, 7, 4, 4, 5, true}, Case{3, 6, 6, 2, 4, true}})
    for (const auto dtype : {torch::kFloat, torch::kDouble}) {
      const auto qkv = inputs(c, dtype);
      for (int64_t i = 0; i < c.time; ++i) {
        for (const auto& t : qkv) t.mutable_grad() = torch::Tensor();
        const torch::Tensor out = scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], true);
        (out.narrow(1, 0, i + 1) * torch::randn(out.narrow(1, 0, i + 1).sizes(), out.options())).sum().backward();
        const char* names[] = {"dq", "dk", "dv"};
        for (int n = 0; n < 3; ++n) {
          const torch::Tensor g = qkv[n].grad();
          if (i + 1 < c.time)
            EXPECT_EQ(g.narrow(1, i + 1, c.time - i - 1).abs().max().item<double>(), 0.0)
                << names[n] << " of a token after " << i;
          // Output 0 is v_0 whatever q_0 and k_0 are (a softmax over one score is 1): only dv reaches it.
          if (i > 0 || n == 2)
            EXPECT_GT(g.narrow(1, 0, i + 1).abs().max().item<double>(), 0.0) << names[n] << " up to " << i;
        }
      }
    }
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
  EXPECT_LT((fused - independent_attention(q, q, q, true)).abs().max().item<double>(), 1e-12);
  // One position attends only to itself: its output is its own value vector.
  EXPECT_LT((fused - q).abs().max().item<double>(), 1e-15);
  const torch::Tensor empty = torch::randn({2, 0, 2, 4});
  EXPECT_EQ(scaled_dot_product_attention(empty, empty, empty, true).sizes(), empty.sizes());
}
