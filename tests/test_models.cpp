// The models: sizes of the presets, causality, rotary positions, grouped-query shapes, and that
// each one learns on its real data.
#include "limuon/data/batches.hpp"
#include "limuon/models/attention.hpp"
#include "limuon/models/gpt.hpp"
#include "limuon/models/model.hpp"
#include "limuon/models/qwen2.hpp"
#include "limuon/limuon.hpp"

namespace {

using limuon::models::build_model;
using limuon::models::parse_model_spec;

int64_t params_of(const std::string& spec) { return build_model(parse_model_spec(spec), 0).parameter_count(); }

TEST(Models, PresetSizesAreWhatTheirNamesPromise) {
  EXPECT_NEAR(double(params_of("gpt:classroom")), 0.2e6, 0.05e6);
  EXPECT_GT(params_of("gpt:small"), 2'000'000);
  EXPECT_LT(params_of("gpt:small"), 6'000'000);
  EXPECT_LT(params_of("vit:classroom"), 300'000);
  EXPECT_LT(params_of("qwen2:classroom"), 300'000);
  // vit-tiny: 12 blocks of width 192 (12 * 12 * 192^2 ~ 5.3M) plus embeddings.
  EXPECT_NEAR(double(params_of("vit:vit-tiny")), 5.4e6, 0.3e6);
}

TEST(Models, DistilGpt2HasItsRealShapeAndTakesALiMuonStep) {
  auto model = build_model(parse_model_spec("gpt:distilgpt2"), 0);
  // 6 blocks x (4 * 768^2 attention + 8 * 768^2 MLP + biases and gains) + 50257 x 768 tied embedding
  // + 1024 x 768 positions: 81.9M, DistilGPT2's count.
  EXPECT_NEAR(double(model.parameter_count()), 81.9e6, 0.2e6);
  const auto split = limuon::split_parameters(*model.module);
  EXPECT_EQ(split.matrices.size(), 6u * 6u);  // q, k, v, proj, fc, proj per block
  const auto o = limuon::LiMuonOptions(0.01).rank(8).polar(limuon::Polar::lowrank);
  limuon::LiMuon opt(limuon::make_param_groups(split, o, limuon::LiMuonOptions(1e-4)), o);
  const torch::Tensor tokens = torch::randint(50257, {1, 17});
  const limuon::data::Batch batch{tokens.narrow(1, 0, 16), tokens.narrow(1, 1, 16)};
  const torch::Tensor before = split.matrices[0].detach().clone();
  const double loss = opt.step([&] {
                           torch::Tensor l = model.loss(batch);
                           l.backward();
                           return l;
                         }).item<double>();
  EXPECT_NEAR(loss, std::log(50257.0), 1.0);  // random init: about uniform over the vocabulary
  EXPECT_FALSE(torch::equal(before, split.matrices[0]));
}

TEST(Models, DecodersAreCausal) {
  for (const std::string spec : {"gpt:classroom", "qwen2:classroom"}) {
    auto model = build_model(parse_model_spec(spec), 0);
    torch::NoGradGuard no_grad;
    torch::Tensor tokens = torch::randint(256, {2, 20});
    const torch::Tensor a = model.forward(tokens);
    tokens.narrow(1, 12, 8).random_(256);  // change the future
    const torch::Tensor b = model.forward(tokens);
    EXPECT_TRUE(torch::allclose(a.narrow(1, 0, 12), b.narrow(1, 0, 12))) << spec;
    EXPECT_FALSE(torch::allclose(a.narrow(1, 12, 8), b.narrow(1, 12, 8))) << spec;
  }
}

TEST(Models, VitSeesEveryPatch) {
  auto model = build_model(parse_model_spec("vit:classroom"), 0);
  torch::NoGradGuard no_grad;
  torch::Tensor images = torch::rand({3, 1, 28, 28});
  const torch::Tensor a = model.forward(images);
  EXPECT_EQ(a.sizes(), (torch::IntArrayRef{3, 10}));
  // The classroom ViT cuts 28 x 28 into 4 x 4 patches of 7 x 7: changing any one of the 16 alone must
  // change every image's logits.
  for (int64_t row = 0; row < 4; ++row)
    for (int64_t col = 0; col < 4; ++col) {
      torch::Tensor changed = images.clone();
      torch::Tensor patch = changed.narrow(2, 7 * row, 7).narrow(3, 7 * col, 7);
      patch.copy_(1.0 - patch);
      const torch::Tensor b = model.forward(changed);
      for (int64_t i = 0; i < 3; ++i)
        EXPECT_GT((a[i] - b[i]).abs().max().item<float>(), 1e-5f) << "patch (" << row << ", " << col << ") image " << i;
    }
}

// Validation's loss and accuracy against a float64 reference written out from the logits: the log-sum-exp
// per row, and the top-1 choice counted by hand. Two targets in three are made right on purpose, so the
// accuracy is far from chance and from one half (where counting the wrong ones would give the same).
TEST(Models, EvaluationIsTheMeanCrossEntropyAndTheTopOneAccuracy) {
  for (const std::string spec : {"vit:classroom", "gpt:classroom"}) {
    auto model = build_model(parse_model_spec(spec), 3);
    torch::NoGradGuard no_grad;
    torch::manual_seed(11);
    limuon::data::Batch batch;
    batch.inputs = spec == "vit:classroom" ? torch::rand({6, 1, 28, 28}) : torch::randint(0, 256, {2, 5}, torch::kLong);
    const torch::Tensor logits = model.forward(batch.inputs).to(torch::kDouble);
    const int64_t classes = logits.size(-1), rows = logits.numel() / classes;
    const torch::Tensor flat = logits.reshape({rows, classes}).contiguous();
    auto l = flat.accessor<double, 2>();
    std::vector<int64_t> targets(rows);
    double loss = 0, right = 0;
    for (int64_t i = 0; i < rows; ++i) {
      int64_t best = 0;
      double top = l[i][0];
      for (int64_t j = 1; j < classes; ++j)
        if (l[i][j] > top) top = l[i][j], best = j;
      targets[i] = i % 3 != 0 ? best : (best + 1 + i) % classes;
      double sum = 0;
      for (int64_t j = 0; j < classes; ++j) sum += std::exp(l[i][j] - top);
      loss += top + std::log(sum) - l[i][targets[i]];
      right += targets[i] == best ? 1 : 0;
    }
    batch.targets = torch::tensor(targets, torch::kLong).reshape(spec == "vit:classroom" ? torch::IntArrayRef{rows}
                                                                                          : torch::IntArrayRef{2, 5});
    const auto e = model.evaluate(batch);
    EXPECT_NEAR(e.loss, loss / double(rows), 1e-5) << spec;
    EXPECT_DOUBLE_EQ(e.accuracy, right / double(rows)) << spec;
    EXPECT_GE(e.accuracy, 0.6) << spec;
  }
}

TEST(Models, RotaryPositionsKeepNormsAndDependOnlyOnOffsets) {
  // (batch, time, heads, head_dim): the same vector at every position
  const torch::Tensor q = torch::randn({1, 1, 1, 16}, torch::kDouble).expand({1, 12, 1, 16}).contiguous();
  const torch::Tensor k = torch::randn({1, 1, 1, 16}, torch::kDouble).expand({1, 12, 1, 16}).contiguous();
  const torch::Tensor rq = limuon::models::apply_rotary(q, 10000.0), rk = limuon::models::apply_rotary(k, 10000.0);
  EXPECT_TRUE(torch::allclose(rq.norm(2, -1), q.norm(2, -1)));
  auto dot = [&](int64_t m, int64_t n) { return (rq[0][m][0] * rk[0][n][0]).sum().item<double>(); };
  EXPECT_NEAR(dot(5, 2), dot(9, 6), 1e-12);  // same offset 3
  EXPECT_GT(std::abs(dot(5, 2) - dot(5, 5)), 1e-6);
}

TEST(Models, Qwen2UsesGroupedQueryAttention) {
  auto q = limuon::models::Qwen2(limuon::models::qwen2_preset("classroom"));
  auto block = q->blocks[0]->as<limuon::models::Qwen2Block>();
  EXPECT_EQ(block->attn->q->weight.sizes(), (torch::IntArrayRef{64, 64}));
  EXPECT_EQ(block->attn->k->weight.sizes(), (torch::IntArrayRef{32, 64}));  // 2 of 4 heads' keys
  EXPECT_EQ(block->gate->weight.sizes(), (torch::IntArrayRef{176, 64}));
}

TEST(Models, BadSpecsNameWhatIsAccepted) {
  for (const auto& [spec, fragment] : std::vector<std::pair<std::string, std::string>>{
           {"gpt", "family:preset"}, {"gpt:huge", "classroom, small, distilgpt2"},
           {"mamba:small", "gpt, vit, qwen2"}, {"vit:", "family:preset"}}) {
    try {
      parse_model_spec(spec);
      ADD_FAILURE() << spec;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
}

// A few dozen AdamW steps on the real data lower the validation loss of every family.
TEST(Models, EachFamilyLearnsOnItsRealData) {
  torch::set_num_threads(1);
  for (const std::string spec : {"gpt:classroom", "qwen2:classroom", "vit:classroom"}) {
    auto model = build_model(parse_model_spec(spec), 0);
    auto source = model.task == limuon::models::Task::text
                      ? limuon::data::make_text_source(limuon::data::moby_dick_path(), 16, model.context, 3)
                      : limuon::data::make_image_source("fashion-mnist", 64, 3);
    auto val_loss = [&] {
      torch::NoGradGuard no_grad;
      double sum = 0;
      for (int k = 0; k < 4; ++k) sum += model.loss(source->batch(limuon::data::Split::validation, k)).item<double>();
      return sum / 4;
    };
    const double before = val_loss();
    torch::optim::AdamW opt(model.module->parameters(), torch::optim::AdamWOptions(3e-3));
    for (int64_t t = 0; t < 60; ++t) {
      opt.zero_grad();
      model.loss(source->batch(limuon::data::Split::train, t)).backward();
      opt.step();
    }
    const double after = val_loss();
    std::cout << spec << ": validation loss " << before << " -> " << after << "\n";
    EXPECT_LT(after, 0.8 * before) << spec;
  }
}

}  // namespace
