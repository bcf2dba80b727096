// Every invalid option is a std::invalid_argument that names the option and its value.
#include "cli/cli.hpp"
#include "limuon/limuon.hpp"

#include <sstream>

namespace {

using limuon::LiMuon;
using limuon::LiMuonOptions;
using limuon::Muon;
using limuon::MuonOptions;
using limuon::Polar;

// Runs `make` and checks it throws std::invalid_argument whose message contains every fragment.
template <typename Make>
void expect_rejected(Make&& make, std::initializer_list<const char*> fragments) {
  try {
    make();
    ADD_FAILURE() << "accepted; expected a message with '" << *fragments.begin() << "'";
  } catch (const std::invalid_argument& e) {
    for (const char* f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

torch::Tensor matrix() { return torch::randn({16, 24}).requires_grad_(true); }

TEST(BadOptions, LiMuonNamesTheOptionAndTheValue) {
  auto with = [](LiMuonOptions o) { return [o] { LiMuon({matrix()}, o); }; };
  expect_rejected(with(LiMuonOptions(-1)), {"lr", "-1"});
  expect_rejected(with(LiMuonOptions(std::nan(""))), {"lr", "nan"});
  expect_rejected(with(LiMuonOptions().beta(1.0)), {"beta", "1", "[0, 1)"});
  expect_rejected(with(LiMuonOptions().beta(-0.1)), {"beta", "-0.1"});
  expect_rejected(with(LiMuonOptions().rank(-1)), {"rank", "-1"});
  expect_rejected(with(LiMuonOptions().rank(17)), {"rank", "17", "min(m, n) = 16", "[16, 24]"});
  expect_rejected(with(LiMuonOptions().rank(4).oversampling(-2)), {"oversampling", "-2"});
  expect_rejected(with(LiMuonOptions().power_iters(-1)), {"power_iters", "-1"});
  expect_rejected(with(LiMuonOptions().polar(static_cast<Polar>(7))), {"polar", "7"});
  expect_rejected(with(LiMuonOptions().polar(Polar::lowrank)), {"polar", "lowrank", "rank > 0"});
  expect_rejected(with(LiMuonOptions().ns_steps(0)), {"ns_steps", "0"});
  expect_rejected(with(LiMuonOptions().weight_decay(-0.5)), {"weight_decay", "-0.5"});
  expect_rejected(with(LiMuonOptions().lr_scale(static_cast<limuon::LrScale>(-3))), {"lr_scale", "-3"});
  expect_rejected(with(LiMuonOptions().adamw_betas({0.9, 1.5})), {"adamw_betas[1]", "1.5"});
  expect_rejected([] { LiMuon({torch::randn({5}).requires_grad_(true)}, LiMuonOptions()); },
                  {"[5]", "AdamW group"});
}

TEST(BadOptions, MuonNamesTheOptionAndTheValue) {
  auto with = [](MuonOptions o) { return [o] { Muon({matrix()}, o); }; };
  expect_rejected(with(MuonOptions(-0.1)), {"Muon", "lr", "-0.1"});
  expect_rejected(with(MuonOptions().momentum(1.0)), {"momentum", "1"});
  expect_rejected(with(MuonOptions().ns_steps(0)), {"ns_steps", "0"});
  expect_rejected(with(MuonOptions().polar(Polar::lowrank)), {"polar", "lowrank"});
}

TEST(BadOptions, TextParsingNamesTheAcceptedValues) {
  expect_rejected([] { limuon::parse_polar("qr"); }, {"polar", "'qr'", "svd, newton_schulz, lowrank"});
  expect_rejected([] { limuon::parse_lr_scale("moonlight"); }, {"lr_scale", "'moonlight'"});
  EXPECT_EQ(limuon::parse_polar("newton_schulz"), Polar::newton_schulz);
  EXPECT_EQ(limuon::parse_lr_scale("match_adamw_rms"), limuon::LrScale::match_adamw_rms);
  EXPECT_EQ(limuon::parse_lr_scale("match_adamw_rms_rank"), limuon::LrScale::match_adamw_rms_rank);
}

TEST(BadOptions, LiMuonStepWithoutAClosureExplainsWhy) {
  torch::Tensor w = matrix();
  LiMuon opt({w}, LiMuonOptions());
  w.mutable_grad() = torch::randn({16, 24});
  const torch::Tensor before = w.detach().clone();
  expect_rejected([&] { opt.step(); }, {"closure", "twice", "same batch"});
  EXPECT_TRUE(torch::equal(before, w));
}

TEST(BadCommandLine, ExitsWithTwoAndSaysWhatWasWrong) {
  for (const auto& [args, fragment] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"frobnicate"}, "unknown command 'frobnicate'"},
           {{"bench"}, "bench optim"},
           {{"bench", "optim", "--rank"}, "--rank needs a value"},
           {{"bench", "optim", "--rank", "eight"}, "--rank = 'eight'"},
           {{"bench", "optim", "--rank", "0"}, "[1, 128]"},
           {{"bench", "optim", "--threads", "1,x"}, "--threads = 'x'"},
           {{"bench", "optim", "--fast"}, "unknown option '--fast'"}}) {
    std::ostringstream out, err;
    EXPECT_EQ(limuon::cli::run(args, out, err), 2) << fragment;
    EXPECT_NE(err.str().find(fragment), std::string::npos) << err.str();
    EXPECT_NE(err.str().find("usage"), std::string::npos);
  }
}

TEST(BadCommandLine, UnwritableJsonPathIsAFailureNotACrash) {
  std::ostringstream out, err;
  const int code = limuon::cli::run({"bench", "optim", "--small", "--quick", "--threads", "1", "--json",
                                     "/nonexistent-dir/bench.json"},
                                    out, err);
  EXPECT_EQ(code, 1);
  EXPECT_NE(err.str().find("/nonexistent-dir/bench.json"), std::string::npos);
  EXPECT_NE(out.str().find("limuon r=8 lowrank"), std::string::npos);  // the table was still printed
}

}  // namespace
