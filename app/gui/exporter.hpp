// Writes files the user asked for (plot data as CSV, screenshots as PNG) on a worker thread, so a large
// export never holds up a frame. Results come back as messages for the status line.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "gui/job_thread.hpp"

namespace limuon::gui {

struct ExportMessage {
  std::string text;
  bool error = false;
};

class Exporter {
 public:
  // `wake` runs after each write, so its message shows at once. The destructor finishes every write
  // already asked for.
  explicit Exporter(std::function<void()> wake = {}) : jobs_(JobThread::AtExit::finish_queued, std::move(wake)) {}

  // Rows of text written as they are, one per line.
  void write_text(std::string path, std::vector<std::string> lines);
  // Tightly packed RGBA rows, bottom row first (as glReadPixels gives them).
  void write_png(std::string path, int width, int height, std::vector<uint8_t> rgba_bottom_up);
  // Any other small write; the job returns its message (empty text: nothing to say).
  void write(std::function<ExportMessage()> job) {
    jobs_.post([this, job = std::move(job)] {
      ExportMessage m = job();
      if (!m.text.empty()) report(std::move(m));
    });
  }
  std::vector<ExportMessage> take_messages();
  bool idle() const { return !jobs_.busy(); }

 private:
  void report(ExportMessage message);

  mutable std::mutex mutex_;  // guards messages_
  std::vector<ExportMessage> messages_;
  JobThread jobs_;  // last: its worker may touch the members above until it is joined
};

// Writes a PNG now, on the calling thread (the demo script's screenshots, which must exist before it
// goes on). Returns an empty string or the reason it failed.
std::string write_png_now(const std::string& path, int width, int height, const std::vector<uint8_t>& rgba_bottom_up);

}  // namespace limuon::gui
