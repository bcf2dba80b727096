// How many cores the numerics use. LibTorch's own pool (OpenMP) and OpenBLAS's pthreads are separate:
// Debian's LibTorch starts with one intra-op thread while OpenBLAS starts with one per core, so a
// "single-thread" figure is only single-threaded once both are set.
#pragma once

namespace limuon {

int hardware_threads();

// Sets LibTorch's intra-op threads and, when OpenBLAS is the loaded BLAS, its thread count too.
// n <= 0 means every core.
void set_compute_threads(int n);

// The BLAS thread count, or -1 when the loaded BLAS does not say (not OpenBLAS).
int blas_threads();

}  // namespace limuon
