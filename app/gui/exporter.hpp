// Writes files the user asked for (plot data as CSV, screenshots as PNG) on a worker thread, so a large
// export never holds up a frame. Results come back as messages for the status line.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace limuon::gui {

struct ExportMessage {
  std::string text;
  bool error = false;
};

class Exporter {
 public:
  Exporter();
  ~Exporter();  // finishes the writes already queued
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Rows of text written as they are, one per line.
  void write_text(std::string path, std::vector<std::string> lines);
  // Tightly packed RGBA rows, bottom row first (as glReadPixels gives them).
  void write_png(std::string path, int width, int height, std::vector<uint8_t> rgba_bottom_up);
  std::vector<ExportMessage> take_messages();
  bool idle() const;

 private:
  void post(std::function<ExportMessage()> job);
  void work();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<ExportMessage()>> jobs_;
  int in_flight_ = 0;
  bool quit_ = false;
  std::vector<ExportMessage> messages_;
  std::thread thread_;
};

// Writes a PNG now, on the calling thread (the demo script's screenshots, which must exist before it
// goes on). Returns an empty string or the reason it failed.
std::string write_png_now(const std::string& path, int width, int height, const std::vector<uint8_t>& rgba_bottom_up);

}  // namespace limuon::gui
