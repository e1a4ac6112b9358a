#!/usr/bin/env bash
# Soak: the load engine at a moderate constant rate for a long time, its own memory sampled
# every interval, against a private nginx answering a fixed 200 (or the built-in null endpoint
# when nginx is not installed) (docs/PERFORMANCE.md "Load engine soak").
#
#   scripts/soak.sh [--harness FILE] [--duration S] [--rate R] [--connections N]
#                   [--interval-ms N] [--max-growth-mib M] [--url URL] [--out DIR]
#
# Defaults: one hour (--duration 3600) at 500 requests/s over 16 connections, 10 s intervals.
# The claim is constant memory: the harness's RSS in the last tenth of the run may exceed its
# RSS after the first tenth by at most --max-growth-mib (default 2 MiB), and no request may
# fail. --url sends to another endpoint instead (e.g. a receiver: add what it needs to the
# command line yourself). CTest harness_load_soak_smoke runs 20 s. Exit 0 when the claim holds,
# 1 when not, 2 on a usage or setup error.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
harness="$root/build/release/harness/apipnr-harness"
duration=3600
rate=500
connections=16
interval_ms=10000
max_growth=2
url=""
out=""

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --harness) harness=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --interval-ms) interval_ms=$2; shift 2 ;;
    --max-growth-mib) max_growth=$2; shift 2 ;;
    --url) url=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "[apipnr.bench.001] unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -x $harness ]] || { echo "[apipnr.bench.002] missing $harness (build apipnr_harness_app)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/apipnr-soak.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
[[ -n $out ]] || out="$work/soak"
body="$root/vectors/edifact/messages/paxlst/y_a1_one_passenger.edi"

endpoint=()
if [[ -n $url ]]; then
  endpoint=(--url "$url")
elif command -v nginx > /dev/null && command -v curl > /dev/null; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  mkdir -p "$work/nginx/logs" "$work/nginx/temp/client_body"
  cat > "$work/nginx/nginx.conf" << EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/temp/client_body;
  proxy_temp_path $work/nginx/temp/client_body;
  fastcgi_temp_path $work/nginx/temp/client_body;
  uwsgi_temp_path $work/nginx/temp/client_body;
  scgi_temp_path $work/nginx/temp/client_body;
  keepalive_requests 1000;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 "ok\n"; }
  }
}
EOF
  nginx -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" \
    > "$work/nginx/logs/stdout" 2>&1 &
  pids+=($!)
  for i in $(seq 100); do
    curl -s -o /dev/null -X POST --data x "http://127.0.0.1:$port/" && break
    ((i == 100)) && { echo "[apipnr.bench.004] nginx did not start" >&2; cat "$work/nginx/logs/error.log" >&2; exit 2; }
    sleep 0.1
  done
  # keepalive_requests 1000: nginx closes every connection after 1,000 answers, so the soak also
  # exercises reconnection.
  endpoint=(--url "http://127.0.0.1:$port/v1/api/paxlst")
else
  endpoint=(--null-endpoint)
fi

"$harness" load "${endpoint[@]}" --payload "paxlst=$body" --rate "$rate" --duration "$duration" \
  --connections "$connections" --interval-ms "$interval_ms" --calibrate-seconds 1 --quiet \
  --report-dir "$out" --run-id soak > "$work/load.txt" 2>&1 || {
    echo "[apipnr.bench.006] harness load failed:" >&2; cat "$work/load.txt" >&2; exit 1; }
cat "$work/load.txt"

python3 - "$out/results.json" "$max_growth" << 'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["performance"]["runs"][0]
limit = float(sys.argv[2])
iv = [i for i in r["intervals"] if i.get("rss_bytes")]
n = max(1, len(iv) // 10)
early = max(i["rss_bytes"] for i in iv[:n]) / 1048576
late = max(i["rss_bytes"] for i in iv[-n:]) / 1048576
growth = late - early
print(f"intervals {len(iv)}; RSS after the first tenth {early:.2f} MiB, in the last tenth "
      f"{late:.2f} MiB, growth {growth:+.2f} MiB (limit {limit} MiB); peak "
      f"{r['max_rss_bytes'] / 1048576:.2f} MiB")
print(f"due {r['due']} ok {r['ok']} errors {r['error_total']} achieved {r['achieved_rate']:.2f}/s "
      f"p50 {r['latency']['p50_ms']:.3f} ms p99 {r['latency']['p99_ms']:.3f} ms max "
      f"{r['latency']['max_ms']:.3f} ms; harness-limited intervals "
      f"{r['harness_limited_intervals']}")
ok = growth <= limit and r["error_total"] == 0 and r["ok"] == r["due"]
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
EOF
