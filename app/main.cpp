// limuon-lab: the window when there is one, the command line otherwise.
//   limuon-lab                       the window; no display: the classroom experiment headless
//   limuon-lab gui [--db F] [--demo SCRIPT --demo-out DIR] [--demo-timeout S] [--no-remember]
//   limuon-lab --db F | --demo ...   the same as `gui ...`
//   limuon-lab train | sweep | runs | settings | bench ...   headless subcommands (cli/cli.hpp)
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "cli/default_job.hpp"
#include "limuon/train/parse_number.hpp"
#include "limuon/util/runtime_env.hpp"
#ifdef LIMUON_HAVE_GUI
#include "gui/window.hpp"
#endif

namespace {

const char* kGuiUsage =
    "usage: limuon-lab [gui] [--db FILE] [--demo SCRIPT] [--demo-out DIR] [--demo-timeout SECONDS] [--no-remember]\n"
    "  --db FILE         the database to open (default: the last one, else ~/.local/share/limuon-lab/runs.db)\n"
    "  --demo SCRIPT     run a scripted session (a file, or 'default'), then quit; see app/gui/demo_script.hpp\n"
    "  --demo-out DIR    where the demo's screenshots go\n"
    "  --no-remember     neither read nor write ~/.config/limuon-lab (window size, last run settings)\n"
    "Other commands: limuon-lab help\n";

bool is_window_command(const std::vector<std::string>& args) {
  if (args.empty()) return true;
  if (args[0] == "gui") return true;
  for (const char* flag : {"--db", "--demo", "--demo-out", "--demo-timeout", "--no-remember"})
    if (args[0] == flag || args[0].rfind(std::string(flag) + "=", 0) == 0) return true;
  return false;
}

#ifdef LIMUON_HAVE_GUI
// Parses the window's flags; false (and a message) on a bad command line.
bool parse_window_flags(std::vector<std::string> args, limuon::gui::WindowOptions& o, std::string& error) {
  if (!args.empty() && args[0] == "gui") args.erase(args.begin());
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    const size_t eq = flag.find('=');
    const bool inline_value = flag.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inline_value) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    const auto take = [&]() -> bool {
      if (inline_value) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    if (flag == "--help" || flag == "-h") {
      error = "";
      return false;
    }
    if (flag == "--no-remember") {
      o.remember = false;
      continue;
    }
    if (flag != "--db" && flag != "--demo" && flag != "--demo-out" && flag != "--demo-timeout") {
      error = "unknown option '" + flag + "' for the window";
      return false;
    }
    if (!take()) {
      error = flag + " needs a value";
      return false;
    }
    if (flag == "--db") o.db_path = value;
    if (flag == "--demo") o.demo = value;
    if (flag == "--demo-out") o.demo_out = value;
    if (flag == "--demo-timeout") {
      try {
        o.demo_timeout_s = limuon::train::parse_double("--demo-timeout", value);
      } catch (const std::exception&) {
        o.demo_timeout_s = -1;
      }
      if (!(o.demo_timeout_s > 0)) {
        error = "--demo-timeout = '" + value + "' must be a number of seconds > 0";
        return false;
      }
    }
  }
  return true;
}
#endif

// An installed limuon-lab reads the data its package ships (../share/limuon-lab/data), unless the user
// chose LIMUON_DATA_DIR; from a build tree the engine finds the source tree's .data/npm itself.
void use_installed_data() {
  if (std::getenv("LIMUON_DATA_DIR")) return;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return;
  const auto data = exe.parent_path().parent_path() / "share" / "limuon-lab" / "data";
  if (std::filesystem::is_directory(data, ec)) setenv("LIMUON_DATA_DIR", data.c_str(), 0);
}

}  // namespace

int main(int argc, char** argv) {
  use_installed_data();
  limuon::reexec_with_tuned_runtime(argv);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!is_window_command(args)) return limuon::cli::run(args, std::cout, std::cerr);
#ifdef LIMUON_HAVE_GUI
  limuon::gui::WindowOptions options;
  std::string error;
  if (!parse_window_flags(args, options, error)) {
    if (!error.empty()) std::cerr << "limuon-lab: " << error << "\n";
    (error.empty() ? std::cout : std::cerr) << kGuiUsage;
    return error.empty() ? 0 : 2;
  }
  if (limuon::gui::display_present()) {
    const int code = limuon::gui::run_window(options, std::cout, std::cerr);
    if (code != limuon::gui::kWindowUnavailable) return code;
  } else {
    std::cout << "limuon-lab: no display (DISPLAY and WAYLAND_DISPLAY are not set): running without the window\n";
  }
  if (!options.demo.empty()) return 1;  // a demo needs the window: nothing to fall back to
  const std::string db = options.db_path.empty() ? limuon::cli::default_app_db() : options.db_path;
#else
  std::cout << "limuon-lab: built without the window (LIMUON_BUILD_GUI=OFF): running without it\n";
  const std::string db = limuon::cli::default_app_db();
  (void)kGuiUsage;
#endif
  return limuon::cli::run_default_headless(db, std::cout, std::cerr);
}
