// Settings that cannot work are refused before anything is recorded, with a message that says why;
// settings that would silently run something else are refused too.
#include "limuon/models/model.hpp"
#include "limuon/train/run_config.hpp"

namespace {

using limuon::train::ConfigError;
using limuon::train::RunConfig;

std::string rejection(const RunConfig& c) {
  try {
    c.validate();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(RunConfigChecks, MuonRefusesTheLowRankPolarInsteadOfRunningNewtonSchulz) {
  RunConfig c;
  c.optimizer = "muon";
  c.polar = "lowrank";
  const std::string message = rejection(c);
  EXPECT_NE(message.find("polar = lowrank"), std::string::npos) << message;
  EXPECT_NE(message.find("Muon takes svd or newton_schulz"), std::string::npos) << message;
  c.polar = "svd";
  EXPECT_EQ(rejection(c), "");
}

TEST(RunConfigChecks, ARankLargerThanAMatrixOfTheModelIsRefusedUpFront) {
  // gpt:classroom (width 80): the smallest hidden matrix has min(m, n) = 80.
  const auto smallest = limuon::models::smallest_hidden_matrix(limuon::models::parse_model_spec("gpt:classroom"));
  EXPECT_EQ(smallest.min_dim(), 80);
  RunConfig c;
  c.rank = 81;
  c.polar = "lowrank";
  const std::string message = rejection(c);
  EXPECT_NE(message.find("rank = 81 exceeds min(m, n) = 80"), std::string::npos) << message;
  EXPECT_NE(message.find(smallest.name), std::string::npos) << message;
  EXPECT_NE(message.find("gpt:classroom"), std::string::npos) << message;
  c.rank = 80;
  EXPECT_EQ(rejection(c), "");
}

TEST(RunConfigChecks, TheSummarySaysWhichLearningRateScaleARunUsed) {
  RunConfig c;
  c.rank = 8;
  c.polar = "lowrank";
  c.lr_scale = "match_adamw_rms_rank";
  EXPECT_NE(c.summary().find("lr_scale=match_adamw_rms_rank"), std::string::npos) << c.summary();
  c.lr_scale = "shape";  // the default: named only where it differs
  EXPECT_EQ(c.summary().find("lr_scale="), std::string::npos) << c.summary();
}

}  // namespace
