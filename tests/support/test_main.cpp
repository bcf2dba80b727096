// Every test binary starts like limuon-lab: tuned runtime first (passive OpenMP waits, the OpenBLAS
// kernels this CPU runs), so the tests exercise the numerics users get, at the speed they get.
#include <gtest/gtest.h>

#include "limuon/util/runtime_env.hpp"

int main(int argc, char** argv) {
  limuon::reexec_with_tuned_runtime(argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
