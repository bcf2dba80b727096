// When the window draws its next frame. A frame costs CPU time the training would otherwise get (under
// a software renderer every pixel does), so the window draws at once only after input (and once more,
// as ImGui settles hover and layout over two frames); new training data is shown at most twice a
// second; an active run's clock ticks once a second; with nothing going on it sleeps.
#pragma once

#include <algorithm>
#include <limits>

namespace limuon::gui {

class FramePacer {
 public:
  static constexpr double kDataPeriodMs = 500, kClockPeriodMs = 1000;

  void note_events(bool input, bool data) {
    if (input) settle_frames_ = 2;
    if (data) data_pending_ = true;
  }
  void frame_drawn(double now_ms) {
    last_frame_ms_ = now_ms;
    data_pending_ = false;
    if (settle_frames_ > 0) --settle_frames_;
  }
  // Seconds to wait before the next frame (<= 0: draw now; infinity: only when an event comes).
  double seconds_until_due(double now_ms, bool run_active) const {
    if (settle_frames_ > 0) return 0;
    double due = std::numeric_limits<double>::infinity();
    if (data_pending_) due = last_frame_ms_ + kDataPeriodMs;
    if (run_active) due = std::min(due, last_frame_ms_ + kClockPeriodMs);
    return (due - now_ms) / 1000.0;
  }

 private:
  int settle_frames_ = 2;  // the first frames lay the window out
  bool data_pending_ = false;
  double last_frame_ms_ = 0;
};

}  // namespace limuon::gui
