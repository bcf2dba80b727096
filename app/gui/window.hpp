// The desktop window of limuon-lab: opens it, runs it until the user closes it (or a demo script
// ends), and says why when it cannot open (no display, OpenGL below 3.2) so the caller can fall back
// to the headless run.
#pragma once

#include <ostream>
#include <string>

namespace limuon::gui {

struct WindowOptions {
  std::string db_path;      // empty: the last database, else the default one
  std::string demo;         // a demo script (file or built-in name); empty: an interactive session
  std::string demo_out;     // where the demo's screenshots go
  double demo_timeout_s = 600;
  bool remember = true;     // read and write the settings under ~/.config/limuon-lab
};

// The window could not open; the message says why. The caller runs the headless job instead.
constexpr int kWindowUnavailable = 100;

bool display_present();  // DISPLAY or WAYLAND_DISPLAY is set
int run_window(const WindowOptions& options, std::ostream& out, std::ostream& err);

}  // namespace limuon::gui
