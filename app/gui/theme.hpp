// How the window looks: a dark theme with our accent colours, the fonts from assets/fonts (Inter for
// text, DejaVu Sans Mono for numbers), and the window icon. Files are looked for next to an installed
// binary (../share/limuon-lab) first, then in the source tree.
#pragma once

#include <string>

struct GLFWwindow;
struct ImFont;

namespace limuon::gui {

// Returns a message when a font was missing (ImGui's built-in font is used then), else empty.
std::string apply_theme_and_fonts(float scale);
void set_window_icon(GLFWwindow* window);
// Inter SemiBold for titles (plot titles, the app's name); the text font when it is missing.
ImFont* title_font();
// The first existing of <exe>/../share/limuon-lab/<relative> and <source>/assets/<relative>; empty if none.
std::string find_asset(const std::string& relative);

}  // namespace limuon::gui
