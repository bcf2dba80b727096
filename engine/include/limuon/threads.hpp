// How many cores the numerics use. LibTorch's own pool (OpenMP) and OpenBLAS's pthreads are separate:
// Debian's LibTorch starts with one intra-op thread while OpenBLAS starts with one per core, so a
// "single-thread" figure is only single-threaded once both are set.
#pragma once

namespace limuon {

int hardware_threads();

// Sets LibTorch's intra-op threads and, when OpenBLAS is the loaded BLAS, its thread count too.
// n <= 0 means every core.
void set_compute_threads(int n);

// LibTorch's OpenMP threads spin-wait after every parallel region and starve OpenBLAS's threads on
// the same cores (measured here, 2 cores: the rank-8 LiMuon step on 768x3072 took 21.7 ms instead
// of 8.4 ms; see README). libgomp reads OMP_WAIT_POLICY only when it loads, so a program's main() calls this first:
// when the variable is unset it sets it to PASSIVE and re-executes the program once. Returns only
// when no re-exec happened (already set, LIMUON_KEEP_OMP_WAIT set, or exec failed).
void reexec_with_passive_openmp_wait(char** argv);

// The BLAS thread count, or -1 when the loaded BLAS does not say (not OpenBLAS).
int blas_threads();

}  // namespace limuon
