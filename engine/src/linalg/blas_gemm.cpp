#include "blas_gemm.hpp"

#include <dlfcn.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace limuon::linalg {
namespace {

// The Fortran BLAS interface: column-major, every argument by pointer, 32-bit integers (Debian's
// libblas.so.3; the 64-bit-integer OpenBLAS is a separate library LibTorch does not load).
template <typename T>
using GemmFn = void (*)(const char*, const char*, const int*, const int*, const int*, const T*, const T*,
                        const int*, const T*, const int*, const T*, T*, const int*);

template <typename T>
GemmFn<T> lookup(const char* name) {
  static const auto fn = reinterpret_cast<GemmFn<T>>(dlsym(RTLD_DEFAULT, name));
  return fn;
}

GemmFn<float> sgemm() { return lookup<float>("sgemm_"); }
GemmFn<double> dgemm() { return lookup<double>("dgemm_"); }

// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands, keep the flags.
template <typename T>
void row_major_gemm(GemmFn<T> fn, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
                    const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if (fn == nullptr) throw std::runtime_error("the loaded BLAS exports no sgemm_/dgemm_");
  for (const int64_t value : {m, n, k, lda, ldb, ldc})
    if (value > std::numeric_limits<int>::max())
      throw std::invalid_argument("gemm: dimension " + std::to_string(value) + " exceeds the BLAS's 32-bit integers");
  const char ta = trans_a ? 'T' : 'N', tb = trans_b ? 'T' : 'N';
  const int im = static_cast<int>(m), in = static_cast<int>(n), ik = static_cast<int>(k);
  const int ia = static_cast<int>(lda), ib = static_cast<int>(ldb), ic = static_cast<int>(ldc);
  fn(&tb, &ta, &in, &im, &ik, &alpha, b, &ib, a, &ia, &beta, c, &ic);
}

}  // namespace

bool blas_gemm_available() { return sgemm() != nullptr && dgemm() != nullptr; }

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  row_major_gemm(sgemm(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
          const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  row_major_gemm(dgemm(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace limuon::linalg
