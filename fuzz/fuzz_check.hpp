// Invariant check for the fuzz targets: names the broken condition on stderr, then traps so
// that libFuzzer records the input as a crash (a return value would be ignored).
#pragma once

#include <cstdio>

#define APIPNR_FUZZ_CHECK(cond)                                                           \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #cond); \
      __builtin_trap();                                                                   \
    }                                                                                     \
  } while (false)
