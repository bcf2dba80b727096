// Muon against a float64 reference of torch.optim.Muon's update, and the AdamW groups against LibTorch's AdamW.
#include "limuon/optim/limuon_optimizer.hpp"
#include "limuon/optim/muon.hpp"
#include "limuon/optim/param_groups.hpp"
#include "support/references.hpp"

namespace {

using limuon::LrScale;
using limuon::Muon;
using limuon::MuonOptions;
using limuon::Polar;
using limuon::test::max_abs_diff;

torch::Tensor gradient(int64_t step, int64_t which, torch::IntArrayRef shape) {
  auto gen = at::detail::createCPUGenerator(500 + 10 * step + which);
  return torch::randn(shape, gen, torch::TensorOptions().dtype(torch::kDouble));
}

// torch.optim.Muon, step by step: buf.lerp_(g, 1 - mu); d = nesterov ? g.lerp(buf, mu) : buf;
// W <- W (1 - lr wd) - lr * adjusted_ratio * polar(d).
struct MuonReference {
  MuonOptions o;
  torch::Tensor w, buf;
  void step(const torch::Tensor& g) {
    if (!buf.defined()) buf = torch::zeros_like(g);
    buf = o.momentum() * buf + (1 - o.momentum()) * g;
    const torch::Tensor d = o.nesterov() ? (1 - o.momentum()) * g + o.momentum() * buf : buf;
    torch::Tensor polar;
    if (o.polar() == Polar::svd) {
      auto [u, s, vh] = torch::linalg_svd(d, false);
      polar = torch::matmul(u, vh);
    } else {
      const auto [a, b, c] = o.ns_coefficients();
      polar = limuon::test::reference_newton_schulz(d, o.ns_steps(), a, b, c);
    }
    const double m = double(w.size(0)), n = double(w.size(1));
    const double ratio = o.lr_scale() == LrScale::shape ? std::sqrt(std::max(1.0, m / n)) : 0.2 * std::sqrt(std::max(m, n));
    w = w * (1 - o.lr() * o.weight_decay()) - o.lr() * ratio * polar;
  }
};

struct MuonCase {
  LrScale scale;
  bool nesterov;
  double weight_decay;
  Polar polar;
};

class MuonAgainstReference : public ::testing::TestWithParam<MuonCase> {};

TEST_P(MuonAgainstReference, MatchesTorchOptimMuonOverSeveralSteps) {
  const MuonCase c = GetParam();
  const auto o = MuonOptions(0.02).lr_scale(c.scale).nesterov(c.nesterov).weight_decay(c.weight_decay).polar(c.polar);
  const std::vector<std::vector<int64_t>> shapes = {{9, 4}, {4, 9}, {6, 6}};
  std::vector<torch::Tensor> params;
  std::vector<MuonReference> refs;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const torch::Tensor w = gradient(99, int64_t(i), shapes[i]);
    params.push_back(w.clone().requires_grad_(true));
    refs.push_back({o, w, {}});
  }
  Muon opt(params, o);
  for (int64_t t = 0; t < 5; ++t) {
    for (size_t i = 0; i < params.size(); ++i) {
      const torch::Tensor g = gradient(t, int64_t(i), shapes[i]);
      params[i].mutable_grad() = g.clone();
      refs[i].step(g);
    }
    opt.step();
    for (size_t i = 0; i < params.size(); ++i)
      EXPECT_LT(max_abs_diff(params[i].detach(), refs[i].w), 1e-10) << "step " << t << " param " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Variants, MuonAgainstReference,
    ::testing::Values(MuonCase{LrScale::shape, true, 0.1, Polar::newton_schulz},
                      MuonCase{LrScale::shape, false, 0.0, Polar::newton_schulz},
                      MuonCase{LrScale::match_adamw_rms, true, 0.0, Polar::newton_schulz},
                      MuonCase{LrScale::match_adamw_rms, false, 0.1, Polar::newton_schulz},
                      MuonCase{LrScale::shape, true, 0.1, Polar::svd}),
    [](const auto& info) {
      const MuonCase& c = info.param;
      return limuon::to_string(c.scale) + (c.nesterov ? "_nesterov" : "_plain") + (c.weight_decay > 0 ? "_wd" : "_nowd") +
             "_" + limuon::to_string(c.polar);
    });

TEST(Muon, DefaultsAreTorchOptimMuons) {
  const MuonOptions o;
  EXPECT_EQ(o.lr(), 1e-3);
  EXPECT_EQ(o.momentum(), 0.95);
  EXPECT_TRUE(o.nesterov());
  EXPECT_EQ(o.ns_steps(), 5);
  EXPECT_EQ(o.weight_decay(), 0.1);
  EXPECT_EQ(o.lr_scale(), LrScale::shape);
  EXPECT_EQ(o.polar(), Polar::newton_schulz);
  EXPECT_FALSE(o.adamw());
  // The literal quintic coefficients of Keller Jordan's Muon and torch.optim.Muon, not the engine's constant.
  EXPECT_EQ(std::get<0>(o.ns_coefficients()), 3.4445);
  EXPECT_EQ(std::get<1>(o.ns_coefficients()), -4.7750);
  EXPECT_EQ(std::get<2>(o.ns_coefficients()), 2.0315);
  EXPECT_EQ(std::get<0>(o.adamw_betas()), 0.9);
  EXPECT_EQ(std::get<1>(o.adamw_betas()), 0.95);
  EXPECT_EQ(o.adamw_eps(), 1e-8);
  EXPECT_EQ(MuonOptions(0.02).lr(), 0.02);
  EXPECT_EQ(MuonOptions(0.02).momentum(), 0.95);  // the lr constructor leaves the other defaults alone
}

TEST(LiMuonDefaults, AreTheDocumentedOnes) {
  const limuon::LiMuonOptions o;
  EXPECT_EQ(o.lr(), 0.02);
  EXPECT_EQ(o.beta(), 0.1);
  EXPECT_EQ(o.rank(), 0);
  EXPECT_EQ(o.oversampling(), 5);
  EXPECT_EQ(o.power_iters(), 0);
  EXPECT_EQ(o.polar(), Polar::newton_schulz);
  EXPECT_EQ(o.ns_steps(), 5);
  EXPECT_EQ(std::get<0>(o.ns_coefficients()), 3.4445);
  EXPECT_EQ(std::get<1>(o.ns_coefficients()), -4.7750);
  EXPECT_EQ(std::get<2>(o.ns_coefficients()), 2.0315);
  EXPECT_EQ(o.weight_decay(), 0.0);
  EXPECT_EQ(o.lr_scale(), LrScale::shape);
  EXPECT_EQ(o.seed(), 0);
  EXPECT_FALSE(o.adamw());
  EXPECT_EQ(limuon::LiMuonOptions(0.5).beta(), 0.1);
}

TEST(AdamWGroup, MuonsAdamWGroupEqualsLibTorchAdamWBitForBit) {
  torch::manual_seed(3);
  const torch::Tensor init = torch::randn({5, 3});
  torch::Tensor a = init.clone().requires_grad_(true), b = init.clone().requires_grad_(true);
  const auto o = MuonOptions(3e-3).weight_decay(0.05).adamw(true).adamw_betas({0.9, 0.99}).adamw_eps(1e-8);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{a}, std::make_unique<MuonOptions>(o));
  Muon ours(std::move(groups), MuonOptions());
  torch::optim::AdamW theirs({b}, torch::optim::AdamWOptions(3e-3).weight_decay(0.05).betas({0.9, 0.99}).eps(1e-8));
  for (int t = 0; t < 6; ++t) {
    const torch::Tensor g = torch::randn({5, 3});
    a.mutable_grad() = g.clone();
    b.mutable_grad() = g.clone();
    ours.step();
    theirs.step();
    EXPECT_TRUE(torch::equal(a, b)) << "step " << t;
  }
}

