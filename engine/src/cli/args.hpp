// Command-line plumbing shared by the subcommands. Private to the engine.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace limuon::cli::detail {

// A bad command line: the message is printed with the usage text and the process exits with 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Walks "--flag value" pairs; `value()` throws UsageError when the flag has no value.
class ArgCursor {
 public:
  explicit ArgCursor(const std::vector<std::string>& args) : args_(args) {}
  bool next() { return ++i_ < args_.size(); }
  const std::string& flag() const { return args_[i_]; }
  const std::string& value() {
    if (i_ + 1 >= args_.size()) throw UsageError(args_[i_] + " needs a value");
    return args_[++i_];
  }

 private:
  const std::vector<std::string>& args_;
  size_t i_ = static_cast<size_t>(-1);
};

int parse_int(const std::string& flag, const std::string& text, int low, int high);

}  // namespace limuon::cli::detail
