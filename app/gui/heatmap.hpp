// A spectrum-over-time heatmap as an OpenGL texture: one column per recorded step, one row per singular
// value (largest at the top), colour = log10 of the value on one scale for the whole picture. Rebuilt
// only when its frames change; drawn with ImGui::Image, so a frame costs one quad.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gui/run_data.hpp"

namespace limuon::gui {

class HeatmapTexture {
 public:
  HeatmapTexture() = default;
  ~HeatmapTexture();
  HeatmapTexture(const HeatmapTexture&) = delete;
  HeatmapTexture& operator=(const HeatmapTexture&) = delete;

  // Uploads when the frames differ from the last upload: another `key` (run, matrix and kind), or
  // another count or last step. More frames than kMaxColumns are sampled evenly, the last one kept.
  void update(const std::vector<SpectrumFrame>* frames, const std::string& key);
  size_t frame_of_column(int column) const;  // the index in `frames` that a texture column shows
  ImTextureID texture() const;
  int columns() const { return columns_; }
  int rows() const { return rows_; }
  double log_min() const { return log_min_; }  // the colour scale's ends, log10 of singular values
  double log_max() const { return log_max_; }

 private:
  static constexpr int kMaxColumns = 2048;
  unsigned int texture_ = 0;
  std::string source_key_;
  std::vector<size_t> column_frames_;
  size_t source_count_ = 0;
  int64_t source_last_step_ = -1;
  int columns_ = 0, rows_ = 0;
  double log_min_ = 0, log_max_ = 0;
};

// The colour of one cell: log10(value) placed between log_min and log_max on the heat scale.
uint32_t heat_rgba(double value, double log_min, double log_max);

}  // namespace limuon::gui
