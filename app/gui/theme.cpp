#include "gui/theme.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <stb_image.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

namespace limuon::gui {

namespace fs = std::filesystem;

namespace {
ImFont* g_title_font = nullptr;
}  // namespace

ImFont* title_font() { return g_title_font ? g_title_font : ImGui::GetFont(); }

std::string find_asset(const std::string& relative) {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> places;
  if (!ec) places.push_back(exe.parent_path().parent_path() / "share" / "limuon-lab" / relative);
  places.push_back(fs::path(LIMUON_SOURCE_DIR) / "assets" / relative);
  for (const auto& p : places)
    if (fs::exists(p, ec)) return p.string();
  return "";
}

namespace {

// Presenter mode: a projector washes out grey text and faint borders, so text goes white and every
// outline brighter. Backgrounds stay unfilled (each filled pixel costs a software renderer CPU time); the
// window loop clears to a darker colour instead.
void high_contrast(ImVec4* c) {
  c[ImGuiCol_Text] = {1, 1, 1, 1};
  c[ImGuiCol_TextDisabled] = {0.78f, 0.80f, 0.84f, 1};
  c[ImGuiCol_PopupBg] = {0.04f, 0.04f, 0.05f, 1};
  c[ImGuiCol_Border] = {0.55f, 0.58f, 0.64f, 1};
  c[ImGuiCol_FrameBg] = {0.10f, 0.11f, 0.13f, 1};
  c[ImGuiCol_FrameBgHovered] = {0.18f, 0.22f, 0.30f, 1};
  c[ImGuiCol_Button] = {0.16f, 0.40f, 0.80f, 1};
  c[ImGuiCol_ButtonHovered] = {0.24f, 0.50f, 0.92f, 1};
  c[ImGuiCol_TabActive] = {0.16f, 0.40f, 0.80f, 1};
  c[ImGuiCol_CheckMark] = {0.70f, 0.88f, 1.0f, 1};
  c[ImGuiCol_SliderGrab] = {0.60f, 0.80f, 1.0f, 1};
  c[ImGuiCol_Separator] = {0.55f, 0.58f, 0.64f, 1};
}

}  // namespace

std::string apply_theme_and_fonts(float scale, bool presenter) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();  // from scratch: ScaleAllSizes multiplies, and a rebuild must not compound it
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 4;
  style.ChildRounding = 4;
  style.FrameRounding = 3;
  style.GrabRounding = 3;
  style.TabRounding = 3;
  style.FramePadding = {7, 4};
  style.ItemSpacing = {8, 5};
  style.ScrollbarSize = 12;
  ImVec4* c = style.Colors;
  c[ImGuiCol_WindowBg] = {0.10f, 0.105f, 0.12f, 0};
  c[ImGuiCol_ChildBg] = {0.085f, 0.09f, 0.10f, 0};
  c[ImGuiCol_PopupBg] = {0.12f, 0.125f, 0.14f, 0.98f};
  c[ImGuiCol_Border] = {0.22f, 0.23f, 0.26f, 1};
  c[ImGuiCol_FrameBg] = {0.16f, 0.17f, 0.19f, 1};
  c[ImGuiCol_FrameBgHovered] = {0.22f, 0.24f, 0.28f, 1};
  c[ImGuiCol_FrameBgActive] = {0.25f, 0.28f, 0.33f, 1};
  c[ImGuiCol_Header] = {0.18f, 0.20f, 0.24f, 1};
  c[ImGuiCol_HeaderHovered] = {0.24f, 0.28f, 0.34f, 1};
  c[ImGuiCol_HeaderActive] = {0.28f, 0.33f, 0.40f, 1};
  c[ImGuiCol_Button] = {0.20f, 0.36f, 0.60f, 1};
  c[ImGuiCol_ButtonHovered] = {0.26f, 0.44f, 0.72f, 1};
  c[ImGuiCol_ButtonActive] = {0.18f, 0.32f, 0.55f, 1};
  c[ImGuiCol_Tab] = {0.14f, 0.15f, 0.17f, 1};
  c[ImGuiCol_TabHovered] = {0.26f, 0.44f, 0.72f, 1};
  c[ImGuiCol_TabActive] = {0.20f, 0.36f, 0.60f, 1};
  c[ImGuiCol_TableHeaderBg] = {0.14f, 0.15f, 0.17f, 1};
  c[ImGuiCol_TableRowBgAlt] = {1, 1, 1, 0.025f};
  c[ImGuiCol_CheckMark] = {0.55f, 0.75f, 1.0f, 1};
  c[ImGuiCol_SliderGrab] = {0.40f, 0.60f, 0.95f, 1};
  if (presenter) high_contrast(c);
  style.ScaleAllSizes(scale);

  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const std::string text_font = find_asset("fonts/Inter-Regular.otf");
  if (text_font.empty() || !io.Fonts->AddFontFromFileTTF(text_font.c_str(), kTextFontPx * scale)) {
    g_title_font = nullptr;
    ImFontConfig builtin;
    builtin.SizePixels = 13.0f * scale;  // ProggyClean's own size, scaled like the rest
    io.Fonts->AddFontDefault(&builtin);
    return "the font assets/fonts/Inter-Regular.otf was not found: using ImGui's built-in font";
  }
  // Glyphs Inter lacks (the nabla of gradients, among others) come from DejaVu Sans Mono.
  const std::string fallback = find_asset("fonts/DejaVuSansMono.ttf");
  if (!fallback.empty()) {
    ImFontConfig merge;
    merge.MergeMode = true;
    static const ImWchar extra[] = {0x0370, 0x03FF, 0x2000, 0x22FF, 0};
    io.Fonts->AddFontFromFileTTF(fallback.c_str(), (kTextFontPx - 1) * scale, &merge, extra);
  }
  const std::string bold = find_asset("fonts/Inter-SemiBold.otf");
  g_title_font = bold.empty() ? nullptr : io.Fonts->AddFontFromFileTTF(bold.c_str(), kTextFontPx * scale);
  return "";
}

void set_window_icon(GLFWwindow* window) {
  std::string path = find_asset("../icons/hicolor/64x64/apps/limuon-lab.png");  // installed
  if (path.empty()) path = find_asset("icons/limuon-lab-64.png");                // the source tree
  if (path.empty()) return;  // the window manager's default icon is fine
  int w = 0, h = 0, channels = 0;
  unsigned char* pixels = stbi_load(path.c_str(), &w, &h, &channels, 4);
  if (!pixels) return;
  GLFWimage image{w, h, pixels};
  glfwSetWindowIcon(window, 1, &image);
  stbi_image_free(pixels);
}

}  // namespace limuon::gui
