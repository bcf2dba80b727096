// Batches: deterministic from (seed, index), train and validation text never overlap, clear errors.
#include "limuon/data/batches.hpp"

#include <filesystem>
#include <fstream>

namespace {

using limuon::data::Split;

std::string write_corpus(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()));
  std::ofstream(path) << text;
  return path.string();
}

// Byte i of a 250-byte corpus is i, so a byte's value is its position: the 90/10 split puts positions
// 0..224 in train and 225..249 in validation.
std::string write_positions_corpus() {
  std::string text(250, '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i);
  return write_corpus("positions", text);
}

TEST(TextBatches, TrainAndValidationComeFromDisjointParts) {
  const auto path = write_positions_corpus();
  const int64_t context = 8, batch = 16;
  auto source = limuon::data::make_text_source(path, batch, context, 1);
  struct Range {
    Split split;
    int64_t first, last;  // positions of the split's first and last byte
  };
  for (const Range r : {Range{Split::train, 0, 224}, Range{Split::validation, 225, 249}}) {
    std::vector<int64_t> seen(250, 0);
    for (int64_t k = 0; k < 200; ++k) {
      const auto b = source->batch(r.split, k);
      ASSERT_EQ(b.inputs.sizes(), (torch::IntArrayRef{batch, context}));
      // Every window is context + 1 consecutive positions (inputs, then the last target) inside its split.
      const torch::Tensor window = torch::cat({b.inputs, b.targets.narrow(1, context - 1, 1)}, 1);
      const torch::Tensor expected = window.narrow(1, 0, 1) + torch::arange(context + 1, torch::kLong);
      ASSERT_TRUE(torch::equal(window, expected)) << "batch " << k << ": a window is not one piece of the text";
      ASSERT_TRUE(torch::equal(b.targets, b.inputs + 1));
      EXPECT_GE(window.min().item<int64_t>(), r.first) << "batch " << k;
      EXPECT_LE(window.max().item<int64_t>(), r.last) << "batch " << k;
      for (int64_t i = 0; i < batch; ++i) ++seen[window[i][0].item<int64_t>()];
    }
    // 3200 windows over at most 217 possible starts: every start is drawn, the split's last byte included.
    for (int64_t start = r.first; start + context <= r.last; ++start)
      EXPECT_GT(seen[start], 0) << "window start " << start << " never drawn";
  }
  std::filesystem::remove(path);
}

TEST(TextBatches, ACorpusJustLongEnoughGivesItsOnlyWindow) {
  // 100 bytes: 90 train, 10 validation; context 9 leaves exactly one 10-byte validation window.
  std::string text(100, '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i);
  const auto path = write_corpus("exact", text);
  auto source = limuon::data::make_text_source(path, 4, 9, 3);
  const auto b = source->batch(Split::validation, 0);
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(b.inputs[i][0].item<int64_t>(), 90);
    EXPECT_EQ(b.targets[i][8].item<int64_t>(), 99);
  }
  std::filesystem::remove(path);
}

TEST(TextBatches, TargetsAreTheNextBytesAndBatchesAreReproducible) {
  auto source = limuon::data::make_text_source(limuon::data::moby_dick_path(), 4, 32, 7);
  const auto a = source->batch(Split::train, 5), b = source->batch(Split::train, 5), c = source->batch(Split::train, 6);
  EXPECT_EQ(a.inputs.sizes(), (torch::IntArrayRef{4, 32}));
  EXPECT_TRUE(torch::equal(a.inputs, b.inputs));
  EXPECT_FALSE(torch::equal(a.inputs, c.inputs));
  EXPECT_TRUE(torch::equal(a.inputs.narrow(1, 1, 31), a.targets.narrow(1, 0, 31)));
  EXPECT_NE(source->describe().find("validation bytes"), std::string::npos);
}

TEST(ImageBatches, MnistAndFashionMnistLoadWithLabels) {
  for (const std::string name : {"mnist", "fashion-mnist"}) {
    auto source = limuon::data::make_image_source(name, 32, 1);
    const auto batch = source->batch(Split::train, 0);
    EXPECT_EQ(batch.inputs.sizes(), (torch::IntArrayRef{32, 1, 28, 28})) << name;
    EXPECT_LE(batch.targets.max().item<int64_t>(), 9);
    EXPECT_GE(batch.inputs.min().item<float>(), 0.0f);
    EXPECT_LE(batch.inputs.max().item<float>(), 1.0f);
  }
}

TEST(Batches, MissingOrTooShortDataSaysWhatToDo) {
  try {
    limuon::data::make_text_source("/nonexistent/corpus.txt", 4, 8, 0);
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("scripts/setup.sh"), std::string::npos) << e.what();
  }
  const auto path = write_corpus("short", "tiny text");
  EXPECT_THROW(limuon::data::make_text_source(path, 4, 64, 0), std::runtime_error);
  std::filesystem::remove(path);
  EXPECT_THROW(limuon::data::make_image_source("cifar", 4, 0), std::invalid_argument);
}

}  // namespace
