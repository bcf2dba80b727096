// A run's configuration as one copyable string: every setting survives the round trip, odd characters
// are encoded, bad strings are refused with the part that is wrong named, and a run started from the
// string of a stored run is that run again, bit for bit.
#include <gtest/gtest.h>

#include <map>

#include "limuon/store/store.hpp"
#include "limuon/train/config_string.hpp"
#include "limuon/train/settings.hpp"
#include "support/cli_fixture.hpp"

namespace {

using limuon::train::ConfigError;
using limuon::train::from_config_string;
using limuon::train::RunConfig;
using limuon::train::to_config_string;

// For every setting a valid value off its default, with the optimizer that reads it. A setting added to
// the engine and missing here fails the first test, so the round trip always covers all of them.
const std::map<std::string, std::pair<std::string, std::string>>& off_default() {
  static const std::map<std::string, std::pair<std::string, std::string>> m = {
      {"model", {"limuon", "vit:classroom"}},  {"data", {"limuon", "moby-dick"}},
      {"optimizer", {"muon", "muon"}},          {"lr", {"limuon", "0.0125"}},
      {"adamw_lr", {"limuon", "0.00075"}},      {"beta", {"limuon", "0.3"}},
      {"rank", {"limuon", "4"}},                {"polar", {"limuon", "svd"}},
      {"oversampling", {"limuon", "7"}},        {"power_iters", {"limuon", "2"}},
      {"momentum", {"muon", "0.9"}},            {"weight_decay", {"limuon", "0.01"}},
      {"lr_scale", {"limuon", "none"}},         {"steps", {"limuon", "123"}},
      {"grad_evals", {"limuon", "250"}},        {"batch_size", {"limuon", "16"}},
      {"eval_every", {"limuon", "7"}},          {"eval_batches", {"limuon", "2"}},
      {"spectrum_every", {"limuon", "0"}},      {"spectrum_params", {"limuon", "blocks.0.attn.q.weight,head.weight"}},
      {"checkpoint_every", {"limuon", "9"}},    {"seed", {"limuon", "42"}},
      {"threads", {"limuon", "1"}},             {"divergence_factor", {"limuon", "6.5"}},
  };
  return m;
}

TEST(ConfigString, EverySettingSurvivesTheRoundTrip) {
  for (const auto& s : limuon::train::settings()) {
    const std::string name(s.name);
    if (name == "name") continue;
    const auto it = off_default().find(name);
    ASSERT_NE(it, off_default().end()) << "no test value for the setting " << name;
    RunConfig c;
    c.optimizer = it->second.first;
    if (name == "model") c.data = "";  // vit:classroom reads Fashion-MNIST
    s.set(c, it->second.second, "test");
    ASSERT_NE(s.value(c), s.default_value()) << name;
    const std::string text = to_config_string(c);
    const RunConfig back = from_config_string(text);
    EXPECT_EQ(back.to_json(), c.to_json()) << name << ": " << text;
  }
}

TEST(ConfigString, OnlyChangedSettingsAreWrittenAndOddCharactersAreEncoded) {
  RunConfig c;
  EXPECT_EQ(to_config_string(c), "limuon1:");
  EXPECT_EQ(from_config_string("limuon1:").to_json(), c.to_json());
  c.optimizer = "muon";
  c.lr = 0.01;
  c.name = "not written";
  EXPECT_EQ(to_config_string(c), "limuon1:optimizer=muon&lr=0.01");
  // %-encoding of a value holding the separators: '=' is %3D, '&' is %26, ' ' is %20.
  RunConfig odd;
  odd.spectrum_params = "a b&c=d";
  EXPECT_EQ(to_config_string(odd), "limuon1:spectrum_params=a%20b%26c%3Dd");
}

void expect_refused(const std::string& text, const std::string& wanted) {
  try {
    from_config_string(text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(wanted), std::string::npos) << e.what();
  }
}

TEST(ConfigString, BadStringsNameWhatIsWrong) {
  expect_refused("optimizer=muon", "must start with 'limuon1:'");
  expect_refused("limuon1:rnak=4", "unknown key 'rnak'");
  expect_refused("limuon1:rank=4&rank=8", "rank: given twice");
  expect_refused("limuon1:rank=-1", "rank");
  expect_refused("limuon1:rank", "'rank' is not key=value");
  expect_refused("limuon1:seed=1%2", "two hex digits");
  expect_refused("limuon1:name=x", "holds no name");
  expect_refused("limuon1:optimizer=adamw&rank=8", "does not read rank");  // validated like any config
}

class ConfigStringCli : public limuon::testing::CliTest {
 protected:
  ConfigStringCli() : CliTest("config-string") {}
};

TEST_F(ConfigStringCli, AStoredRunsStringRerunsItBitForBit) {
  const std::string db = file("runs.db");
  ASSERT_EQ(run({"train", "--db", db, "--optimizer", "limuon", "--rank", "4", "--polar", "lowrank", "--beta", "0.3",
                 "--steps", "4", "--seed", "3"}),
            0)
      << err.str();
  ASSERT_EQ(run({"runs", "config-string", "1", "--db", db}), 0) << err.str();
  const std::string text = out.str().substr(0, out.str().find('\n'));
  EXPECT_EQ(text, "limuon1:beta=0.3&rank=4&polar=lowrank&steps=4&seed=3");
  ASSERT_EQ(run({"train", "--db", db, "--config-string", text}), 0) << err.str();
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto first = store.series(1, "train_loss"), again = store.series(2, "train_loss");
  ASSERT_EQ(first.size(), 4u);
  ASSERT_EQ(again.size(), 4u);
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].value, again[i].value) << "step " << first[i].step;
  EXPECT_EQ(run({"train", "--db", db, "--config-string", text, "--config", "x.toml"}), 2);  // one whole config only
}

}  // namespace
