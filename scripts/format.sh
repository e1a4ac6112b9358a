#!/usr/bin/env bash
# Rewrites every C++ source in place with clang-format (the lint test checks the same set).
set -euo pipefail
cd "$(dirname "$0")/.."
find common reference harness bench fuzz tests -name '*.cpp' -o -name '*.hpp' 2>/dev/null | \
  grep -v '/build' | xargs -r clang-format -i
