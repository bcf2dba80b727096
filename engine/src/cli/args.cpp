#include "args.hpp"

namespace limuon::cli::detail {

int parse_int(const std::string& flag, const std::string& text, int low, int high) {
  size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < low || value > high)
    throw UsageError(flag + " = '" + text + "' must be an integer in [" + std::to_string(low) + ", " +
                     std::to_string(high) + "]");
  return value;
}

}  // namespace limuon::cli::detail
