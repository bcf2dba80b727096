// limuon-lab settings: every run setting, from the engine's one table of them.
#include "args.hpp"
#include "commands.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::cli::detail {

int settings_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bool markdown = false;
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--markdown") markdown = true;
    else throw UsageError("unexpected argument '" + a.flag() + "' for 'settings'");
  }
  out << (markdown ? train::settings_markdown() : train::settings_text());
  (void)err;
  return kExitOk;
}

}  // namespace limuon::cli::detail
