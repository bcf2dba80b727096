// Command-line plumbing shared by the subcommands. Private to the command line.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace limuon::cli::detail {

// A bad command line: the message is printed with the usage text and the process exits with 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Walks "--flag value" pairs; "--flag=value" is the same pair. `value()` throws UsageError when the flag
// has no value.
class ArgCursor {
 public:
  explicit ArgCursor(const std::vector<std::string>& args) : args_(args) {}
  bool next();
  const std::string& flag() const { return flag_; }
  const std::string& value();

 private:
  const std::vector<std::string>& args_;
  size_t i_ = static_cast<size_t>(-1);
  std::string flag_;
  std::string value_;
  std::optional<std::string> inline_value_;  // the part after '=' of "--flag=value"
};

int parse_int(const std::string& flag, const std::string& text, int low, int high);

}  // namespace limuon::cli::detail
