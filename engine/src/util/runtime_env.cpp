#include "limuon/util/runtime_env.hpp"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include "openblas_symbol.hpp"

namespace limuon {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// OpenBLAS's core names (driver/others/dynamic.c), by the instruction set their kernels use.
// Names not listed (and "Prescott", "Nehalem", ...) count as baseline SSE.
CpuIsa core_isa(std::string_view core) {
  static constexpr std::array<std::string_view, 3> avx512 = {"skylakex", "cooperlake", "sapphirerapids"};
  static constexpr std::array<std::string_view, 3> avx2 = {"haswell", "zen", "excavator"};
  static constexpr std::array<std::string_view, 4> avx = {"sandybridge", "bulldozer", "piledriver", "steamroller"};
  const std::string name = lowercase(core);
  auto in = [&](const auto& names) { return std::find(names.begin(), names.end(), name) != names.end(); };
  if (in(avx512)) return CpuIsa::avx512;
  if (in(avx2)) return CpuIsa::avx2;
  if (in(avx)) return CpuIsa::avx;
  return CpuIsa::baseline;
}

// Sets `name` unless the user did, and lists it in LIMUON_RUNTIME_SET so the program can tell ours
// from theirs after the re-exec.
bool set_if_unset(const char* name, const std::string& value) {
  if (value.empty() || std::getenv(name) != nullptr) return false;
  setenv(name, value.c_str(), 1);
  const char* listed = std::getenv("LIMUON_RUNTIME_SET");
  setenv("LIMUON_RUNTIME_SET", ((listed ? std::string(listed) + "," : std::string()) + name).c_str(), 1);
  return true;
}

}  // namespace

CpuIsa cpu_isa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd"))
    return CpuIsa::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CpuIsa::avx2;
  if (__builtin_cpu_supports("avx")) return CpuIsa::avx;
  return CpuIsa::baseline;
}

std::string openblas_core() {
  auto corename = openblas_symbol<const char* (*)()>("openblas_get_corename");
  const char* name = corename ? corename() : nullptr;
  return name ? name : "";
}

std::string better_openblas_core(std::string_view detected, CpuIsa isa) {
  if (detected.empty() || core_isa(detected) >= isa) return "";
  switch (isa) {
    case CpuIsa::avx512: return "SkylakeX";
    case CpuIsa::avx2: return "Haswell";
    case CpuIsa::avx: return "Sandybridge";
    case CpuIsa::baseline: return "";
  }
  return "";
}

void reexec_with_tuned_runtime(char** argv) {
  bool changed = false;
  if (std::getenv("LIMUON_KEEP_OMP_WAIT") == nullptr) changed |= set_if_unset("OMP_WAIT_POLICY", "PASSIVE");
  if (std::getenv("LIMUON_KEEP_BLAS_CORE") == nullptr)
    changed |= set_if_unset("OPENBLAS_CORETYPE", better_openblas_core(openblas_core(), cpu_isa()));
  if (changed) execv("/proc/self/exe", argv);  // returns only on failure: then run on as we are
  keep_freed_tensor_memory();
}

void keep_freed_tensor_memory() {
  // Either setting also stops glibc's adaptive threshold, so both are set. Sanitizers ignore them.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

}  // namespace limuon