TEST(AdamWGroup, LiMuonsAdamWGroupUsesTheFirstPassGradientLikeLibTorchAdamW) {
  auto net = torch::nn::Linear(4, 3);
  auto twin = torch::nn::Linear(4, 3);
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < net->parameters().size(); ++i) twin->parameters()[i].copy_(net->parameters()[i]);
  }
  const auto o = limuon::LiMuonOptions(1e-2).weight_decay(0.01);
  // Everything to AdamW: the rule says no parameter is a hidden matrix.
  const auto split = limuon::split_parameters(*net, [](const std::string&, const torch::Tensor&) { return false; });
  limuon::LiMuon ours(limuon::make_param_groups(split, o, o), o);
  torch::optim::AdamW theirs(twin->parameters(), torch::optim::AdamWOptions(1e-2).weight_decay(0.01).betas({0.9, 0.95}));
  for (int t = 0; t < 5; ++t) {
    const torch::Tensor x = torch::randn({8, 4}), y = torch::randn({8, 3});
    ours.step([&] {
      torch::Tensor loss = torch::mse_loss(net->forward(x), y);
      loss.backward();
      return loss;
    });
    theirs.zero_grad();
    torch::mse_loss(twin->forward(x), y).backward();
    theirs.step();
    for (size_t i = 0; i < net->parameters().size(); ++i)
      EXPECT_TRUE(torch::equal(net->parameters()[i], twin->parameters()[i])) << "step " << t << " param " << i;
  }
}

