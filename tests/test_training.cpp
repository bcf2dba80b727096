// Each optimizer trains a real model: a two-layer MLP on Fashion-MNIST, a few hundred steps.
#include "limuon/data/idx.hpp"
#include "limuon/limuon.hpp"

#include <iostream>

namespace {

struct Mlp : torch::nn::Module {
  torch::nn::Linear fc1{nullptr}, head{nullptr};
  Mlp() {
    torch::manual_seed(0);
    fc1 = register_module("fc1", torch::nn::Linear(784, 64));
    head = register_module("head", torch::nn::Linear(64, 10));
  }
  torch::Tensor forward(const torch::Tensor& x) { return head->forward(torch::relu(fc1->forward(x))); }
};

const limuon::data::ImageDataset& train_set() {
  static const auto data = limuon::data::load_fashion_mnist(true);
  return data;
}
const limuon::data::ImageDataset& test_set() {
  static const auto data = limuon::data::load_fashion_mnist(false);
  return data;
}

struct Outcome {
  double initial_test_loss = 0, final_test_loss = 0, last_train_loss = 0, test_accuracy = 0;
};

double test_loss(Mlp& net) {
  torch::NoGradGuard no_grad;
  return torch::cross_entropy_loss(net.forward(test_set().images), test_set().labels).item<double>();
}

constexpr int64_t kSteps = 300, kBatch = 128;

// Trains with `step(closure)` on a fixed batch sequence; reports test loss before and after, the mean
// training loss of the last 20 steps, and test accuracy.
template <typename Step>
Outcome train(Mlp& net, Step&& step) {
  torch::set_num_threads(1);
  const auto& data = train_set();
  auto gen = at::detail::createCPUGenerator(1);
  Outcome outcome;
  outcome.initial_test_loss = test_loss(net);
  for (int64_t t = 0; t < kSteps; ++t) {
    const torch::Tensor idx = torch::randint(data.images.size(0), {kBatch}, gen, torch::kLong);
    const torch::Tensor x = data.images.index_select(0, idx), y = data.labels.index_select(0, idx);
    const double loss = step([&] {
      torch::Tensor l = torch::cross_entropy_loss(net.forward(x), y);
      l.backward();
      return l;
    }).template item<double>();
    if (t >= kSteps - 20) outcome.last_train_loss += loss / 20;
  }
  outcome.final_test_loss = test_loss(net);
  torch::NoGradGuard no_grad;
  const torch::Tensor pred = net.forward(test_set().images).argmax(1);
  outcome.test_accuracy = pred.eq(test_set().labels).to(torch::kDouble).mean().item<double>();
  return outcome;
}

void expect_learned(const std::string& name, const Outcome& o) {
  std::cout << name << ": test loss " << o.initial_test_loss << " -> " << o.final_test_loss << ", last train loss "
            << o.last_train_loss << ", test accuracy " << o.test_accuracy << "\n";
  EXPECT_GT(o.initial_test_loss, 2.0) << name;  // untrained: about ln 10
  EXPECT_LT(o.final_test_loss, 0.25 * o.initial_test_loss) << name;
  EXPECT_GT(o.test_accuracy, 0.78) << name;  // chance is 0.10
}

template <typename Optimizer, typename Options>
Outcome train_with(const Options& matrix, const Options& adamw) {
  Mlp net;
  Optimizer opt(limuon::make_param_groups(limuon::split_parameters(net), matrix, adamw), matrix);
  return train(net, [&](auto closure) {
    if constexpr (std::is_same_v<Optimizer, limuon::Muon>) opt.zero_grad();
    return opt.step(closure);
  });
}

TEST(Training, LiMuonFullRankLearnsFashionMnist) {
  expect_learned("limuon full ns5",
                 train_with<limuon::LiMuon>(limuon::LiMuonOptions(0.02).beta(0.5), limuon::LiMuonOptions(3e-3)));
}

TEST(Training, LiMuonLowRankLearnsFashionMnist) {
  expect_learned("limuon r=8 lowrank",
                 train_with<limuon::LiMuon>(limuon::LiMuonOptions(0.02).beta(0.5).rank(8).polar(limuon::Polar::lowrank),
                                            limuon::LiMuonOptions(3e-3)));
}

TEST(Training, MuonLearnsFashionMnist) {
  expect_learned("muon ns5", train_with<limuon::Muon>(limuon::MuonOptions(0.02).weight_decay(0),
                                                      limuon::MuonOptions(3e-3).weight_decay(0)));
}

TEST(Training, LibTorchAdamWLearnsFashionMnist) {
  Mlp net;
  torch::optim::AdamW opt(net.parameters(), torch::optim::AdamWOptions(3e-3));
  expect_learned("adamw", train(net, [&](auto closure) {
                   opt.zero_grad();
                   return opt.step(closure);
                 }));
}

}  // namespace
