// Save after k steps, load into fresh objects, continue: bit-identical to an uninterrupted run.
#include "limuon/limuon.hpp"
#include "support/references.hpp"

#include <sstream>

namespace {

struct Mlp : torch::nn::Module {
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, head{nullptr};
  Mlp() {
    torch::manual_seed(5);
    fc1 = register_module("fc1", torch::nn::Linear(12, 24));
    fc2 = register_module("fc2", torch::nn::Linear(24, 24));
    head = register_module("head", torch::nn::Linear(24, 3));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return head->forward(torch::relu(fc2->forward(torch::relu(fc1->forward(x)))));
  }
};

std::pair<torch::Tensor, torch::Tensor> batch(int64_t t) {
  auto gen = at::detail::createCPUGenerator(77 + static_cast<uint64_t>(t));
  const torch::Tensor x = torch::randn({16, 12}, gen);
  return {x, x.narrow(1, 0, 3).sin()};
}

template <typename Optimizer, typename Options>
struct TrainingRun {
  std::shared_ptr<Mlp> net = std::make_shared<Mlp>();
  Optimizer opt;
  explicit TrainingRun(const Options& matrix)
      : opt(limuon::make_param_groups(limuon::split_parameters(*net), matrix, Options(3e-3)), matrix) {}

  void steps(int64_t from, int64_t to) {
    for (int64_t t = from; t < to; ++t) {
      auto [x, y] = batch(t);
      auto closure = [&, x = x, y = y] {
        if constexpr (std::is_same_v<Optimizer, limuon::Muon>) opt.zero_grad();
        torch::Tensor loss = torch::mse_loss(net->forward(x), y);
        loss.backward();
        return loss;
      };
      opt.step(closure);
    }
  }
};

template <typename Optimizer, typename Options>
void expect_resume_is_bit_identical(const Options& options) {
  TrainingRun<Optimizer, Options> straight(options);
  straight.steps(0, 10);

  TrainingRun<Optimizer, Options> first(options);
  first.steps(0, 4);
  std::stringstream model_bytes, optimizer_bytes;
  torch::save(first.net, model_bytes);
  torch::save(first.opt, optimizer_bytes);

  TrainingRun<Optimizer, Options> resumed(options);  // fresh objects, as after a restart
  torch::load(resumed.net, model_bytes);
  torch::load(resumed.opt, optimizer_bytes);
  resumed.steps(4, 10);

  const auto a = straight.net->parameters(), b = resumed.net->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << "parameter " << i;
  EXPECT_EQ(limuon::state_bytes(straight.opt), limuon::state_bytes(resumed.opt));
}

TEST(Checkpoint, LiMuonLowRankResumesBitIdenticallyIncludingTheSketchStream) {
  expect_resume_is_bit_identical<limuon::LiMuon>(
      limuon::LiMuonOptions(0.02).rank(4).polar(limuon::Polar::lowrank).power_iters(1).seed(9));
}

TEST(Checkpoint, LiMuonDenseNewtonSchulzResumesBitIdentically) {
  expect_resume_is_bit_identical<limuon::LiMuon>(limuon::LiMuonOptions(0.02).beta(0.2));
}

TEST(Checkpoint, LiMuonPaperOption2ResumesBitIdentically) {
  expect_resume_is_bit_identical<limuon::LiMuon>(limuon::LiMuonOptions(0.02).rank(4).polar(limuon::Polar::svd));
}

TEST(Checkpoint, MuonResumesBitIdentically) {
  expect_resume_is_bit_identical<limuon::Muon>(limuon::MuonOptions(0.02));
}

TEST(Checkpoint, LoadingRestoresTheSavedLearningRatesAndModes) {
  TrainingRun<limuon::LiMuon, limuon::LiMuonOptions> saved(limuon::LiMuonOptions(0.02).rank(4).polar(limuon::Polar::lowrank));
  saved.steps(0, 2);
  for (auto& group : saved.opt.param_groups()) group.options().set_lr(group.options().get_lr() * 0.5);  // a scheduler
  std::stringstream bytes;
  torch::save(saved.opt, bytes);
  TrainingRun<limuon::LiMuon, limuon::LiMuonOptions> loaded(limuon::LiMuonOptions(0.3));  // other lr, other mode
  torch::load(loaded.opt, bytes);
  const auto& o = static_cast<const limuon::LiMuonOptions&>(loaded.opt.param_groups()[0].options());
  EXPECT_DOUBLE_EQ(o.lr(), 0.01);
  EXPECT_EQ(o.rank(), 4);
  EXPECT_EQ(o.polar(), limuon::Polar::lowrank);
  EXPECT_DOUBLE_EQ(loaded.opt.param_groups()[1].options().get_lr(), 1.5e-3);
  loaded.steps(2, 3);  // and it steps
}

TEST(Checkpoint, StateOfAnotherModelIsRejectedWithAMessage) {
  TrainingRun<limuon::LiMuon, limuon::LiMuonOptions> saved(limuon::LiMuonOptions(0.02).rank(4).polar(limuon::Polar::lowrank));
  saved.steps(0, 1);
  std::stringstream bytes;
  torch::save(saved.opt, bytes);
  torch::manual_seed(1);
  auto a = torch::nn::Linear(5, 7), b = torch::nn::Linear(7, 7), c = torch::nn::Linear(7, 3);
  std::vector<torch::Tensor> matrices = {a->weight, b->weight};  // same count, other shapes
  std::vector<torch::Tensor> others = {a->bias, b->bias, c->weight, c->bias};
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(matrices, std::make_unique<limuon::LiMuonOptions>(limuon::LiMuonOptions(0.02)));
  groups.emplace_back(others, std::make_unique<limuon::LiMuonOptions>(limuon::LiMuonOptions(1e-3).adamw(true)));
  limuon::LiMuon other(std::move(groups), limuon::LiMuonOptions());
  try {
    torch::load(other, bytes);
    ADD_FAILURE() << "a checkpoint of other shapes was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("does not match"), std::string::npos) << e.what();
  }
}

TEST(Checkpoint, ADifferentSeedGivesADifferentLowRankRun) {
  // Guards the test above: the sketches matter, so a resume that lost them would show.
  TrainingRun<limuon::LiMuon, limuon::LiMuonOptions> a(limuon::LiMuonOptions(0.02).rank(4).polar(limuon::Polar::lowrank).seed(1));
  TrainingRun<limuon::LiMuon, limuon::LiMuonOptions> b(limuon::LiMuonOptions(0.02).rank(4).polar(limuon::Polar::lowrank).seed(2));
  a.steps(0, 3);
  b.steps(0, 3);
  EXPECT_FALSE(torch::equal(a.net->fc2->weight, b.net->fc2->weight));
}

}  // namespace
