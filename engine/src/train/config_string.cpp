#include "limuon/train/config_string.hpp"

#include <cctype>
#include <set>

#include "limuon/train/settings.hpp"

namespace limuon::train {

namespace {

constexpr const char* kPrefix = "limuon1:";

// Letters, digits and - . _ , : stay as they are; everything else is %XX.
std::string encode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == ',' || c == ':') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string decode(const std::string& text, const std::string& where) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
      throw ConfigError(where + ": '%' must be followed by two hex digits");
    out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return out;
}

}  // namespace

std::string to_config_string(const RunConfig& config) {
  std::string out = kPrefix;
  bool first = true;
  for (const auto& s : settings()) {
    if (s.name == "name") continue;  // a label: it does not change the run
    const std::string value = s.value(config);
    if (value == s.default_value()) continue;
    out += (first ? "" : "&") + std::string(s.name) + "=" + encode(value);
    first = false;
  }
  return out;
}

RunConfig from_config_string(const std::string& text) {
  const std::string prefix = kPrefix;
  if (text.compare(0, prefix.size(), prefix) != 0)
    throw ConfigError("config string: it must start with '" + prefix + "' (as `limuon-lab runs config-string ID` prints it)");
  RunConfig config;
  std::set<std::string> seen;
  const std::string body = text.substr(prefix.size());
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string part = body.substr(start, end - start);
    start = end + 1;
    const size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("config string: '" + part + "' is not key=value");
    const std::string key = part.substr(0, eq);
    const std::string where = "config string, " + key;
    if (!seen.insert(key).second) throw ConfigError(where + ": given twice");
    if (key == "name") throw ConfigError(where + ": a config string holds no name");
    config.set(key, decode(part.substr(eq + 1), where), "config string");
  }
  config.validate();
  return config;
}

}  // namespace limuon::train
