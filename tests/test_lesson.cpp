// Classroom lessons: every shipped lesson loads and stays within a class's time; a good lesson parses into
// exact values; a bad one names the line and the key, so a teacher can fix the file.
#include "limuon/train/lesson.hpp"
#include "support/scratch_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

namespace {

using limuon::train::ConfigError;
using limuon::train::Lesson;

// A valid lesson, one entry per line, so a case can say "line 7" and mean it.
std::vector<std::string> good_lines() {
  return {
      "[lesson]",                        // 1
      "title = \"T\"",                   // 2
      "x = \"step\"",                    // 3
      "views = [\"train_loss\"]",        // 4
      "controls = [\"play\", \"beta\"]",  // 5
      "[base]",                          // 6
      "steps = 3",                       // 7
      "[[preset]]",                      // 8
      "name = \"a\"",                    // 9
      "optimizer = \"limuon\"",          // 10
  };
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

// The good lesson with some lines replaced (1-based) and some appended.
std::string with(const std::map<size_t, std::string>& replaced, const std::vector<std::string>& appended = {}) {
  auto lines = good_lines();
  for (const auto& [number, text] : replaced) lines.at(number - 1) = text;
  lines.insert(lines.end(), appended.begin(), appended.end());
  return joined(lines);
}

std::optional<std::string> error_of(const std::string& text) {
  try {
    limuon::train::parse_lesson(text, "lessons/bad.toml");
  } catch (const ConfigError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

TEST(Lesson, TheGoodTemplateParses) {  // else every bad case below would fail for the wrong reason
  const Lesson lesson = limuon::train::parse_lesson(with({}), "lessons/good.toml");
  EXPECT_EQ(lesson.title, "T");
  ASSERT_EQ(lesson.presets.size(), 1u);
  EXPECT_EQ(lesson.presets[0].config.steps, 3);
}

TEST(Lesson, ParsesIntoExactValues) {
  const std::string text = R"([lesson]
title = "Two optimizers"
summary = "One line."
explanation = """
First paragraph,
wrapped.

- a bullet
"""
x = "grad_evals"
views = ["val_loss", "spectrum_update"]
controls = ["reset", "lr", "x_axis"]
speed = 2.5

[base]
lr = 0.01
grad_evals = 40
spectrum_every = 5

[[preset]]
name = "light"
explanation = "Rank 4."
rank = 4
polar = "lowrank"
beta = 0.3

[[preset]]
name = "plain"
optimizer = "adamw"
adamw_lr = 0.002
)";
  const Lesson lesson = limuon::train::parse_lesson(text, "inline");
  EXPECT_EQ(lesson.title, "Two optimizers");
  EXPECT_EQ(lesson.summary, "One line.");
  EXPECT_EQ(lesson.explanation, "First paragraph,\nwrapped.\n\n- a bullet\n");
  EXPECT_EQ(lesson.x_unit, "grad_evals");
  EXPECT_EQ(lesson.views, (std::vector<std::string>{"val_loss", "spectrum_update"}));
  EXPECT_EQ(lesson.controls, (std::vector<std::string>{"reset", "lr", "x_axis"}));
  EXPECT_DOUBLE_EQ(lesson.speed, 2.5);
  EXPECT_EQ(lesson.source, "inline");
  EXPECT_DOUBLE_EQ(lesson.base.lr, 0.01);
  EXPECT_EQ(lesson.base.grad_evals, 40);
  ASSERT_EQ(lesson.presets.size(), 2u);

  const auto& light = lesson.presets[0];
  EXPECT_EQ(light.name, "light");
  EXPECT_EQ(light.config.name, "light");
  EXPECT_EQ(light.explanation, "Rank 4.");
  EXPECT_EQ(light.config.optimizer, "limuon");
  EXPECT_EQ(light.config.rank, 4);
  EXPECT_EQ(light.config.polar, "lowrank");
  EXPECT_DOUBLE_EQ(light.config.beta, 0.3);
  EXPECT_DOUBLE_EQ(light.config.lr, 0.01);  // from [base]
  EXPECT_EQ(light.config.total_steps(), 20);  // two gradients a step

  const auto& plain = lesson.presets[1];
  EXPECT_EQ(plain.config.name, "plain");
  EXPECT_EQ(plain.explanation, "");
  EXPECT_EQ(plain.config.optimizer, "adamw");
  EXPECT_DOUBLE_EQ(plain.config.adamw_lr, 0.002);
  // AdamW does not read [base]'s lr: it goes back to the default instead of failing the preset.
  EXPECT_DOUBLE_EQ(plain.config.lr, limuon::train::RunConfig{}.lr);
  EXPECT_EQ(plain.config.total_steps(), 40);
  EXPECT_EQ(plain.config.spectrum_every, 5);
}

TEST(Lesson, LeftOutKeysTakeTheirDefaults) {
  const Lesson lesson = limuon::train::parse_lesson("[lesson]\ntitle = \"T\"\n[[preset]]\nname = \"p\"\n", "x");
  EXPECT_EQ(lesson.x_unit, "step");
  EXPECT_EQ(lesson.views, (std::vector<std::string>{"train_loss", "val_loss"}));
  EXPECT_EQ(lesson.controls, (std::vector<std::string>{"play", "pause", "step", "reset", "speed"}));
  EXPECT_EQ(lesson.speed, 0.0);
  EXPECT_EQ(lesson.presets.at(0).config.steps, limuon::train::RunConfig{}.steps);
}

struct BadCase {
  std::string text;
  std::vector<std::string> fragments;  // each must be in the message
};

TEST(Lesson, BadFilesNameTheLineAndTheKey) {
  std::vector<std::string> seven_presets;
  for (const char* name : {"b", "c", "d", "e", "f", "g"}) {  // presets 2 to 7 start at lines 11, 13, ..., 21
    seven_presets.push_back("[[preset]]");
    seven_presets.push_back(std::string("name = \"") + name + "\"");
  }
  const std::vector<BadCase> cases = {
      {with({{3, "titel = \"x\""}}), {"line 3", "unknown key 'titel' in [lesson]"}},
      {with({{2, "title = 3"}}), {"line 2", "title must be text"}},
      {with({{2, "summary = \"no title\""}}), {"line 1", "[lesson] needs a title"}},
      {with({{2, "title = \"unterminated"}}), {"line 2"}},
      {with({{3, "x = \"epoch\""}}), {"line 3", "x = 'epoch' is not an x axis", "wall_time"}},
      {with({{4, "views = [\"train_loss\", \"trian_loss\"]"}}), {"line 4", "views: 'trian_loss' is not a view"}},
      {with({{4, "views = \"train_loss\""}}), {"line 4", "views must be a list"}},
      {with({{4, "views = []"}}), {"line 4", "views needs at least one view"}},
      {with({{4, "views = [\"energy_fraction\"]"}}),
       {"line 4", "'energy_fraction' needs a limuon preset with rank > 0"}},
      {with({{4, "views = [\"spectrum_update\"]"}, {7, "spectrum_every = 0"}}),
       {"line 4", "'spectrum_update' needs a preset with spectrum_every > 0"}},
      {with({{4, "speed = -1"}}), {"line 4", "speed = -1 must be"}},
      {with({{4, "summary = \"\"\"two\nlines\"\"\""}}), {"line 4", "summary must be one line"}},
      {with({{5, "controls = [\"play\", \"rnak\"]"}}), {"line 5", "controls: 'rnak' is not a control"}},
      {with({{5, "controls = [\"play\", \"play\"]"}}), {"line 5", "controls: 'play' is listed twice"}},
      {with({{10, "optimizer = \"adamw\""}}), {"line 5", "controls: 'beta' is read by limuon", "no preset"}},
      {with({{6, "[grid]"}}), {"line 6", "unknown section 'grid'"}},
      {with({{7, "steps = 0"}}), {"line 7", "[base]: steps = 0 must be >= 1"}},
      {with({{7, "name = \"x\""}}), {"line 7", "[base] name"}},
      {with({{8, "[preset]"}}), {"line 8", "[[preset]] (two brackets)"}},
      {with({{9, "seed = 1"}}), {"line 8", "[[preset]] number 1 needs a name"}},
      {with({{10, "rnak = 8"}}), {"line 10", "preset 'a': unknown key 'rnak'"}},
      {with({{10, "rank = -1"}}), {"line 10", "preset 'a': rank = -1 must be >= 0"}},
      {with({{10, "beta = 1"}}), {"line 10", "preset 'a': beta = 1 must be in [0, 1)"}},
      {with({{10, "rank = 81"}}), {"line 8", "preset 'a': rank = 81 exceeds min(m, n) = 80", "gpt:classroom"}},
      {with({}, {"[[preset]]", "name = \"b\"", "optimizer = \"adamw\"", "beta = 0.5"}),
       {"line 14", "preset 'b': optimizer = adamw does not read beta (read by limuon)"}},
      {with({}, {"[[preset]]", "name = \"a\""}), {"line 12", "preset name 'a' is used twice (first at line 9)"}},
      {with({}, seven_presets), {"line 21", "[[preset]] number 7", "at most 6 presets"}},
      {joined({"[lesson]", "title = \"T\"", "[base]", "steps = 3"}), {"no [[preset]]"}},
      {joined({"[[preset]]", "name = \"a\""}), {"no [lesson]"}},
  };
  for (const auto& c : cases) {
    const auto message = error_of(c.text);
    ASSERT_TRUE(message.has_value()) << "accepted:\n" << c.text;
    EXPECT_EQ(message->rfind("lessons/bad.toml", 0), 0u) << *message;
    for (const auto& fragment : c.fragments)
      EXPECT_NE(message->find(fragment), std::string::npos) << "'" << fragment << "' not in: " << *message;
  }
}

TEST(Lesson, ParagraphsSplitAtBlankLinesAndBullets) {
  const auto paragraphs =
      limuon::train::lesson_paragraphs("\nOne\n  wrapped line.\n\n\nTwo.\n- bullet one\n  goes on\n- two\n");
  EXPECT_EQ(paragraphs, (std::vector<std::string>{"One wrapped line.", "Two.", "- bullet one goes on", "- two"}));
  EXPECT_TRUE(limuon::train::lesson_paragraphs(" \n\n").empty());
}

class LessonFiles : public limuon::testing::ScratchDirTest {
 protected:
  LessonFiles() : ScratchDirTest("lessons") {}
  void write(const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; }
};

TEST_F(LessonFiles, ListsTomlFilesSortedAndLoadsThem) {
  write("b.toml", with({}));
  write("a.toml", with({{10, "rank = -1"}}));
  write("notes.md", "not a lesson");
  const auto files = limuon::train::lesson_files(dir.string());
  EXPECT_EQ(files, (std::vector<std::string>{file("a.toml"), file("b.toml")}));
  EXPECT_EQ(limuon::train::load_lesson(file("b.toml")).source, file("b.toml"));
  try {
    limuon::train::load_lesson(file("a.toml"));
    ADD_FAILURE() << "accepted rank = -1";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(file("a.toml") + " line 10: preset 'a': rank = -1"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(limuon::train::load_lesson(file("missing.toml")), ConfigError);
  EXPECT_TRUE(limuon::train::lesson_files(file("no-such-folder")).empty());
}

TEST_F(LessonFiles, LessonsDirFollowsTheEnvironmentThenTheSourceTree) {
  const char* previous = std::getenv("LIMUON_LESSONS_DIR");
  const std::string saved = previous ? previous : "";
  setenv("LIMUON_LESSONS_DIR", dir.c_str(), 1);
  EXPECT_EQ(limuon::train::lessons_dir(), dir.string());
  unsetenv("LIMUON_LESSONS_DIR");
  EXPECT_EQ(limuon::train::lessons_dir(), LIMUON_SOURCE_DIR "/assets/lessons");  // a build tree, not installed
  if (previous) setenv("LIMUON_LESSONS_DIR", saved.c_str(), 1);
}

// A lesson's runs must finish within about a minute on a class's two cores. Measured with --threads 1 on
// the 2-core EPYC: a lesson's 600 gradient evaluations at batch 16 on gpt:classroom took 64 to 91 s of one
// core, so under a minute with both cores busy. More than that is too long for a class.
constexpr int64_t kLessonSampleGradients = 600 * 16;

TEST(ShippedLessons, EveryLessonLoadsAndFitsAClass) {
  const auto files = limuon::train::lesson_files(LIMUON_SOURCE_DIR "/assets/lessons");
  EXPECT_EQ(files.size(), 4u);
  for (const auto& path : files) {
    SCOPED_TRACE(path);
    Lesson lesson;
    ASSERT_NO_THROW(lesson = limuon::train::load_lesson(path));
    EXPECT_FALSE(lesson.summary.empty());
    EXPECT_GE(limuon::train::lesson_paragraphs(lesson.explanation).size(), 3u);
    int64_t sample_gradients = 0;
    for (const auto& preset : lesson.presets) {
      SCOPED_TRACE(preset.name);
      EXPECT_NO_THROW(preset.config.validate());
      EXPECT_EQ(preset.config.name, preset.name);
      EXPECT_FALSE(preset.explanation.empty());
      EXPECT_NE(preset.config.model.find(":classroom"), std::string::npos);
      sample_gradients += preset.config.total_steps() * preset.config.grad_evals_per_step() * preset.config.batch_size;
    }
    EXPECT_LE(sample_gradients, kLessonSampleGradients);
  }
}

TEST(ShippedLessons, TheTeachersExampleParses) {  // assets/lessons/README.md must not teach a broken file
  std::ifstream in(LIMUON_SOURCE_DIR "/assets/lessons/README.md");
  const std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t begin = readme.find("```toml\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = readme.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  const Lesson lesson = limuon::train::parse_lesson(readme.substr(begin + 8, end - begin - 8), "README.md");
  EXPECT_EQ(lesson.presets.size(), 2u);
  EXPECT_EQ(limuon::train::lesson_paragraphs(lesson.explanation).size(), 4u);
}

TEST(ShippedLessons, EqualCostGivesEveryRunTheSameGradients) {
  const Lesson lesson = limuon::train::load_lesson(LIMUON_SOURCE_DIR "/assets/lessons/equal_cost.toml");
  EXPECT_EQ(lesson.x_unit, "grad_evals");
  ASSERT_EQ(lesson.presets.size(), 3u);
  for (const auto& preset : lesson.presets)
    EXPECT_EQ(preset.config.total_steps() * preset.config.grad_evals_per_step(), 200) << preset.name;
}

}  // namespace
