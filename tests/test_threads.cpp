// set_compute_threads governs both LibTorch's pool and OpenBLAS's, so one-thread figures are one thread.
#include "limuon/threads.hpp"

TEST(ComputeThreads, SetsLibTorchAndOpenBlasTogether) {
  limuon::set_compute_threads(1);
  EXPECT_EQ(at::get_num_threads(), 1);
  if (limuon::blas_threads() != -1) EXPECT_EQ(limuon::blas_threads(), 1);
  limuon::set_compute_threads(0);
  EXPECT_EQ(at::get_num_threads(), limuon::hardware_threads());
  if (limuon::blas_threads() != -1) EXPECT_EQ(limuon::blas_threads(), limuon::hardware_threads());
}
