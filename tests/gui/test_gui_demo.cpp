// The real window under Xvfb, driven by demo scripts. The smoke test starts a short run, waits for it,
// opens the spectra and saves screenshots: they must show the run (its colour, many colours, the
// window's size) and the run must be in the database with every step's loss. The bad-input tests give
// the window a damaged, newer, locked database, invalid settings and a diverging run: each must be
// reported in the window, the app must stay up and end normally, and the database must not change.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "gui/plot/colours.hpp"
#include "limuon/store/store.hpp"
#include "limuon/train/run_config.hpp"

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

struct DemoResult {
  int exit_code = -1;
  std::string output;
};

// Runs the app on `script` under Xvfb in `dir`, with its settings kept inside `dir`.
DemoResult run_demo(const fs::path& dir, const std::string& script, const std::string& db) {
  {
    std::ofstream out(dir / "test.demo");
    out << script;
  }
  const std::string command = "cd '" + dir.string() + "' && XDG_CONFIG_HOME='" + dir.string() + "/config' " +
                              "xvfb-run -a -s '-screen 0 1600x1000x24' '" + LIMUON_LAB_BINARY +
                              "' --demo test.demo --demo-timeout 120 --demo-out '" + dir.string() + "' --db '" + db +
                              "' > '" + dir.string() + "/out.txt' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream log(dir / "out.txt");
  DemoResult r;
  r.output.assign(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("limuon-gui-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(GuiSmoke, ScriptedRunLandsInTheDatabaseAndOnScreen) {
  const fs::path dir = fresh_dir("smoke");
  const std::string db = (dir / "runs.db").string();
  const auto [status, output] = run_demo(dir,
                                         "set steps 6\nset eval_every 2\nset spectrum_every 2\nset checkpoint_every 3\n"
                                         "start\nwait_done\ntab spectra\nwait_frames 4\nscreenshot spectra.png\n"
                                         "tab curves\nwait_frames 4\nscreenshot curves.png\nexport_plot 0\nquit\n",
                                         db);
  ASSERT_EQ(status, 0) << output;

  // The run is a run like any other: finished, every step's loss stored.
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u) << output;
  EXPECT_EQ(runs[0].status, "finished");
  EXPECT_EQ(store.series(runs[0].id, "train_loss").size(), 6u);
  EXPECT_EQ(store.series(runs[0].id, "val_loss").size(), 3u);
  EXPECT_FALSE(store.spectra(runs[0].id).empty());

  // The loss plot's exports: a PNG of the plot, and a CSV with exactly the stored points.
  std::vector<fs::path> pngs, csvs;
  for (const auto& e : fs::directory_iterator(db + ".exports"))
    (e.path().extension() == ".png" ? pngs : csvs).push_back(e.path());
  ASSERT_EQ(pngs.size(), 1u);
  ASSERT_EQ(csvs.size(), 1u);
  const Image plot = load_png(pngs[0].string());
  EXPECT_GT(plot.width, 400);
  EXPECT_LT(plot.width, 1600);  // the plot, not the window
  EXPECT_GT(pixels_near(plot, limuon::gui::plot::run_colour(static_cast<int>(runs[0].id))), 50u);
  std::ifstream csv(csvs[0]);
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "series,x_step,value,smoothed");
  std::map<std::string, std::vector<std::pair<double, double>>> rows;
  while (std::getline(csv, line)) {
    const size_t q = line.find("\",");
    std::istringstream rest(line.substr(q + 2));
    std::string x, v;
    std::getline(rest, x, ',');
    std::getline(rest, v, ',');
    rows[line.substr(line.find(' ') + 1, q - line.find(' ') - 1)].emplace_back(std::stod(x), std::stod(v));
  }
  for (const char* metric : {"train_loss", "val_loss"}) {
    const auto stored = store.series(runs[0].id, metric);
    ASSERT_EQ(rows[metric].size(), stored.size()) << metric;
    for (size_t i = 0; i < stored.size(); ++i) {
      EXPECT_EQ(rows[metric][i].first, static_cast<double>(stored[i].step)) << metric;
      EXPECT_EQ(rows[metric][i].second, stored[i].value) << metric << " step " << stored[i].step;  // shortest exact text
    }
  }

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

TEST(GuiSmoke, ARunLeftWhenTheWindowClosedResumesInTheNextSession) {
  const fs::path dir = fresh_dir("resume");
  const std::string db = (dir / "a new folder" / "runs.db").string();  // made by the first run
  // Quitting mid-run: the run checkpoints and is stored as stopped.
  auto first = run_demo(dir, "set steps 20\nset checkpoint_every 4\nset eval_every 5\nstart\nwait_steps 6\nquit\n", db);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  {
    limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
    ASSERT_EQ(store.runs().size(), 1u);
    EXPECT_EQ(store.runs()[0].status, "stopped");
    EXPECT_LT(store.series(store.runs()[0].id, "train_loss").size(), 20u);
  }
  // A new session resumes it from the runs table; it finishes with every step's loss, each once.
  auto second = run_demo(dir, "resume 1\nwait_done\nquit\n", db);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, "finished");
  const auto losses = store.series(runs[0].id, "train_loss");
  ASSERT_EQ(losses.size(), 20u);
  for (size_t i = 0; i < losses.size(); ++i) EXPECT_EQ(losses[i].step, static_cast<int64_t>(i + 1));
  fs::remove_all(dir);
}

