// Number and duration formatting for axis labels, cursor readouts and ETAs.
#include "gui/plot/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace limuon::gui::plot {

namespace {

// Labels may be asked for finer steps than this many extra digits can show usefully (e.g. a step of 1/3).
constexpr int kExtraDecimals = 3;
constexpr int kMaxDecimals = 17;

// Digits after the decimal point needed to write multiples of `step` exactly: 1 for 0.2, 2 for 0.25.
int decimals_for(double step) {
  if (!(step > 0) || !std::isfinite(step)) return 0;  // from absurd inputs such as denormal values
  const int start = static_cast<int>(std::clamp(-std::floor(std::log10(step)), 0.0, double{kMaxDecimals}));
  for (int d = start; d < start + kExtraDecimals && d < kMaxDecimals; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) <= 1e-6 * scaled) return d;
  }
  return std::min(start + kExtraDecimals, kMaxDecimals);
}

std::string printf_string(const char* format, int decimals, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, decimals, v);
  return buffer;
}

// "1.500" -> "1.5", "2.000" -> "2"; text without a decimal point is left alone.
std::string strip_zeros(std::string text) {
  if (text.find('.') == std::string::npos) return text;
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string fixed(double v, int decimals) {
  std::string text = strip_zeros(printf_string("%.*f", decimals, v));
  return text == "-0" ? "0" : text;
}

std::string exponent_form(double v, double step) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(std::abs(v))));
  std::string text = printf_string("%.*e", decimals_for(step / magnitude), v);
  const size_t e = text.find('e');
  return strip_zeros(text.substr(0, e)) + text.substr(e);
}

std::string suffix_form(double v, double step) {
  struct Unit {
    double size;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{1e3, "k"}, {1e6, "M"}, {1e9, "G"}, {1e12, "T"}};
  size_t i = 0;
  while (i + 1 < std::size(kUnits) && std::abs(v) >= kUnits[i + 1].size) ++i;
  int decimals = decimals_for(step / kUnits[i].size);
  // 999999 rounds to "1000k": say "1M" instead.
  if (i + 1 < std::size(kUnits) &&
      std::abs(std::round(v / kUnits[i].size * std::pow(10.0, decimals))) >= 1000 * std::pow(10.0, decimals)) {
    ++i;
    decimals = decimals_for(step / kUnits[i].size);
  }
  return fixed(v / kUnits[i].size, decimals) + kUnits[i].suffix;
}

}  // namespace

std::string format_value(double v, double step) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  step = std::abs(step);
  // No usable step: six significant digits, as %g would show.
  if (!(step > 0) || !std::isfinite(step)) step = v != 0 ? std::pow(10.0, std::floor(std::log10(std::abs(v))) - 5) : 1;
  // A tick computed as k * step may land a rounding error away from zero; it is zero.
  if (std::abs(v) < step * 1e-6) return "0";
  const double magnitude = std::abs(v);
  if (magnitude < 1e-4 || magnitude >= 1e15) return exponent_form(v, step);
  if (magnitude >= 1e4) return suffix_form(v, step);
  return fixed(v, decimals_for(step));
}

std::string format_duration(double seconds) {
  if (std::isnan(seconds)) return "--";
  if (seconds < 0) return "-" + format_duration(-seconds);
  if (std::isinf(seconds)) return "inf";
  char buffer[64];
  // Each unit is rounded first, so 59.96 s is "1 min 00 s" rather than "60.0 s".
  const double ms = std::round(seconds * 1e3);
  if (ms < 1e3) {
    std::snprintf(buffer, sizeof buffer, "%.0f ms", ms);
    return buffer;
  }
  const double tenths = std::round(seconds * 10);
  if (tenths < 600) {
    std::snprintf(buffer, sizeof buffer, "%.1f s", tenths / 10);
    return buffer;
  }
  const double whole_seconds = std::round(seconds);
  if (whole_seconds < 3600) {
    std::snprintf(buffer, sizeof buffer, "%.0f min %02.0f s", std::floor(whole_seconds / 60),
                  std::fmod(whole_seconds, 60));
    return buffer;
  }
  const double whole_minutes = std::round(seconds / 60);
  std::snprintf(buffer, sizeof buffer, "%.0f h %02.0f min", std::floor(whole_minutes / 60),
                std::fmod(whole_minutes, 60));
  return buffer;
}

}  // namespace limuon::gui::plot
