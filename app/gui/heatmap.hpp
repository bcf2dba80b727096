// A spectrum-over-time heatmap as an OpenGL texture: one column per recorded step, one row per singular
// value (largest at the top), colour = log10 of the value on one scale for the whole picture. Rebuilt
// only when its frames change; drawn with ImGui::Image, so a frame costs one quad.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <vector>

#include "gui/run_data.hpp"

namespace limuon::gui {

class HeatmapTexture {
 public:
  HeatmapTexture() = default;
  ~HeatmapTexture();
  HeatmapTexture(const HeatmapTexture&) = delete;
  HeatmapTexture& operator=(const HeatmapTexture&) = delete;

  // Uploads when `frames` differ from the last upload (by address, count and last step).
  void update(const std::vector<SpectrumFrame>* frames);
  ImTextureID texture() const;
  int columns() const { return columns_; }
  int rows() const { return rows_; }
  double log_min() const { return log_min_; }  // the colour scale's ends, log10 of singular values
  double log_max() const { return log_max_; }

 private:
  unsigned int texture_ = 0;
  const std::vector<SpectrumFrame>* source_ = nullptr;
  size_t source_count_ = 0;
  int64_t source_last_step_ = -1;
  int columns_ = 0, rows_ = 0;
  double log_min_ = 0, log_max_ = 0;
};

// The colour of one cell: log10(value) placed between log_min and log_max on the heat scale.
uint32_t heat_rgba(double value, double log_min, double log_max);

}  // namespace limuon::gui