TEST(GuiSmoke, AForkFromTheRunsBrowserBranchesAtTheStepAndBothRunsAreShown) {
  const fs::path dir = fresh_dir("fork");
  const std::string db = (dir / "runs.db").string();
  auto demo = run_demo(dir,
                       "set steps 12\nset checkpoint_every 4\nset eval_every 4\nset beta 0.5\nstart\nwait_done\n"
                       "fork 1 8 beta 0.9\nwait_done\nfilter fork of\nscreenshot fork.png\nquit\n",
                       db);
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto branch = store.run(2);
  ASSERT_TRUE(branch.has_value());
  EXPECT_EQ(branch->status, "finished") << branch->error;
  EXPECT_EQ(branch->parent_run_id, std::optional<int64_t>(1));
  EXPECT_EQ(branch->fork_step, std::optional<int64_t>(8));
  const auto parent_loss = store.series(1, "train_loss"), branch_loss = store.series(2, "train_loss");
  ASSERT_EQ(branch_loss.size(), 4u);  // steps 9..12
  EXPECT_EQ(branch_loss[0].value, parent_loss[8].value);  // step 9's loss is taken at the shared W_8
  // Both runs' colours are on screen: the branch live, its parent overlaid.
  const Image image = load_png((dir / "fork.png").string());
  for (int64_t id : {1, 2})
    EXPECT_GT(pixels_near(image, limuon::gui::plot::run_colour(static_cast<int>(id))), 100u) << "run " << id;
  fs::remove_all(dir);
}

// Four short runs, two at a time: LiMuon rank 1 and 4 with beta 0.1 and 0.5.
void write_sweep_file(const fs::path& path) {
  std::ofstream(path) << "[sweep]\nname = \"gui-sweep\"\njobs = 2\n[base]\nsteps = 12\nbatch_size = 8\n"
                         "eval_every = 4\nspectrum_every = 0\ncheckpoint_every = 4\npolar = \"lowrank\"\n"
                         "[grid]\nbeta = [0.1, 0.5]\nrank = [1, 4]\n";
}

