#include "gui/heatmap.hpp"

#include <GL/gl.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "gui/plot/colours.hpp"

namespace limuon::gui {

uint32_t heat_rgba(double value, double log_min, double log_max) {
  if (!(value > 0) || !std::isfinite(value)) return 0xff000000u;  // black: not a positive value
  const double span = log_max > log_min ? log_max - log_min : 1.0;
  const plot::Rgb c = plot::heat_colour((std::log10(value) - log_min) / span);
  const auto byte = [](float v) { return static_cast<uint32_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); };
  return byte(c.r) | byte(c.g) << 8 | byte(c.b) << 16 | 0xff000000u;  // RGBA in memory order
}

HeatmapTexture::~HeatmapTexture() {
  if (texture_) glDeleteTextures(1, &texture_);
}

ImTextureID HeatmapTexture::texture() const {
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture_));
}

size_t HeatmapTexture::frame_of_column(int column) const {
  return column_frames_.empty() ? 0 : column_frames_[std::clamp<size_t>(column, 0, column_frames_.size() - 1)];
}

void HeatmapTexture::update(const std::vector<SpectrumFrame>* frames, const std::string& key) {
  const size_t count = frames ? frames->size() : 0;
  const int64_t last_step = count ? frames->back().step : -1;
  if (key == source_key_ && count == source_count_ && last_step == source_last_step_) return;
  source_key_ = key;
  source_count_ = count;
  source_last_step_ = last_step;
  rows_ = 0;
  column_frames_.clear();
  GLint max_size = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
  const size_t cap = static_cast<size_t>(std::max(1, std::min<int>(kMaxColumns, max_size)));
  for (size_t c = 0, n = std::min(count, cap); c < n; ++c)  // evenly spread, the last frame included
    column_frames_.push_back(n == 1 ? count - 1 : c * (count - 1) / (n - 1));
  columns_ = static_cast<int>(column_frames_.size());
  if (count == 0) return;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& f : *frames) {
    rows_ = std::max(rows_, static_cast<int>(f.values.size()));
    for (double v : f.values)
      if (v > 0 && std::isfinite(v)) {
        lo = std::min(lo, std::log10(v));
        hi = std::max(hi, std::log10(v));
      }
  }
  if (rows_ == 0) return;
  log_max_ = std::isfinite(hi) ? hi : 1;
  // Four decades of colour: below that is rounding noise (a rank-r update's tail), drawn darkest.
  log_min_ = std::isfinite(lo) ? std::max(lo, log_max_ - 4) : log_max_ - 4;
  std::vector<uint32_t> pixels(static_cast<size_t>(columns_) * rows_, 0xff000000u);
  for (int c = 0; c < columns_; ++c) {
    const auto& values = (*frames)[column_frames_[static_cast<size_t>(c)]].values;
    for (int r = 0; r < static_cast<int>(values.size()); ++r)
      pixels[static_cast<size_t>(r) * columns_ + c] = heat_rgba(values[r], log_min_, log_max_);
  }
  if (!texture_) glGenTextures(1, &texture_);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, columns_, rows_, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
}

}  // namespace limuon::gui
