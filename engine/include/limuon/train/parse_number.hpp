// Numbers from text, strictly: the whole text must be the number, and errors name where it came from.
#pragma once

#include <cstdint>
#include <string>

namespace limuon::train {

// ConfigError "<where> = '<text>' is not a finite number" (or "is not an integer") for anything else.
double parse_double(const std::string& where, const std::string& text);
int64_t parse_int(const std::string& where, const std::string& text);

}  // namespace limuon::train
