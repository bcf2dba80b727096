// Every purpose of a run (training batches, validation batches, model init, sketches) draws from its own
// stream: batch k and sketch k must never be the same numbers, as they were when the data borrowed the
// sketch streams of parameters 1 and 2.
#include "limuon/util/random_streams.hpp"

#include <set>

namespace {

using limuon::RandomPurpose;

std::vector<double> first_draws(at::Generator gen) {
  const torch::Tensor x = torch::randn({4}, gen, torch::kDouble);
  return {x.data_ptr<double>(), x.data_ptr<double>() + 4};
}

TEST(RandomStreams, PurposesAndParametersNeverShareAStream) {
  for (uint64_t seed : {0ull, 1ull, 42ull}) {
    std::set<uint64_t> stream_seeds;
    std::set<std::vector<double>> draws;
    size_t expected = 0;
    for (const RandomPurpose purpose : {RandomPurpose::train_batches, RandomPurpose::validation_batches,
                                        RandomPurpose::model_init, RandomPurpose::sketches}) {
      const uint64_t stream = limuon::purpose_seed(seed, purpose);
      stream_seeds.insert(stream);
      for (uint64_t k = 0; k < 8; ++k) draws.insert(first_draws(limuon::stream_generator(stream, k)));
      expected += 8;
    }
    for (uint64_t param = 0; param < 8; ++param) {
      const uint64_t stream = limuon::sketch_stream_seed(seed, param);
      stream_seeds.insert(stream);
      for (uint64_t k = 0; k < 8; ++k) draws.insert(first_draws(limuon::sketch_generator(stream, k)));
      expected += 8;
    }
    EXPECT_EQ(stream_seeds.size(), 12u) << "seed " << seed;
    EXPECT_EQ(draws.size(), expected) << "two generators gave the same numbers, seed " << seed;
  }
}

TEST(RandomStreams, SameSeedPurposeAndCounterGiveTheSameDraws) {
  const uint64_t stream = limuon::purpose_seed(7, RandomPurpose::train_batches);
  EXPECT_EQ(first_draws(limuon::stream_generator(stream, 3)), first_draws(limuon::stream_generator(stream, 3)));
  EXPECT_NE(first_draws(limuon::stream_generator(stream, 3)), first_draws(limuon::stream_generator(stream, 4)));
  EXPECT_NE(limuon::purpose_seed(7, RandomPurpose::train_batches), limuon::purpose_seed(8, RandomPurpose::train_batches));
}

}  // namespace
