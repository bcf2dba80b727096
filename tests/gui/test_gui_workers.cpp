// The window's workers without a window: the live session (a real run through the run queue into a
// store, driven by pause, single step, lr and stop from another thread) and the job thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "gui/job_thread.hpp"
#include "gui/live_session.hpp"
#include "limuon/store/store.hpp"

namespace {

namespace fs = std::filesystem;
using limuon::gui::JobThread;
using limuon::gui::LiveSession;
using limuon::gui::LiveStatus;
using limuon::train::RunState;

// Polls `ready` until it holds or two minutes pass (a deadline turns a hang into a failure; no timing
// is asserted).
template <class F>
bool eventually(F ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST(LiveSession, PauseStepLrAndStopReachTheRunAndTheStore) {
  const fs::path dir = fs::temp_directory_path() / ("limuon-live-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string db = (dir / "runs.db").string();
  std::atomic<int> wakes{0};
  LiveSession session([&] { ++wakes; });
  limuon::train::RunConfig config;
  config.steps = 400;
  config.eval_every = 5;
  ASSERT_TRUE(session.start(config, db));
  EXPECT_FALSE(session.start(config, db)) << "one run at a time";
  ASSERT_TRUE(eventually([&] { return session.status().step >= 2; })) << session.status().error;

  session.pause();
  ASSERT_TRUE(eventually([&] { return session.status().state == RunState::paused; }));
  const int64_t held = session.status().step;
  session.step_once();
  ASSERT_TRUE(eventually([&] { return session.status().step == held + 1 && session.status().state == RunState::paused; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // no further step sneaks in
  EXPECT_EQ(session.status().step, held + 1);

  session.set_lr(0.005);
  session.resume();
  ASSERT_TRUE(eventually([&] { return session.status().step >= held + 4; }));
  session.stop();
  ASSERT_TRUE(eventually([&] { return !session.status().active; }));
  const LiveStatus end = session.status();
  EXPECT_EQ(end.state, RunState::stopped);
  EXPECT_GT(wakes.load(), 0);

  // The display events reached the session, and the store has the run as the CLI would leave it.
  const auto events = session.take_events();
  bool saw_new_lr = false;
  for (const auto& p : events.metrics) saw_new_lr |= p.name == "lr" && p.value == 0.005;
  EXPECT_TRUE(saw_new_lr);
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, end.run_id);
  EXPECT_EQ(runs[0].status, "stopped");
  EXPECT_EQ(static_cast<int64_t>(store.series(runs[0].id, "train_loss").size()), end.step);
  session.join_if_done();
  fs::remove_all(dir);
}

TEST(LiveSession, AFailedStartIsReportedNotThrown) {
  LiveSession session;
  limuon::train::RunConfig config;
  config.rank = 100;  // wider than gpt:classroom's 80-wide matrices: the engine refuses it
  ASSERT_TRUE(session.start(config, (fs::temp_directory_path() / "limuon-never.db").string()));
  ASSERT_TRUE(eventually([&] { return !session.status().active; }));
  EXPECT_EQ(session.status().state, RunState::failed);
  EXPECT_NE(session.status().error.find("exceeds min(m, n)"), std::string::npos) << session.status().error;
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() / "limuon-never.db"));
}

TEST(LiveSession, ARunThatEndsBeforeAnyoneLooksIsStillCountedAsEnded) {
  // A diverging run can start and end between two of the window's data frames; the window learns that a
  // run ended from this count, so it must move even when nobody saw the run active.
  const fs::path dir = fs::temp_directory_path() / ("limuon-live-end-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  LiveSession session;
  EXPECT_EQ(session.status().runs_ended, 0);
  limuon::train::RunConfig config;
  config.optimizer = "adamw";
  config.adamw_lr = 5;  // diverges within a few steps
  config.steps = 200;
  ASSERT_TRUE(session.start(config, (dir / "runs.db").string()));
  ASSERT_TRUE(eventually([&] { return !session.status().active; }));
  EXPECT_EQ(session.status().state, RunState::diverged);
  EXPECT_EQ(session.status().runs_ended, 1);
  ASSERT_TRUE(session.start(config, (dir / "runs.db").string()));  // a second run keeps the count going
  ASSERT_TRUE(eventually([&] { return !session.status().active; }));
  EXPECT_EQ(session.status().runs_ended, 2);
  session.shutdown();
  fs::remove_all(dir);
}

TEST(JobThread, RunsJobsInOrderAndFinishesOrDropsTheQueueAtExit) {
  std::vector<int> order;
  std::mutex m;
  std::atomic<bool> release{false};
  {
    JobThread jobs(JobThread::AtExit::finish_queued);
    jobs.post([&] { eventually([&] { return release.load(); }); });
    for (int i = 0; i < 5; ++i) jobs.post([&, i] {
        std::lock_guard<std::mutex> lock(m);
        order.push_back(i);
      });
    EXPECT_TRUE(jobs.busy());
    release = true;
  }  // finish_queued: every job ran before the destructor returned
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));

  order.clear();
  release = false;
  {
    JobThread jobs(JobThread::AtExit::drop_queued);
    std::atomic<bool> started{false};
    jobs.post([&] {
      started = true;
      eventually([&] { return release.load(); });
    });
    for (int i = 0; i < 5; ++i) jobs.post([&, i] {
        std::lock_guard<std::mutex> lock(m);
        order.push_back(i);
      });
    ASSERT_TRUE(eventually([&] { return started.load(); }));
    std::thread releaser([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      release = true;
    });
    releaser.detach();
  }  // drop_queued: the running job ends, the queued ones never run
  EXPECT_TRUE(order.empty());
  std::vector<int> none = limuon::gui::take_all(m, order);
  EXPECT_TRUE(none.empty());
}

}  // namespace
