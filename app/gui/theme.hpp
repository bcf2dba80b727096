// How the window looks: a dark theme with our accent colours, the fonts from assets/fonts (Inter for
// text, DejaVu Sans Mono for numbers), and the window icon. Files are looked for next to an installed
// binary (../share/limuon-lab) first, then in the source tree.
#pragma once

#include <string>

struct GLFWwindow;
struct ImFont;

namespace limuon::gui {

// The text font's size at scale 1, in pixels.
constexpr float kTextFontPx = 15.0f;

// The style and the fonts from scratch at `scale` (text of kTextFontPx * scale px); `presenter`: high
// contrast for a projector (white text, darker background, brighter borders). Between frames only: after
// a first call the caller re-uploads the font texture (window.cpp). Returns a message when a font was
// missing (ImGui's built-in font is used then), else empty.
std::string apply_theme_and_fonts(float scale, bool presenter = false);
void set_window_icon(GLFWwindow* window);
// Inter SemiBold for titles (plot titles, the app's name); the text font when it is missing.
ImFont* title_font();
// The first existing of <exe>/../share/limuon-lab/<relative> and <source>/assets/<relative>; empty if none.
std::string find_asset(const std::string& relative);

}  // namespace limuon::gui
