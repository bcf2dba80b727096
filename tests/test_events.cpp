// The trainer's event queue: the record stream (for the store) keeps every event; the display stream
// (for a window) stays bounded when nobody drains it, keeping the newest events and counting the rest.
#include "limuon/train/events.hpp"

namespace {

using limuon::train::EventQueue;
using limuon::train::MetricPoint;
using limuon::train::Spectrum;

TEST(EventQueue, AnUndrainedDisplayStaysBoundedWhileTheRecordKeepsEverything) {
  EventQueue queue({/*metrics=*/100, /*spectra=*/3});
  for (int64_t i = 0; i < 10'000; ++i) queue.push(MetricPoint{i, 0.0, "train_loss", double(i)});
  for (int64_t i = 0; i < 10; ++i) queue.push(Spectrum{i, "w", "update", {1.0}, -1});

  const auto display = queue.drain_display();
  ASSERT_EQ(display.metrics.size(), 100u);
  EXPECT_EQ(display.metrics.front().step, 9'900);  // the newest 100, in order
  EXPECT_EQ(display.metrics.back().step, 9'999);
  ASSERT_EQ(display.spectra.size(), 3u);
  EXPECT_EQ(display.spectra.front().step, 7);
  EXPECT_EQ(queue.display_dropped(), 9'900 + 7);

  const auto record = queue.drain();
  ASSERT_EQ(record.metrics.size(), 10'000u);
  for (int64_t i = 0; i < 10'000; ++i) ASSERT_EQ(record.metrics[size_t(i)].step, i);
  EXPECT_EQ(record.spectra.size(), 10u);
}

TEST(EventQueue, EachStreamDrainsIndependently) {
  EventQueue queue;
  queue.push(MetricPoint{1, 0.0, "lr", 0.1});
  EXPECT_EQ(queue.drain().metrics.size(), 1u);
  queue.push(MetricPoint{2, 0.0, "lr", 0.1});
  const auto display = queue.drain_display();
  ASSERT_EQ(display.metrics.size(), 2u);  // the display saw both points
  EXPECT_EQ(queue.drain().metrics.size(), 1u);
  EXPECT_TRUE(queue.drain_display().empty());
  EXPECT_EQ(queue.display_dropped(), 0);
}

}  // namespace
