#include "args.hpp"

#include "limuon/train/parse_number.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::cli::detail {

bool ArgCursor::next() {
  if (inline_value_) throw UsageError(flag_ + " takes no value (given '" + *inline_value_ + "')");
  if (++i_ >= args_.size()) return false;
  flag_ = args_[i_];
  const size_t eq = flag_.find('=');
  if (flag_.rfind("--", 0) == 0 && eq != std::string::npos && eq > 2) {
    inline_value_ = flag_.substr(eq + 1);
    flag_.resize(eq);
  }
  return true;
}

const std::string& ArgCursor::value() {
  if (inline_value_) {
    value_ = *inline_value_;
    inline_value_.reset();
    return value_;
  }
  if (i_ + 1 >= args_.size()) throw UsageError(flag_ + " needs a value");
  return args_[++i_];
}

int parse_int(const std::string& flag, const std::string& text, int low, int high) {
  const std::string range = " must be an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]";
  int64_t value = 0;
  try {
    value = train::parse_int(flag, text);
  } catch (const train::ConfigError&) {
    throw UsageError(flag + " = '" + text + "'" + range);
  }
  if (value < low || value > high) throw UsageError(flag + " = '" + text + "'" + range);
  return static_cast<int>(value);
}

}  // namespace limuon::cli::detail
