#include "args.hpp"

#include "../train/config_text.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::cli::detail {

int parse_int(const std::string& flag, const std::string& text, int low, int high) {
  const std::string range = " must be an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]";
  int64_t value = 0;
  try {
    value = train::detail::parse_int(flag, text);
  } catch (const train::ConfigError&) {
    throw UsageError(flag + " = '" + text + "'" + range);
  }
  if (value < low || value > high) throw UsageError(flag + " = '" + text + "'" + range);
  return static_cast<int>(value);
}

}  // namespace limuon::cli::detail
