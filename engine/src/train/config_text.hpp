// Text-to-value helpers for configs: numbers with errors that name where they came from, and the
// TOML plumbing (file parsing with line numbers). Private to the engine.
#pragma once

#include <toml++/toml.h>

#include "limuon/train/parse_number.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace limuon::train::detail {

using train::parse_double;
using train::parse_int;
std::string join(const std::vector<std::string>& items);

// Parses a TOML file; ConfigError "path:line:column: what" on syntax errors or a missing file.
toml::table parse_toml_file(const std::string& path);
// "path line N" for a node.
std::string where(const std::string& path, const toml::node& node);
// A scalar node as text (strings unquoted); ConfigError for tables and arrays.
std::string toml_scalar_text(const toml::node& node, const std::string& path, const std::string& key);

}  // namespace limuon::train::detail