TEST(GuiSmoke, ASweepRunsInTheWindowAndItsResultsAreDrawn) {
  const fs::path dir = fresh_dir("sweep");
  const std::string db = (dir / "runs.db").string();
  write_sweep_file(dir / "sweep.toml");
  auto demo = run_demo(dir,
                       "sweep " + (dir / "sweep.toml").string() +
                           "\nwait_queue\ntab sweep_results\nwait_frames 10\nwait_seconds 1\nwait_frames 5\nscreenshot results.png\nquit\n",
                       db);
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto sweep = store.find_sweep("gui-sweep");
  ASSERT_TRUE(sweep.has_value());
  const auto runs = store.runs(*sweep);
  ASSERT_EQ(runs.size(), 4u);
  for (const auto& r : runs) {
    EXPECT_EQ(r.status, "finished") << r.name << " " << r.error;
    EXPECT_EQ(store.series(r.id, "train_loss").size(), 12u) << r.name;
  }
  // The heatmap's best cell takes the bright end of the colour map: a filled cell of it is on screen.
  const Image image = load_png((dir / "results.png").string());
  EXPECT_GT(pixels_near(image, limuon::gui::plot::heat_colour(1.0)), 400u);
  fs::remove_all(dir);
}

TEST(GuiSmoke, ASweepLeftWhenTheWindowClosedResumesWithoutRepeatingARun) {
  const fs::path dir = fresh_dir("sweep-resume");
  const std::string db = (dir / "runs.db").string();
  write_sweep_file(dir / "sweep.toml");
  const std::string start = "sweep " + (dir / "sweep.toml").string() + "\n";
  // Closed as soon as the sweep started: the two running runs stop (or end), the two queued never start.
  auto first = run_demo(dir, start + "quit\n", db);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  {
    limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
    int finished = 0;
    for (const auto& r : store.runs()) finished += r.status == "finished";
    EXPECT_LE(finished, 2) << "the sweep was meant to be cut short";
  }
  auto second = run_demo(dir, start + "wait_queue\nquit\n", db);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 4u) << "no run created twice";
  for (const auto& r : runs) {
    EXPECT_EQ(r.status, "finished") << r.name << " " << r.error;
    const auto losses = store.series(r.id, "train_loss");
    ASSERT_EQ(losses.size(), 12u) << r.name;
    for (size_t i = 0; i < losses.size(); ++i) EXPECT_EQ(losses[i].step, static_cast<int64_t>(i + 1));
  }
  fs::remove_all(dir);
}

TEST(GuiSmoke, ALessonPlaysItsPresetsSideBySideInPresenterMode) {
  const fs::path dir = fresh_dir("lesson");
  const std::string db = (dir / "runs.db").string();
  auto demo = run_demo(dir, "tab lesson\nlesson storm_beta\npresenter on\nplay\nwait_queue_steps 10\nwait_frames 3\n"
                            "screenshot lesson.png\nstop\nquit\n", db);
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  // The lesson's three presets (beta 0.05, 0.6, 0.9) ran as runs of the database, side by side.
  limuon::store::Store store(db, limuon::store::Store::Mode::read_only);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 3u);
  std::set<double> betas;
  for (const auto& r : runs) {
    betas.insert(limuon::train::RunConfig::from_stored_json(r.config_json).beta);
    EXPECT_GT(store.series(r.id, "train_loss").size(), 0u) << r.name;
  }
  EXPECT_EQ(betas, (std::set<double>{0.05, 0.6, 0.9}));
  // Each run's colour is on screen, in lines thick enough for a classroom.
  const Image image = load_png((dir / "lesson.png").string());
  for (const auto& r : runs)
    EXPECT_GT(pixels_near(image, limuon::gui::plot::run_colour(static_cast<int>(r.id))), 200u) << r.name;
  fs::remove_all(dir);
}

// A script that expects the window to report `message`, and the app to end normally after it.
void expect_reported(const fs::path& dir, const std::string& db, const std::string& script, const std::string& message) {
  const auto [status, output] = run_demo(dir, script + "expect_message " + message + "\nscreenshot shown.png\nquit\n", db);
  EXPECT_EQ(status, 0) << output;
  EXPECT_TRUE(fs::exists(dir / "shown.png")) << output;
}

TEST(GuiBadInput, DamagedDatabaseIsReportedAndLeftAsItWas) {
  const fs::path dir = fresh_dir("damaged");
  const fs::path db = dir / "damaged.db";
  std::ofstream(db) << "these bytes are not a database";
  // The runs table says it, and so does the start: "the run could not go on: ..." comes only from the run.
  expect_reported(dir, db.string(), "start\nwait_done\nexpect_message the run could not go on: database\n",
                  "file is not a database");
  EXPECT_EQ(file_bytes(db), "these bytes are not a database");
  fs::remove_all(dir);
}

