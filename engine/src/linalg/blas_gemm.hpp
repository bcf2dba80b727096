// Row-major GEMM straight into the BLAS behind LibTorch (OpenBLAS on Debian), for kernels that multiply
// many small strided blocks: at::bmm pays a tensor select and a dispatch per block, this pays neither.
#pragma once

#include <cstdint>

namespace limuon::linalg {

// True when libblas.so.3 exports sgemm_ and dgemm_ (it always does under LibTorch; checked, not assumed).
bool blas_gemm_available();

// C = alpha * op(A) * op(B) + beta * C, all row-major; op(X) = X^T when trans_x. A is m x k after op,
// B is k x n after op, C is m x n; ld* are the row strides in elements.
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
          const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

}  // namespace limuon::linalg
