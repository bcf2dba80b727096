// The OpenBLAS kernel choice: forced only where OpenBLAS guessed a narrower instruction set than the CPU has.
#include "limuon/runtime_env.hpp"

using limuon::better_openblas_core;
using limuon::CpuIsa;

TEST(RuntimeEnv, ForcesWiderKernelsOnlyWhereOpenBlasGuessedLow) {
  // What OpenBLAS 0.3.21 picks on this project's virtual AVX-512 Xeons.
  EXPECT_EQ(better_openblas_core("Prescott", CpuIsa::avx512), "SkylakeX");
  EXPECT_EQ(better_openblas_core("Prescott", CpuIsa::avx2), "Haswell");
  EXPECT_EQ(better_openblas_core("Nehalem", CpuIsa::avx), "Sandybridge");
  EXPECT_EQ(better_openblas_core("Sandybridge", CpuIsa::avx2), "Haswell");
  EXPECT_EQ(better_openblas_core("Haswell", CpuIsa::avx512), "SkylakeX");
  // Right guesses, and cores at least as wide as the CPU claims, are left alone.
  EXPECT_EQ(better_openblas_core("SkylakeX", CpuIsa::avx512), "");
  EXPECT_EQ(better_openblas_core("COOPERLAKE", CpuIsa::avx512), "");
  EXPECT_EQ(better_openblas_core("Zen", CpuIsa::avx2), "");
  EXPECT_EQ(better_openblas_core("Haswell", CpuIsa::avx), "");
  EXPECT_EQ(better_openblas_core("Prescott", CpuIsa::baseline), "");
  // Not OpenBLAS: nothing to force.
  EXPECT_EQ(better_openblas_core("", CpuIsa::avx512), "");
}

TEST(RuntimeEnv, TestProcessRunsTheKernelsItsCpuSupports) {
  // The test main re-executed itself through reexec_with_tuned_runtime, as limuon-lab does.
  const std::string core = limuon::openblas_core();
  if (core.empty()) GTEST_SKIP() << "the loaded BLAS is not OpenBLAS";
  const char* set_here = std::getenv("LIMUON_RUNTIME_SET");
  const std::string ours = set_here ? set_here : "";
  // Whatever the user chose stays as it is; only what the re-exec chose is checked.
  const bool kept = std::getenv("LIMUON_KEEP_BLAS_CORE") != nullptr;
  if (ours.find("OPENBLAS_CORETYPE") != std::string::npos || (std::getenv("OPENBLAS_CORETYPE") == nullptr && !kept))
    EXPECT_EQ(better_openblas_core(core, limuon::cpu_isa()), "") << "OpenBLAS runs " << core;
  if (ours.find("OMP_WAIT_POLICY") != std::string::npos) EXPECT_STREQ(std::getenv("OMP_WAIT_POLICY"), "PASSIVE");
}