TEST(GuiBadInput, NewerDatabaseIsReportedAndLeftAsItWas) {
  const fs::path dir = fresh_dir("newer");
  const fs::path db = dir / "newer.db";
  { limuon::store::Store created(db.string()); }
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(handle, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(handle);
  const std::string before = file_bytes(db);
  expect_reported(dir, db.string(), "start\nwait_done\nexpect_message the run could not go on: database\n",
                  "written by a newer LiMuon Lab");
  EXPECT_EQ(file_bytes(db), before);
  fs::remove_all(dir);
}

TEST(GuiBadInput, LockedDatabaseIsReportedAndNothingIsLost) {
  const fs::path dir = fresh_dir("locked");
  const fs::path db = dir / "locked.db";
  { limuon::store::Store created(db.string()); }
  sqlite3* holder = nullptr;  // another process writing: it holds the write lock all along
  ASSERT_EQ(sqlite3_open(db.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  expect_reported(dir, db.string(), "start\nwait_done\n", "another process is writing it");
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  limuon::store::Store store(db.string(), limuon::store::Store::Mode::read_only);
  EXPECT_TRUE(store.runs().empty());
  fs::remove_all(dir);
}

TEST(GuiBadInput, InvalidSettingsKeepStartShut) {
  const fs::path dir = fresh_dir("invalid");
  const fs::path db = dir / "runs.db";
  // rank 100 parses, but gpt:classroom's matrices are 80 wide: the engine's own check refuses it.
  expect_reported(dir, db.string(), "set rank 100\nstart\n", "cannot start");
  const auto [status, output] = run_demo(dir, "set rank 100\nstart\nexpect_message exceeds min(m, n)\nquit\n", db.string());
  EXPECT_EQ(status, 0) << output;
  EXPECT_FALSE(fs::exists(db)) << "nothing may be written for a run that did not start";
  fs::remove_all(dir);
}

TEST(GuiBadInput, DivergingRunIsReportedAndStoredAsDiverged) {
  const fs::path dir = fresh_dir("diverging");
  const fs::path db = dir / "runs.db";
  expect_reported(dir, db.string(), "set optimizer adamw\nset adamw_lr 5\nset steps 200\nstart\nwait_done\n",
                  "diverged");
  limuon::store::Store store(db.string(), limuon::store::Store::Mode::read_only);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, "diverged");
  EXPECT_TRUE(runs[0].diverged_step.has_value());
  fs::remove_all(dir);
}

DemoResult run_command(const std::string& command) {
  const std::string out = fs::temp_directory_path() / ("limuon-gui-cmd-" + std::to_string(::getpid()) + ".txt");
  const int status = std::system((command + " > '" + out + "' 2>&1").c_str());
  std::ifstream log(out);
  DemoResult r;
  r.output.assign(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  fs::remove(out);
  return r;
}

TEST(GuiBadInput, NoDisplayIsSaidInOneLine) {
  // A demo needs the window, so there is nothing to fall back to: the message and exit code 1.
  const auto [status, output] =
      run_command(std::string("env -u DISPLAY -u WAYLAND_DISPLAY '") + LIMUON_LAB_BINARY + "' --no-remember --demo default");
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("no display (DISPLAY and WAYLAND_DISPLAY are not set)"), std::string::npos) << output;
}

TEST(GuiBadInput, OpenGlBelow32IsSaid) {
  // Mesa can pretend to offer only OpenGL 3.1: the window must say what it needs instead of crashing.
  const auto [status, output] = run_command(std::string("MESA_GL_VERSION_OVERRIDE=3.1 xvfb-run -a '") +
                                            LIMUON_LAB_BINARY + "' --no-remember --demo default");
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("no window: OpenGL 3.2 core is needed"), std::string::npos) << output;
}

}  // namespace
