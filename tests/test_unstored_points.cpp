// Metric points the store has not confirmed stay in every checkpoint until it does: however many
// checkpoints pass before the store gets them (a busy database, a slow flush tick), a run killed and
// resumed replays every one of them.
#include "limuon/train/trainer.hpp"
#include "support/scratch_dir.hpp"
#include "support/tiny_run.hpp"

#include <functional>
#include <set>
#include <thread>

namespace {

using limuon::train::RunConfig;
using limuon::train::RunState;
using limuon::train::Trainer;

RunConfig tiny_run(int64_t steps) {
  auto c = limuon::testing::tiny_run("muon", steps, 5);
  c.checkpoint_every = 2;
  return c;
}

void wait_for(const std::function<bool()>& condition) {
  for (int i = 0; i < 20000 && !condition(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(condition());
}

std::set<int64_t> loss_steps(const std::vector<limuon::train::MetricPoint>& points) {
  std::set<int64_t> steps;
  for (const auto& p : points)
    if (p.name == "train_loss") steps.insert(p.step);
  return steps;
}

class UnstoredPoints : public limuon::testing::ScratchDirTest {
 protected:
  UnstoredPoints() : ScratchDirTest("unstored") {}
  std::set<int64_t> stored;  // train_loss steps "the store" has
  // What the run queue does: drain, store, confirm.
  void store_and_confirm(Trainer& t) {
    const auto events = t.drain();
    for (int64_t s : loss_steps(events.metrics)) stored.insert(s);
    t.confirm_stored(events.metrics_through);
  }
  // A resumed run that is left to finish, then stored.
  void finish_and_store(Trainer& t) {
    t.start();
    wait_for([&] { return t.done(); });
    t.wait();
    ASSERT_EQ(t.state(), RunState::finished) << t.error();
    store_and_confirm(t);
  }
  // Runs until `steps_past` more steps after `from` with nothing stored (several checkpoints pass),
  // then ends the process's part as a kill would leave it: the undrained events are gone.
  void run_unstored_then_die(Trainer& t, int64_t from, int64_t steps_past) {
    wait_for([&] { return t.step() >= from + steps_past || t.done(); });
    t.request_stop();
    t.wait();
    ASSERT_EQ(t.state(), RunState::stopped) << t.error();
  }
};

TEST_F(UnstoredPoints, TwoCheckpointsBeforeTheStoreGetsThePointsLoseNone) {
  const auto config = tiny_run(40);
  const std::string dir = file("ckpt");
  int64_t paused_at = 0;
  {
    Trainer first(config, dir);
    first.start();
    wait_for([&] { return first.step() >= 3; });
    first.pause();
    wait_for([&] { return first.state() == RunState::paused; });
    paused_at = first.step();
    store_and_confirm(first);  // stored: steps 1..paused_at
    first.resume();
    run_unstored_then_die(first, paused_at, 7);  // checkpoints at least at 2 later steps, none stored
  }
  Trainer second(config, dir);
  finish_and_store(second);
  std::set<int64_t> all;
  for (int64_t s = 1; s <= 40; ++s) all.insert(s);
  EXPECT_EQ(stored, all) << "stored through step " << paused_at << " before the kill";
}

TEST_F(UnstoredPoints, ReplayedPointsStayUntilStoredAcrossASecondKill) {
  const auto config = tiny_run(40);
  const std::string dir = file("ckpt");
  {
    Trainer first(config, dir);
    first.start();
    run_unstored_then_die(first, 0, 6);  // nothing stored
  }
  {
    Trainer second(config, dir);  // replays steps 1.. but dies again before storing them
    second.start();
    wait_for([&] { return second.resumed_from() >= 0; });
    run_unstored_then_die(second, second.resumed_from(), 6);
  }
  Trainer third(config, dir);
  finish_and_store(third);
  EXPECT_EQ(stored.size(), 40u);
  EXPECT_EQ(*stored.begin(), 1);
}

}  // namespace
