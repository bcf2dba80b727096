// OpenBLAS functions are looked up at run time: the BLAS behind libblas.so.3 is chosen by Debian's
// alternatives, not at build time, and may not be OpenBLAS at all (then this returns nullptr).
#pragma once

#include <dlfcn.h>

namespace limuon {

template <typename Fn>
Fn openblas_symbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace limuon
