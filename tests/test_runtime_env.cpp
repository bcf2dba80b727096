// The OpenBLAS kernel choice: forced only where OpenBLAS guessed a narrower instruction set than the CPU has.
#include "limuon/util/runtime_env.hpp"
#include "support/runtime_probe.hpp"

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
  // The test main re-executed itself through reexec_with_tuned_runtime, as limuon-lab does. The core is
  // asked of the mapped OpenBLAS itself, and must be found wherever OpenBLAS is the BLAS.
  auto corename = limuon::test::openblas_function<const char* (*)()>("openblas_get_corename");
  if (!limuon::test::openblas_required()) GTEST_SKIP() << "the BLAS is not OpenBLAS";
  ASSERT_NE(corename, nullptr) << "OpenBLAS (" << limuon::test::mapped_openblas() << ") without openblas_get_corename";
  const std::string core = corename();
  EXPECT_EQ(limuon::openblas_core(), core);
  const char* set_here = std::getenv("LIMUON_RUNTIME_SET");
  const std::string ours = set_here ? set_here : "";
  // Whatever the user chose stays as it is; only what the re-exec chose is checked.
  const bool kept = std::getenv("LIMUON_KEEP_BLAS_CORE") != nullptr;
  if (ours.find("OPENBLAS_CORETYPE") != std::string::npos || (std::getenv("OPENBLAS_CORETYPE") == nullptr && !kept))
    EXPECT_EQ(better_openblas_core(core, limuon::cpu_isa()), "") << "OpenBLAS runs " << core;
}

TEST(RuntimeEnv, OpenMpThreadsWaitPassivelyUnlessTheUserChose) {
  // libgomp reads OMP_WAIT_POLICY once, when it loads; PASSIVE means a spin count of 0 (its default is
  // 300000, ACTIVE 30000000000). Its own report says what it applied.
  const std::string env = limuon::test::openmp_environment();
  if (env.empty()) GTEST_SKIP() << "LibTorch's OpenMP runtime is not libgomp";
  const char* set_here = std::getenv("LIMUON_RUNTIME_SET");
  const std::string ours = set_here ? set_here : "";
  const bool user_chose = std::getenv("LIMUON_KEEP_OMP_WAIT") != nullptr ||
                          (std::getenv("OMP_WAIT_POLICY") != nullptr && ours.find("OMP_WAIT_POLICY") == std::string::npos);
  if (user_chose) GTEST_SKIP() << "the OpenMP wait policy is the user's";
  EXPECT_NE(env.find("GOMP_SPINCOUNT = '0'"), std::string::npos) << env;
  EXPECT_NE(env.find("OMP_WAIT_POLICY = 'PASSIVE'"), std::string::npos) << env;
}
