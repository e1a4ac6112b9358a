#!/usr/bin/env bash
# Installs dependencies, builds and runs the whole test suite:
#   1. the `ci` preset (GCC, -Werror): unit, vectors, lint, e2e, bench_smoke tests;
#   2. the `fuzz` preset (Clang, libFuzzer + ASan + UBSan): fuzz_smoke tests.
# Exit code is non-zero when any build or test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

echo "== build: ci (gcc, -Werror)"
scripts/build.sh ci
echo "== test: ci"
ctest --preset ci -j "$jobs" --timeout 600

echo "== build: fuzz targets (clang, libFuzzer, ASan+UBSan)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs" --target apipnr_fuzzers
echo "== test: fuzz_smoke"
ctest --preset fuzz -j "$jobs" --timeout 600
echo "== all tests passed"
