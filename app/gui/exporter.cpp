#include "gui/exporter.hpp"

#include <stb_image_write.h>

#include <filesystem>
#include <fstream>

namespace limuon::gui {

std::string write_png_now(const std::string& path, int width, int height, const std::vector<uint8_t>& rgba_bottom_up) {
  if (width <= 0 || height <= 0 || rgba_bottom_up.size() < static_cast<size_t>(width) * height * 4)
    return "no pixels to write";
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  // OpenGL's rows start at the bottom; a PNG's at the top: write from the last row with a negative stride.
  const int stride = width * 4;
  const uint8_t* top_row = rgba_bottom_up.data() + static_cast<size_t>(height - 1) * stride;
  if (!stbi_write_png(path.c_str(), width, height, 4, top_row, -stride)) return "cannot write " + path;
  return "";
}

void Exporter::report(ExportMessage message) {
  std::lock_guard<std::mutex> lock(mutex_);
  messages_.push_back(std::move(message));
}

void Exporter::write_text(std::string path, std::vector<std::string> lines) {
  jobs_.post([this, path = std::move(path), lines = std::move(lines)] {
    std::error_code ec;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::ofstream out(path, std::ios::trunc);
    for (const auto& line : lines) out << line << '\n';
    out.close();
    report(out ? ExportMessage{"saved " + path, false} : ExportMessage{"cannot write " + path, true});
  });
}

void Exporter::write_png(std::string path, int width, int height, std::vector<uint8_t> rgba) {
  jobs_.post([this, path = std::move(path), width, height, rgba = std::move(rgba)] {
    const std::string error = write_png_now(path, width, height, rgba);
    report(error.empty() ? ExportMessage{"saved " + path, false} : ExportMessage{error, true});
  });
}

std::vector<ExportMessage> Exporter::take_messages() { return take_all(mutex_, messages_); }

}  // namespace limuon::gui
