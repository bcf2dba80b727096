// Skipped steps (NaN/Inf gradient) and kept momenta (non-finite second pass) are metrics, so the window
// can mark them and the store keeps them: a healthy run writes 0 at every evaluation step.
#include "limuon/train/trainer.hpp"
#include "support/tiny_run.hpp"

#include <map>

namespace {

using limuon::train::RunConfig;
using limuon::train::RunState;
using limuon::train::Trainer;

std::map<std::string, std::map<int64_t, double>> run(const std::string& optimizer) {
  Trainer t(limuon::testing::tiny_run(optimizer, 6, 3));
  t.start();
  t.wait();
  EXPECT_EQ(t.state(), RunState::finished) << t.error();
  std::map<std::string, std::map<int64_t, double>> series;
  for (const auto& m : t.drain().metrics) series[m.name][m.step] = m.value;
  return series;
}

TEST(TrainerMarkers, HealthyRunsWriteZeroMarkersAtEvaluationSteps) {
  for (const std::string optimizer : {"limuon", "muon"}) {
    auto series = run(optimizer);
    for (const char* name : {"skipped_nonfinite", "kept_momentum"}) {
      const std::map<int64_t, double> expected{{3, 0.0}, {6, 0.0}};
      EXPECT_EQ(series[name], expected) << optimizer << " " << name;
    }
  }
  auto adamw = run("adamw");  // LibTorch's AdamW has no such counters: no made-up zeros
  EXPECT_EQ(adamw.count("skipped_nonfinite"), 0u);
  EXPECT_EQ(adamw.count("kept_momentum"), 0u);
}

}  // namespace
