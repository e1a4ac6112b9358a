#!/usr/bin/env bash
# Times apipnr-validate over a generated batch of 1,000 PAXLST interchanges (~100 MB, one in ten
# with injected syntax errors), with and without the data-quality report.
#
#   scripts/bench-validate.sh [BUILD_DIR=build/release] [COUNT=1000] [TRAVELLERS=540]
#
# Use a Release build for figures (cmake --preset release && cmake --build --preset release
# --target apipnr-validate apipnr-validate-gen); record them in docs/PERFORMANCE.md with the
# machine. The batch goes to a temporary folder that is removed afterwards.
set -euo pipefail
build=${1:-build/release}
count=${2:-1000}
travellers=${3:-540}
root=$(cd "$(dirname "$0")/.." && pwd)
cmd="$build/reference/apipnr-validate"
gen="$build/reference/apipnr-validate-gen"
for t in "$cmd" "$gen"; do
  [[ -x "$t" ]] || { echo "missing $t: build targets apipnr-validate apipnr-validate-gen" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen" "$work/batch" "$count" "$travellers"
bytes=$(du -sb "$work/batch" | cut -f1)

time_run() {  # label, then the command's arguments
  local label=$1; shift
  local start end rc=0
  start=$(date +%s.%N)
  "$cmd" --specs "$root/specs" "$@" > "$work/out" || rc=$?
  end=$(date +%s.%N)
  if [[ $rc -gt 1 ]]; then echo "apipnr-validate failed ($rc)" >&2; exit 2; fi
  awk -v s="$start" -v e="$end" -v b="$bytes" -v n="$count" -v l="$label" 'BEGIN {
    t = e - s; printf "%-28s %7.2f s  %7.1f MB/s  %7.1f interchanges/s\n", l, t, b / t / 1e6, n / t }'
}

echo "batch: $count interchanges, $bytes bytes ($(nproc) cores, $(uname -m))"
time_run "text report" --format text "$work/batch"
time_run "json report" --format json "$work/batch"
time_run "json + quality report" --format json --quality-report "$work/q" "$work/batch"
grep -c '"verdict": "reject"' "$work/out" | sed 's/^/rejected files (expected ~10%): /'
