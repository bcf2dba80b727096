// The real window under Xvfb: a scripted demo starts a short run, waits for it, opens the spectra and
// saves screenshots. The screenshots must show the run (its colour inside the window, many colours,
// the window's size) and the run must be in the database with every step's loss.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "gui/plot/colours.hpp"
#include "limuon/store/store.hpp"

namespace {

namespace fs = std::filesystem;

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
};

Image load_png(const std::string& path) {
  Image image;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &image.width, &image.height, &channels, 3);
  if (!data) return image;
  image.rgb.assign(data, data + static_cast<size_t>(image.width) * image.height * 3);
  stbi_image_free(data);
  return image;
}

size_t distinct_colours(const Image& image) {
  std::set<uint32_t> seen;
  for (size_t i = 0; i + 2 < image.rgb.size(); i += 3)
    seen.insert(image.rgb[i] | image.rgb[i + 1] << 8 | image.rgb[i + 2] << 16);
  return seen.size();
}

// Pixels within a small distance of `colour`: anti-aliasing blends a line's edges, not its core.
size_t pixels_near(const Image& image, limuon::gui::plot::Rgb colour) {
  size_t count = 0;
  for (size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
    const double dr = image.rgb[i] - colour.r * 255, dg = image.rgb[i + 1] - colour.g * 255,
                 db = image.rgb[i + 2] - colour.b * 255;
    if (std::sqrt(dr * dr + dg * dg + db * db) < 12) ++count;
  }
  return count;
}

TEST(GuiSmoke, ScriptedRunLandsInTheDatabaseAndOnScreen) {
  const fs::path dir = fs::temp_directory_path() / ("limuon-gui-smoke-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream script(dir / "smoke.demo");
    script << "set steps 6\nset eval_every 2\nset spectrum_every 2\nset checkpoint_every 3\n"
              "start\nwait_done\ntab spectra\nwait_frames 4\nscreenshot spectra.png\n"
              "tab curves\nwait_frames 4\nscreenshot curves.png\nquit\n";
  }
  const std::string db = (dir / "runs.db").string();
  const std::string command = "cd '" + dir.string() + "' && XDG_CONFIG_HOME='" + dir.string() + "/config' " +
                              "xvfb-run -a -s '-screen 0 1600x1000x24' '" + LIMUON_LAB_BINARY +
                              "' --demo smoke.demo --demo-out '" + dir.string() + "' --db '" + db +
                              "' > '" + dir.string() + "/out.txt' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream log(dir / "out.txt");
  const std::string output((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;

  // The run is a run like any other: finished, every step's loss stored.
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u) << output;
  EXPECT_EQ(runs[0].status, "finished");
  EXPECT_EQ(store.series(runs[0].id, "train_loss").size(), 6u);
  EXPECT_EQ(store.series(runs[0].id, "val_loss").size(), 3u);
  EXPECT_FALSE(store.spectra(runs[0].id).empty());

  for (const char* name : {"curves.png", "spectra.png"}) {
    const Image image = load_png((dir / name).string());
    ASSERT_EQ(image.width, 1600) << name << "\n" << output;
    EXPECT_EQ(image.height, 1000) << name;
    EXPECT_GT(distinct_colours(image), 300u) << name << " looks blank";
    // Run 1's colour is drawn: its curves (and its legend entry) are on screen.
    EXPECT_GT(pixels_near(image, limuon::gui::plot::run_colour(static_cast<int>(runs[0].id))), 150u) << name;
  }
  fs::remove_all(dir);
}

}  // namespace
