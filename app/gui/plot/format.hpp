// Short text for numbers on plot axes and in readouts: tick labels and wall-time durations.
#pragma once

#include <string>

namespace limuon::gui::plot {

// A compact label for v on an axis whose tick step is `step`: enough decimals to tell ticks `step` apart and
// no trailing zeros ("0.2", "0.25"); |v| >= 1e4 as "12k", "1.5M", "3G", "2T"; |v| < 1e-4 or >= 1e15 in
// exponent form ("1e-05", "2.5e+15"); a value within step * 1e-6 of zero is "0". A step <= 0 or non-finite
// gives about six significant digits.
std::string format_value(double v, double step);

// "950 ms", "12.3 s", "4 min 05 s", "1 h 02 min"; a negative duration gets a leading '-', NaN gives "--".
std::string format_duration(double seconds);

}  // namespace limuon::gui::plot
