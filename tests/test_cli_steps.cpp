// `limuon-lab bench steps`: every optimizer mode timed in turn, with the gradient evaluations a step
// of each really spends, and the table's ratios worked out by hand.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "limuon/bench/step_bench.hpp"
#include "support/run_binary.hpp"

namespace {

using limuon::testing::run_binary;

TEST(BenchSteps, TheTableDividesByTheFirstRowAndByTheGradientsOfAStep) {
  const std::vector<limuon::bench::StepBenchRow> rows = {{"muon", 100.0, 120.0, 1}, {"limuon dense", 170.0, 180.0, 2}};
  const std::string table = limuon::bench::format_step_table(rows);
  EXPECT_NE(table.find("| muon | 1 | 100.0 | 120.0 | 1.00 | 100.0 |"), std::string::npos) << table;
  EXPECT_NE(table.find("| limuon dense | 2 | 170.0 | 180.0 | 1.70 | 85.0 |"), std::string::npos) << table;
}

TEST(BenchSteps, EachModeSpendsItsGradientsAndTheBestRoundIsTheLowest) {
  auto cases = limuon::bench::step_cases("gpt:classroom", 2, 1, 2, 1);
  ASSERT_EQ(cases.size(), 8u);
  std::set<std::string> optimizers;
  for (const auto& c : cases) {
    EXPECT_NO_THROW(c.config.validate()) << c.label;
    EXPECT_EQ(c.config.steps, 3) << c.label;  // warm-up and timed steps
    optimizers.insert(c.config.optimizer);
  }
  EXPECT_EQ(optimizers, (std::set<std::string>{"muon", "adamw", "limuon"}));
  cases = {cases[0], cases[2]};                 // muon and LiMuon dense
  const auto rows = limuon::bench::run_step_bench(cases, 1, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].grad_evals_per_step, 1.0);
  EXPECT_EQ(rows[1].grad_evals_per_step, 2.0);  // STORM: g(W_t+1) and g(W_t) on the same batch
  for (const auto& r : rows) {
    EXPECT_GT(r.best_ms, 0.0) << r.label;
    EXPECT_LE(r.best_ms, r.worst_ms) << r.label;
  }
  EXPECT_THROW(limuon::bench::time_steps(cases[0].config, 3), std::invalid_argument);  // nothing left to time
}

TEST(BenchSteps, BadOptionsAreBadInput) {
  int code = 0;
  std::string text = run_binary("bench steps --model gpt:huge", &code);
  EXPECT_EQ(code, 2) << text;
  EXPECT_NE(text.find("--model: gpt preset 'huge'"), std::string::npos) << text;
  text = run_binary("bench steps --rounds 0", &code);
  EXPECT_EQ(code, 2) << text;
  text = run_binary("bench steps --fast", &code);
  EXPECT_EQ(code, 2) << text;
}

TEST(BenchSteps, WritesAReportWithEveryModeAndWhereItWasMeasured) {
  int code = 0;
  const std::string dir = std::filesystem::temp_directory_path() / ("limuon-steps-" + std::to_string(getpid()));
  const std::string text =
      run_binary("bench steps --model gpt:classroom --batch 2 --steps 2 --warmup 1 --rounds 1 --out " + dir, &code);
  ASSERT_EQ(code, 0) << text;
  std::ifstream file(dir + "/report.md");
  const std::string report{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  EXPECT_NE(report.find("Written by `limuon-lab bench steps --model gpt:classroom"), std::string::npos) << report;
  EXPECT_NE(report.find("commit "), std::string::npos) << report;
  // "| limuon r=8 lowrank | 2 | 3.1 | 3.1 | 1.52 | 1.6 |": each mode once, with its gradients per step.
  const std::regex row(R"(\| ([A-Za-z0-9=, -]+) \| ([12]) \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|)");
  std::map<std::string, std::string> gradients;
  for (std::sregex_iterator it(report.begin(), report.end(), row), end; it != end; ++it)
    gradients[(*it)[1].str()] = (*it)[2].str();
  ASSERT_EQ(gradients.size(), 8u) << report;
  EXPECT_EQ(gradients["muon"], "1");
  EXPECT_EQ(gradients["adamw"], "1");
  EXPECT_EQ(gradients["limuon dense, exact SVD"], "2");
  EXPECT_EQ(gradients["limuon r=1 lowrank"], "2");
  std::filesystem::remove_all(dir);
}

}  // namespace
