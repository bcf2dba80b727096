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

TEST(TextBatches, TrainAndValidationComeFromDisjointParts) {
  // 900 'a' then 100 'b': the 90/10 split puts every 'a' in train and every 'b' in validation.
  const auto path = write_corpus("ab", std::string(900, 'a') + std::string(100, 'b'));
  auto source = limuon::data::make_text_source(path, 8, 16, 1);
  for (int64_t k = 0; k < 20; ++k) {
    EXPECT_TRUE(source->batch(Split::train, k).inputs.eq('a').all().item<bool>());
    EXPECT_TRUE(source->batch(Split::validation, k).targets.eq('b').all().item<bool>());
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
