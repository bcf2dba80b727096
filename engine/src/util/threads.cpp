#include "limuon/threads.hpp"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>

#include <thread>

namespace limuon {
namespace {

// Looked up at run time: the BLAS behind libblas.so.3 is chosen by Debian's alternatives, not at build time.
template <typename Fn>
Fn openblas_symbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

int hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void set_compute_threads(int n) {
  const int threads = n <= 0 ? hardware_threads() : n;
  at::set_num_threads(threads);
  if (auto set = openblas_symbol<void (*)(int)>("openblas_set_num_threads")) set(threads);
}

void reexec_with_passive_openmp_wait(char** argv) {
  // LIMUON_KEEP_OMP_WAIT=1 keeps libgomp's default, to measure the difference.
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("LIMUON_KEEP_OMP_WAIT") != nullptr) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then run on with spinning threads
}

int blas_threads() {
  auto get = openblas_symbol<int (*)()>("openblas_get_num_threads");
  return get ? get() : -1;
}

}  // namespace limuon
