// Palettes. The run colours are mid-to-light tones with varied hue, so each keeps at least 4:1 contrast against
// the dark background and neighbours in the cycle differ in hue; the heat anchors were picked by eye along a
// viridis-like path with steadily rising lightness.
#include "gui/plot/colours.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace limuon::gui::plot {

namespace {

constexpr Rgb rgb(unsigned hex) {
  return {static_cast<float>((hex >> 16) & 0xff) / 255, static_cast<float>((hex >> 8) & 0xff) / 255,
          static_cast<float>(hex & 0xff) / 255};
}

constexpr Rgb kRunColours[] = {
    rgb(0x5b9cf5),  // blue
    rgb(0xf5a142),  // orange
    rgb(0x5cc97b),  // green
    rgb(0xef5b5b),  // red
    rgb(0xb58cf0),  // violet
    rgb(0xe8d44d),  // yellow
    rgb(0x4fd1d9),  // cyan
    rgb(0xf28ac9),  // pink
    rgb(0xc99a6b),  // tan
    rgb(0xa6db4f),  // lime
    rgb(0xa0a8c0),  // grey blue
    rgb(0x9fe6c8),  // mint (not a second grey: runs 10 and 11 of a lesson sit side by side)
};

constexpr Rgb kHeatAnchors[] = {
    {0.27f, 0.00f, 0.33f},  // dark purple
    {0.28f, 0.17f, 0.48f},
    {0.23f, 0.32f, 0.55f},  // blue
    {0.17f, 0.45f, 0.56f},
    {0.12f, 0.57f, 0.55f},  // teal
    {0.20f, 0.69f, 0.47f},  // green
    {0.52f, 0.80f, 0.29f},
    {0.99f, 0.91f, 0.14f},  // yellow
};

}  // namespace

int run_colour_count() { return static_cast<int>(std::size(kRunColours)); }

Rgb run_colour(int index) {
  const int n = run_colour_count();
  return kRunColours[((index % n) + n) % n];
}

Rgb heat_colour(double t) {
  t = std::isnan(t) ? 0 : std::clamp(t, 0.0, 1.0);
  const double position = t * static_cast<double>(std::size(kHeatAnchors) - 1);
  const size_t below = std::min(static_cast<size_t>(position), std::size(kHeatAnchors) - 2);
  const float f = static_cast<float>(position - static_cast<double>(below));
  const Rgb& lo = kHeatAnchors[below];
  const Rgb& hi = kHeatAnchors[below + 1];
  return {lo.r + (hi.r - lo.r) * f, lo.g + (hi.g - lo.g) * f, lo.b + (hi.b - lo.b) * f};
}

}  // namespace limuon::gui::plot