TEST(ParamGroups, NamesAreJudgedByComponentNotBySubstring) {
  const torch::Tensor m = torch::zeros({4, 4});
  EXPECT_TRUE(limuon::is_hidden_matrix("blocks.0.multihead_attn.q.weight", m));
  EXPECT_TRUE(limuon::is_hidden_matrix("blocks.1.mlp.proj.weight", m));
  EXPECT_FALSE(limuon::is_hidden_matrix("lm_head.weight", m));
  EXPECT_FALSE(limuon::is_hidden_matrix("head.weight", m));
  EXPECT_FALSE(limuon::is_hidden_matrix("wte.weight", m));
  EXPECT_FALSE(limuon::is_hidden_matrix("embed_tokens.weight", m));
  EXPECT_FALSE(limuon::is_hidden_matrix("patch_embed.weight", m));
  EXPECT_FALSE(limuon::is_hidden_matrix("pos_embed", m));
  EXPECT_FALSE(limuon::is_hidden_matrix("cls_token", m));
  EXPECT_FALSE(limuon::is_hidden_matrix("blocks.0.ln1.weight", torch::zeros({4})));
}

TEST(ParamGroups, SplitsHiddenMatricesFromEmbeddingsHeadsBiasesAndGains) {
  struct Net : torch::nn::Module {
    torch::nn::Embedding embed{nullptr};
    torch::nn::Linear fc1{nullptr}, head{nullptr};
    torch::nn::Conv2d conv{nullptr};
    torch::nn::LayerNorm norm{nullptr};
    Net() {
      embed = register_module("embed", torch::nn::Embedding(10, 8));
      conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 8, 3)));
      fc1 = register_module("fc1", torch::nn::Linear(8, 8));
      norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({8})));
      head = register_module("head", torch::nn::Linear(8, 10));
    }
  } net;
  const auto split = limuon::split_parameters(net);
  EXPECT_EQ(split.matrix_names, (std::vector<std::string>{"conv.weight", "fc1.weight"}));
  EXPECT_EQ(split.other_names, (std::vector<std::string>{"embed.weight", "conv.bias", "fc1.bias", "norm.weight",
                                                         "norm.bias", "head.weight", "head.bias"}));
  // A user rule overrides the default: here the head is trained as a matrix too.
  const auto custom = limuon::split_parameters(
      net, [](const std::string& n, const torch::Tensor& p) { return p.dim() >= 2 && n != "embed.weight"; });
  EXPECT_EQ(custom.matrix_names.size(), 3u);
  // The conv kernel (8, 3, 3, 3) trains as an (8, 27) matrix inside one LiMuon object with the AdamW group.
  const double lr = 0.01;
  const auto o = limuon::LiMuonOptions(lr).rank(4).polar(Polar::lowrank);
  limuon::LiMuon opt(limuon::make_param_groups(split, o, limuon::LiMuonOptions(1e-3)), o);
  ASSERT_EQ(opt.param_groups().size(), 2u);
  const torch::Tensor conv_before = net.conv->weight.detach().clone(), fc1_before = net.fc1->weight.detach().clone();
  const torch::Tensor x = torch::randn({2, 3, 5, 5}), z = torch::randn({2, 8});
  opt.step([&] {
    // fc1 takes part with a gradient of exactly zero: it must not move.
    torch::Tensor loss = net.conv->forward(x).pow(2).mean() + net.fc1->forward(z).sum() * 0;
    loss.backward();
    return loss;
  });
  // The update is -lr * U_4 V_4^T of the (8, 27) view (scale sqrt(max(1, 8/27)) = 1): 4 singular values lr.
  const torch::Tensor step = (net.conv->weight.detach() - conv_before).view({8, 27}).to(torch::kDouble);
  const torch::Tensor sv = torch::linalg_svdvals(step);
  EXPECT_NEAR(sv[0].item<double>(), lr, 1e-6);
  EXPECT_NEAR(sv[3].item<double>(), lr, 1e-6);
  EXPECT_LT(sv[4].item<double>(), 1e-7);
  EXPECT_TRUE(torch::equal(fc1_before, net.fc1->weight));
  EXPECT_EQ(net.conv->weight.sizes(), (torch::IntArrayRef{8, 3, 3, 3}));
}

}  // namespace
