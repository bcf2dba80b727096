#include "limuon/util/threads.hpp"

#include <ATen/Parallel.h>

#include <thread>

#include "openblas_symbol.hpp"

namespace limuon {

int hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void set_compute_threads(int n) {
  const int threads = n <= 0 ? hardware_threads() : n;
  at::set_num_threads(threads);
  if (auto set = openblas_symbol<void (*)(int)>("openblas_set_num_threads")) set(threads);
}

int blas_threads() {
  auto get = openblas_symbol<int (*)()>("openblas_get_num_threads");
  return get ? get() : -1;
}

}  // namespace limuon
