// A budget of gradient evaluations instead of steps: the fair comparison of LiMuon (two gradients a
// step) with Muon and AdamW (one) is one setting.
#include "limuon/train/trainer.hpp"
#include "support/tiny_run.hpp"

namespace {

using limuon::train::ConfigError;
using limuon::train::RunConfig;
using limuon::train::RunState;
using limuon::train::Trainer;

RunConfig budget_run(const std::string& optimizer, int64_t grad_evals) {
  auto c = limuon::testing::tiny_run(optimizer, RunConfig{}.steps, 5);  // the budget sets the length
  c.grad_evals = grad_evals;
  return c;
}

TEST(GradBudget, LiMuonGetsHalfTheStepsOfMuonAndAdamW) {
  EXPECT_EQ(budget_run("limuon", 2000).total_steps(), 1000);
  EXPECT_EQ(budget_run("muon", 2000).total_steps(), 2000);
  EXPECT_EQ(budget_run("adamw", 2000).total_steps(), 2000);
  EXPECT_EQ(budget_run("limuon", 2001).total_steps(), 1000);  // never over the budget
  EXPECT_EQ(budget_run("limuon", 0).total_steps(), RunConfig{}.steps);
}

TEST(GradBudget, ARunSpendsExactlyItsBudget) {
  const std::pair<const char*, int64_t> cases[] = {{"limuon", 5}, {"muon", 10}, {"adamw", 10}};
  for (const auto& [optimizer, steps] : cases) {
    Trainer t(budget_run(optimizer, 10));
    t.start();
    t.wait();
    EXPECT_EQ(t.state(), RunState::finished) << optimizer << " " << t.error();
    EXPECT_EQ(t.step(), steps) << optimizer;
    EXPECT_EQ(t.grad_evals(), 10) << optimizer;
  }
}

TEST(GradBudget, StepsAndABudgetTogetherAreRefused) {
  auto c = budget_run("muon", 100);
  c.steps = 50;
  try {
    c.validate();
    FAIL() << "steps and grad_evals together were accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("both set the run's length"), std::string::npos) << e.what();
  }
  c = budget_run("limuon", 1);
  try {
    c.validate();
    FAIL() << "a budget below one LiMuon step was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("less than one limuon step (2 gradient evaluations)"), std::string::npos)
        << e.what();
  }
}

}  // namespace
