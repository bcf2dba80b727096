#include "config_text.hpp"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "limuon/train/run_config.hpp"

namespace limuon::train {

double parse_double(const std::string& where, const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(value))
    throw ConfigError(where + " = '" + text + "' is not a finite number");
  return value;
}

int64_t parse_int(const std::string& where, const std::string& text) {
  size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) throw ConfigError(where + " = '" + text + "' is not an integer");
  return value;
}

}  // namespace limuon::train

namespace limuon::train::detail {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

toml::table parse_toml_file(const std::string& path) {
  if (!std::filesystem::exists(path)) throw ConfigError(path + ": file not found");
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << path << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description();
    throw ConfigError(message.str());
  }
}

std::string where(const std::string& path, const toml::node& node) {
  return path + " line " + std::to_string(node.source().begin.line);
}

std::string toml_scalar_text(const toml::node& node, const std::string& path, const std::string& key) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) {
    std::ostringstream out;
    out.precision(17);
    out << f->get();
    return out.str();
  }
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  throw ConfigError(where(path, node) + ": " + key + " must be a single value, not a table or array");
}

}  // namespace limuon::train::detail
