#!/usr/bin/env bash
# The main job: install, build, validate every vector with the reference syntax engine, and
# write a summary report under reports/. Later issues grow this into: start the broker and
# the reference receiver, run the harness's full suite against it, write a signed report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh ci
run_id=$(date -u +%Y%m%dT%H%M%SZ)
out=reports/$run_id
mkdir -p "$out"
./build/ci/reference/apipnr-vectors --vectors vectors --json "$out/vectors.json" | tee "$out/summary.txt"
echo "report: $out"
