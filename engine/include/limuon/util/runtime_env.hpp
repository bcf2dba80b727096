// Process-wide settings that LibTorch's OpenMP runtime and OpenBLAS read once, when they load. A
// program sets them by re-executing itself before it does any work (limuon-lab and the tests do).
#pragma once

#include <string>
#include <string_view>

namespace limuon {

// The widest vector instruction set this CPU runs, as far as OpenBLAS's kernels care.
enum class CpuIsa { baseline, avx, avx2, avx512 };

CpuIsa cpu_isa();

// The OpenBLAS core (its kernel set) in use, e.g. "Haswell"; "" when the BLAS is not OpenBLAS.
std::string openblas_core();

// OpenBLAS 0.3.21 does not recognise every CPU: on this project's virtual Xeons (AVX-512) it picks
// its SSE3 "Prescott" kernels and sgemm runs at 30 instead of 150 GFLOP/s (README, "BLAS kernels").
// Returns the core to force through OPENBLAS_CORETYPE when `detected` uses a narrower instruction set
// than `isa` offers, "" when the detected core is as good (or unknown to us: then we leave it alone).
std::string better_openblas_core(std::string_view detected, CpuIsa isa);

// Called first in main(): sets what the runtimes read at load time and re-executes the program once.
// - OMP_WAIT_POLICY=PASSIVE: LibTorch's OpenMP threads otherwise spin after every parallel region and
//   starve OpenBLAS's threads on the same cores (2 cores: the rank-8 LiMuon step on 768x3072 took
//   21.7 ms instead of 8.4 ms). LIMUON_KEEP_OMP_WAIT=1 keeps libgomp's default, to measure it.
// - OPENBLAS_CORETYPE, from better_openblas_core(). LIMUON_KEEP_BLAS_CORE=1 keeps OpenBLAS's choice.
// Variables the user set are never changed; the ones set here are listed, comma-separated, in
// LIMUON_RUNTIME_SET. Returns only when nothing needed changing or exec failed,
// after keep_freed_tensor_memory().
void reexec_with_tuned_runtime(char** argv);

// glibc hands blocks over 128 KiB to mmap and returns freed heap tops to the kernel, so every training
// step page-faults its activations back in (a 32 x 64 x 320 float tensor is 2.6 MB): the classroom GPT
// step took 42-45 ms instead of 36-37 (README, "Training throughput"). Keeps blocks up to 32 MiB on the
// heap and up to 128 MiB of freed memory in the process; RSS stays near the peak of a step.
void keep_freed_tensor_memory();

}  // namespace limuon
