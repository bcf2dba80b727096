#include "limuon/util/random_streams.hpp"

#include <ATen/CPUGeneratorImpl.h>

namespace limuon {
namespace {

// SplitMix64's finaliser: a bijective 64-bit mix, so distinct inputs give distinct outputs.
uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t purpose_seed(uint64_t run_seed, RandomPurpose purpose) {
  return splitmix64(splitmix64(run_seed) ^ splitmix64(static_cast<uint64_t>(purpose)));
}

at::Generator stream_generator(uint64_t stream_seed, uint64_t counter) {
  return at::detail::createCPUGenerator(splitmix64(stream_seed ^ splitmix64(counter)));
}

uint64_t sketch_stream_seed(uint64_t seed, uint64_t param_index) {
  return splitmix64(purpose_seed(seed, RandomPurpose::sketches) ^ splitmix64(param_index));
}

}  // namespace limuon
