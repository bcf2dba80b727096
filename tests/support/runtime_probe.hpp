// What the process really runs, read from the loaded libraries themselves rather than from anything the
// engine wrote: which OpenBLAS is mapped (and whether one must be), its own answers, and libgomp's wait
// policy as libgomp applied it. For the thread and runtime tests.
#pragma once

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace limuon::test {

// The path of the mapped OpenBLAS library (libopenblas*.so*), "" if none. Debian's openblas-*/libblas.so.3
// is only a wrapper that forwards to it and exports none of the openblas_* functions.
inline std::string mapped_openblas() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::filesystem::path path = line.substr(slash);
    if (path.filename().string().rfind("libopenblas", 0) == 0) return path.string();
  }
  return "";
}

// Whether OpenBLAS must be the BLAS: Debian's libblas.so.3 alternative points into an OpenBLAS package
// (scripts/setup.sh installs libopenblas0-pthread), or an OpenBLAS library is mapped.
inline bool openblas_required() {
  if (!mapped_openblas().empty()) return true;
  for (const char* arch : {"x86_64-linux-gnu", "aarch64-linux-gnu"}) {
    std::error_code error;
    const auto real = std::filesystem::canonical(std::string("/usr/lib/") + arch + "/libblas.so.3", error);
    if (!error && real.string().find("openblas") != std::string::npos) return true;
  }
  return false;
}

// A function of the mapped OpenBLAS, looked up in that library itself; nullptr when it lacks it.
template <typename Fn>
Fn openblas_function(const char* name) {
  const std::string path = mapped_openblas();
  if (path.empty()) return nullptr;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);  // already loaded: no second copy
  if (handle == nullptr) return nullptr;
  auto fn = reinterpret_cast<Fn>(dlsym(handle, name));
  dlclose(handle);  // drops only the reference NOLOAD added
  return fn;
}

// libgomp's own report of its settings (omp_display_env, OpenMP 5.1), "" when libgomp is not loaded.
inline std::string openmp_environment() {
  auto display = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "omp_display_env"));
  if (display == nullptr) return "";
  std::fflush(stderr);
  char name[] = "/tmp/limuon-omp-env-XXXXXX";
  const int file = mkstemp(name);
  if (file < 0) return "";
  const int saved = dup(2);
  dup2(file, 2);
  display(1);  // verbose: includes GOMP_SPINCOUNT
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(file);
  std::ifstream in(name);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(name);
  return text;
}

}  // namespace limuon::test
