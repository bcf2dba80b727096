// `limuon-lab bench memory`: every case in a child process of its own, state bytes that match a count
// made here from the model's parameters, and the ordering of the LiMuon modes by rank.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>

#include "limuon/bench/memory_bench.hpp"
#include "limuon/models/model.hpp"
#include "limuon/report/markdown.hpp"
#include "support/run_binary.hpp"

namespace {

using limuon::testing::run_binary;

TEST(BenchMemory, ResultLinesRoundTripAndAnythingElseIsRefused) {
  const limuon::bench::MemoryResult r{123456, 7.5e8, 2.25};
  const auto back = limuon::bench::from_line(limuon::bench::to_line(r));
  EXPECT_EQ(back.state_bytes, 123456);
  EXPECT_EQ(back.peak_rss_bytes, 7.5e8);
  EXPECT_EQ(back.seconds, 2.25);
  EXPECT_THROW(limuon::bench::from_line("12 13"), std::invalid_argument);
  EXPECT_THROW(limuon::bench::from_line("12 13 1.0 extra"), std::invalid_argument);
  EXPECT_THROW(limuon::bench::from_line("error: out of memory"), std::invalid_argument);
}

TEST(BenchMemory, ABadModelOrStepCountIsBadInput) {
  int code = 0;
  std::string text = run_binary("bench memory --model gpt:huge", &code);
  EXPECT_EQ(code, 2) << text;
  EXPECT_NE(text.find("--model: gpt preset 'huge'"), std::string::npos) << text;
  text = run_binary("bench memory --steps 0", &code);
  EXPECT_EQ(code, 2) << text;
}

TEST(BenchMemory, EachModeIsMeasuredInItsOwnProcess) {
  int code = 0;
  const std::string dir = std::filesystem::temp_directory_path() / ("limuon-memory-" + std::to_string(getpid()));
  const std::string text = run_binary("bench memory --model gpt:classroom --steps 1 --out " + dir, &code);
  ASSERT_EQ(code, 0) << text;
  // The table: "| gpt:classroom | adamw | 1.6 MiB | 1.2 | 210.1 MiB |", one row per mode.
  std::map<std::string, std::string> state;
  const std::regex row(R"(\| gpt:classroom \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|)");
  for (std::sregex_iterator it(text.begin(), text.end(), row), end; it != end; ++it)
    state[(*it)[1].str()] = (*it)[2].str();
  ASSERT_EQ(state.size(), 8u) << text;

  // AdamW keeps two fp32 moments of every parameter and one int64 step per tensor.
  const auto built = limuon::models::build_model(limuon::models::parse_model_spec("gpt:classroom"), 0);
  int64_t params = 0, tensors = 0;
  for (const auto& p : built.module->parameters()) params += p.numel(), ++tensors;
  EXPECT_EQ(state["adamw"], limuon::report::format_bytes(double(8 * params + 8 * tensors))) << text;
  EXPECT_NE(text.find("fresh process"), std::string::npos);
  // The report and its figure: one line over the four ranks.
  std::ifstream svg(dir + "/state-vs-rank.svg");
  const std::string figure{std::istreambuf_iterator<char>(svg), std::istreambuf_iterator<char>()};
  EXPECT_NE(figure.find("gpt:classroom"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir + "/report.md"));
  std::filesystem::remove_all(dir);
}

TEST(BenchMemory, LowRankStateGrowsWithTheRankAndStaysBelowTheDenseModes) {
  std::map<int64_t, int64_t> by_rank;
  for (const auto& c : limuon::bench::memory_cases("gpt:classroom", 1)) {
    if (c.config.optimizer != "limuon" || c.label.find("lowrank") == std::string::npos) continue;
    by_rank[c.config.rank] = limuon::bench::measure_in_this_process(c.config).state_bytes;
  }
  ASSERT_EQ(by_rank.size(), 4u);
  EXPECT_LT(by_rank[1], by_rank[4]);
  EXPECT_LT(by_rank[4], by_rank[8]);
  EXPECT_LT(by_rank[8], by_rank[16]);
  auto dense = limuon::bench::memory_cases("gpt:classroom", 1)[2];
  ASSERT_EQ(dense.label, "limuon dense (option #1)");
  EXPECT_LT(by_rank[16], limuon::bench::measure_in_this_process(dense.config).state_bytes);
}

}  // namespace
