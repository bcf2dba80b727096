// set_compute_threads governs both LibTorch's pool and OpenBLAS's, so one-thread figures are one thread.
// The counts are read back from LibTorch and from the mapped OpenBLAS itself, not through the engine.
#include "limuon/util/threads.hpp"
#include "support/runtime_probe.hpp"

TEST(ComputeThreads, SetsLibTorchAndOpenBlasTogether) {
  const bool openblas = limuon::test::openblas_required();
  auto get = limuon::test::openblas_function<int (*)()>("openblas_get_num_threads");
  if (openblas) {
    ASSERT_NE(get, nullptr) << "OpenBLAS is the BLAS (" << limuon::test::mapped_openblas()
                            << ") but openblas_get_num_threads was not found";
    ASSERT_NE(limuon::blas_threads(), -1) << "the engine does not find OpenBLAS";
  }
  for (const int n : {1, 2, 0}) {
    limuon::set_compute_threads(n);
    const int expected = n == 0 ? limuon::hardware_threads() : n;
    EXPECT_EQ(at::get_num_threads(), expected) << "set_compute_threads(" << n << ")";
    if (get != nullptr) {
      EXPECT_EQ(get(), expected) << "set_compute_threads(" << n << ")";
      EXPECT_EQ(limuon::blas_threads(), get());
    }
  }
  limuon::set_compute_threads(1);
  EXPECT_EQ(at::get_num_threads(), 1);
  if (get != nullptr) EXPECT_EQ(get(), 1);
}
