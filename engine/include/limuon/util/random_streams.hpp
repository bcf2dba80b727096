// Counter-based random streams. Every random number a run draws comes from a generator that is a pure
// function of (run seed, purpose, index, counter), so a resumed run draws exactly what an uninterrupted
// one would without saving generator state, and no two purposes ever share a stream.
#pragma once

#include <ATen/core/Generator.h>

#include <cstdint>

namespace limuon {

// What a stream is for. Each purpose salts the run seed differently: batch k of the training data,
// batch k of the validation data and sketch k of a parameter never come from the same generator.
enum class RandomPurpose : uint64_t {
  sketches = 0x5ce7c4e5,            // randomized SVD sketches, one sub-stream per parameter
  train_batches = 0x7a41b47c,
  validation_batches = 0x7a11da7e,
  model_init = 0x1417a11e,
};

// The stream seed of one purpose of a run.
uint64_t purpose_seed(uint64_t run_seed, RandomPurpose purpose);

// The generator for draw number `counter` of a stream.
at::Generator stream_generator(uint64_t stream_seed, uint64_t counter);

// Sketch streams: parameter k of an optimizer seeded with s owns the stream sketch_stream_seed(s, k),
// and its sketch number c comes from sketch_generator(stream, c).
uint64_t sketch_stream_seed(uint64_t seed, uint64_t param_index);
inline at::Generator sketch_generator(uint64_t stream_seed, uint64_t counter) {
  return stream_generator(stream_seed, counter);
}

}  // namespace limuon
