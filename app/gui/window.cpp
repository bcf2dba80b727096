#include "cli/default_job.hpp"
#include "gui/window.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "gui/app.hpp"
#include "gui/demo_script.hpp"
#include "gui/exporter.hpp"
#include "gui/frame_pacer.hpp"
#include "gui/theme.hpp"

// [SECTION] setup: GLFW, OpenGL 3.2 core, Dear ImGui, fonts
// [SECTION] the loop: wait for events or data, rebuild fonts if asked, draw, read back pixels, swap
// [SECTION] shutdown

namespace limuon::gui {

namespace {

std::string glfw_error;
void on_glfw_error(int code, const char* description) { glfw_error = description ? description : "unknown"; }

// Pixels of a window rectangle from the back buffer, bottom row first; empty rect = the whole window.
std::vector<uint8_t> read_pixels(GLFWwindow* window, ImVec2 min, ImVec2 max, int& w, int& h) {
  int fb_w = 0, fb_h = 0, win_w = 0, win_h = 0;
  glfwGetFramebufferSize(window, &fb_w, &fb_h);
  glfwGetWindowSize(window, &win_w, &win_h);
  const float sx = win_w > 0 ? static_cast<float>(fb_w) / win_w : 1, sy = win_h > 0 ? static_cast<float>(fb_h) / win_h : 1;
  int x0 = 0, y0 = 0;
  w = fb_w;
  h = fb_h;
  if (max.x > min.x && max.y > min.y) {
    x0 = std::clamp(static_cast<int>(min.x * sx), 0, fb_w - 1);
    const int x1 = std::clamp(static_cast<int>(max.x * sx), x0 + 1, fb_w);
    const int top = std::clamp(static_cast<int>(min.y * sy), 0, fb_h - 1);
    const int bottom = std::clamp(static_cast<int>(max.y * sy), top + 1, fb_h);
    w = x1 - x0;
    h = bottom - top;
    y0 = fb_h - bottom;  // OpenGL counts rows from the bottom
  }
  std::vector<uint8_t> rgba(static_cast<size_t>(w) * h * 4);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(x0, y0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  return rgba;
}

// Set by GLFW's input callbacks (ImGui's backend chains to them): a frame is due at once.
std::atomic<bool> g_input_seen{true};
void on_cursor(GLFWwindow*, double, double) { g_input_seen = true; }
void on_button(GLFWwindow*, int, int, int) { g_input_seen = true; }
void on_scroll(GLFWwindow*, double, double) { g_input_seen = true; }
void on_key(GLFWwindow*, int, int, int, int) { g_input_seen = true; }
void on_char(GLFWwindow*, unsigned int) { g_input_seen = true; }
void on_window(GLFWwindow*, int, int) { g_input_seen = true; }
void on_focus(GLFWwindow*, int) { g_input_seen = true; }
void on_refresh(GLFWwindow*) { g_input_seen = true; }

void watch_input(GLFWwindow* window) {  // before ImGui's backend installs (and chains) its callbacks
  glfwSetCursorPosCallback(window, on_cursor);
  glfwSetMouseButtonCallback(window, on_button);
  glfwSetScrollCallback(window, on_scroll);
  glfwSetKeyCallback(window, on_key);
  glfwSetCharCallback(window, on_char);
  glfwSetWindowSizeCallback(window, on_window);
  glfwSetWindowFocusCallback(window, on_focus);
  glfwSetWindowRefreshCallback(window, on_refresh);
}

// Presenter mode changes the text size: the style and the fonts again at that size (the window's height
// chose it, so it is a real font size, not a zoomed bitmap), then the atlas goes to the GPU again.
void rebuild_fonts(App& app, float font_px) {
  const std::string message = apply_theme_and_fonts(font_px / kTextFontPx, app.presenter());
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  if (!ImGui_ImplOpenGL3_CreateFontsTexture()) app.post_message("the fonts could not be uploaded at " +
                                                                std::to_string(static_cast<int>(font_px)) + " px", true);
  if (!message.empty()) app.post_message(message, true);
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

bool display_present() {
  const char* x = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x && *x) || (wayland && *wayland);
}

int run_window(const WindowOptions& options, std::ostream& out, std::ostream& err) {
  // [SECTION] setup
  std::vector<DemoCommand> script;
  if (!options.demo.empty()) {
    try {
      script = load_demo_script(options.demo);
    } catch (const std::exception& e) {
      err << "limuon-lab: " << e.what() << "\n";
      return 2;
    }
  }
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    err << "limuon-lab: no window: " << (glfw_error.empty() ? "GLFW could not start" : glfw_error) << "\n";
    return kWindowUnavailable;
  }
  std::string settings_path, startup_message;
  AppSettings settings;
  settings.run = cli::default_experiment();
  const std::string dir = options.remember ? config_dir() : "";
  if (!dir.empty()) {
    settings_path = dir + "/app.json";
    settings = load_app_settings(settings_path, startup_message);
  }
  if (!options.db_path.empty()) settings.db_path = options.db_path;

  // OpenGL 3.2 core: the OpenGL3 backend then splits large draw lists (ImGui 1.86 has 16-bit indices).
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 2);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHintString(GLFW_X11_CLASS_NAME, "limuon-lab");  // matches StartupWMClass in the .desktop entry
  glfwWindowHintString(GLFW_X11_INSTANCE_NAME, "limuon-lab");
  GLFWwindow* window = glfwCreateWindow(settings.window_width, settings.window_height, "LiMuon Lab", nullptr, nullptr);
  if (!window) {
    err << "limuon-lab: no window: OpenGL 3.2 core is needed (" << glfw_error << ")\n";
    glfwTerminate();
    return kWindowUnavailable;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  set_window_icon(window);

  watch_input(window);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  const std::string ini_path = dir.empty() ? "" : dir + "/imgui.ini";
  io.IniFilename = ini_path.empty() ? nullptr : ini_path.c_str();
  const std::string font_message = apply_theme_and_fonts(1.0f);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 150");

  int exit_code = 0;
  {
    App app(settings, settings_path, startup_message);
    if (!font_message.empty()) app.post_message(font_message, true);
    DemoRunner demo(script, options.demo_out, options.demo_timeout_s);
    const bool scripted = !script.empty();

    // [SECTION] the loop
    FramePacer pacer;
    double last_frame_ms = 0;
    if (scripted) glfwSetCursorPos(window, 2, 2);  // screenshots without a stray tooltip
    while (!glfwWindowShouldClose(window)) {
      if (scripted && demo.suppresses_frames()) {  // the benchmark's headless reference: draw nothing
        glfwWaitEventsTimeout(0.05);
        if (!demo.step(app, 0)) break;
        continue;
      }
      if (double cx = 0, cy = 0; scripted && demo.take_cursor_request(cx, cy)) glfwSetCursorPos(window, cx, cy);
      // Sleep until a frame is due: at once after input, at most twice a second for new training data,
      // once a second while a run is active (its clock), else only when something happens.
      for (;;) {
        if (scripted && demo.wants_continuous_frames()) break;  // a command that counts frames
        const double wait_s = pacer.seconds_until_due(now_ms(), app.session().status().active);
        if (wait_s <= 0) break;
        glfwWaitEventsTimeout(std::min(wait_s, scripted ? 0.05 : 5.0));
        pacer.note_events(g_input_seen.exchange(false), app.take_data_pending());
        if (scripted && !demo.step(app, -1)) break;  // the script's clock ticks between frames too
      }
      if (scripted && demo.finished()) break;
      glfwPollEvents();
      pacer.note_events(g_input_seen.exchange(false), app.take_data_pending());
      pacer.frame_drawn(now_ms());
      const double started = now_ms();
      if (const float font_px = app.take_font_rebuild(); font_px > 0)
        rebuild_fonts(app, font_px);  // between frames: no draw list refers to the old atlas now
      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();
      const bool busy = app.frame();
      ImGui::Render();
      int fb_w = 0, fb_h = 0;
      glfwGetFramebufferSize(window, &fb_w, &fb_h);
      glViewport(0, 0, fb_w, fb_h);
      if (app.presenter()) glClearColor(0.015f, 0.015f, 0.02f, 1.0f);  // darker, for contrast on a projector
      else glClearColor(0.08f, 0.085f, 0.095f, 1.0f);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      for (const auto& request : app.take_pixel_requests()) {  // a plot saved as PNG: encoded on a worker
        int w = 0, h = 0;
        auto pixels = read_pixels(window, request.min, request.max, w, h);
        app.save_png(request.path, w, h, std::move(pixels));
      }
      for (const auto& path : demo.take_screenshot_requests()) {
        int w = 0, h = 0;
        auto pixels = read_pixels(window, {0, 0}, {0, 0}, w, h);
        const std::string error = write_png_now(path, w, h, pixels);
        if (!error.empty()) err << "limuon-lab: " << error << "\n";
        else out << "screenshot " << path << " (" << w << " x " << h << ")\n";
      }
      glfwSwapBuffers(window);
      last_frame_ms = now_ms() - started;
      if (const double period = scripted ? demo.frame_period_ms() : 0; period > last_frame_ms)
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(period - last_frame_ms));
      if (busy) pacer.note_events(true, false);
      if (scripted && !demo.step(app, last_frame_ms)) break;
    }
    if (scripted) {
      out << demo.report();
      if (demo.failed()) {
        err << "limuon-lab: " << demo.error() << "\n";
        exit_code = 1;
      }
    }
    int w = 0, h = 0;
    glfwGetWindowSize(window, &w, &h);
    if (w > 0 && h > 0) app.set_window_size(w, h);
    // [SECTION] shutdown: App's destructor stops the live run (it checkpoints and stores its end).
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}

}  // namespace limuon::gui
