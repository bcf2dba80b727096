// The wait for a core is the kernel's per-thread run-queue delay: the parser takes the second of the three
// numbers of a schedstat line, and a thread made to share one core with two busy threads is seen waiting,
// never longer than the time that passed.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "limuon/util/cpu_wait.hpp"

TEST(CpuWait, ASchedstatLineGivesItsSecondFieldInMilliseconds) {
  EXPECT_EQ(limuon::schedstat_wait_ms("123456789 2500000 17"), 2.5);
  EXPECT_EQ(limuon::schedstat_wait_ms("0 0 0\n"), 0.0);
  EXPECT_EQ(limuon::schedstat_wait_ms("5 18446744073709551615 1"), 18446744073709551615.0 * 1e-6);
  for (const char* bad : {"", "12 34", "12 x 5", "1 2 3 4", "-1 2 3", "1.5 2 3"})
    EXPECT_FALSE(limuon::schedstat_wait_ms(bad)) << "'" << bad << "'";
}

TEST(CpuWait, AThreadSharingItsCoreWithTwoBusyThreadsWaits) {
  if (!std::ifstream("/proc/self/schedstat")) GTEST_SKIP() << "this kernel does not keep schedstat";
  const auto before = limuon::thread_cpu_wait_ms();
  ASSERT_TRUE(before) << "the kernel keeps schedstat, but this thread's wait was not read";
  cpu_set_t saved;
  ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof saved, &saved), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(sched_getcpu(), &one);
  ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
  std::atomic<bool> stop{false};
  std::vector<std::thread> busy;
  for (int i = 0; i < 2; ++i)
    busy.emplace_back([&] {
      pthread_setaffinity_np(pthread_self(), sizeof one, &one);
      while (!stop.load(std::memory_order_relaxed)) {
      }
    });
  // Spin beside them until this thread has waited 50 ms, giving up after 10 s.
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  double waited = 0;
  while (waited <= 50 && Clock::now() - started < std::chrono::seconds(10))
    waited = limuon::thread_cpu_wait_ms().value_or(*before) - *before;
  const double elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  stop = true;
  for (auto& t : busy) t.join();
  pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
  EXPECT_GT(waited, 50.0);
  EXPECT_LE(waited, elapsed_ms + 1.0);  // milliseconds, not the kernel's nanoseconds
}
