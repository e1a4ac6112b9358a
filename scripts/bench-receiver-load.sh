#!/usr/bin/env bash
# The reference receiver measured by the harness's own load engine (docs/PERFORMANCE.md
# "Reference receiver under apipnr-harness load"), next to the wrk figures of
# scripts/bench-receiver.sh.
#
#   scripts/bench-receiver-load.sh [--build DIR] [--harness FILE] [--duration S]
#                                  [--travellers N] [--iapi-rate R] [--connections N]
#                                  [--server-cpu C] [--client-cpu C] [--out DIR]
#
# Scenarios, each against a fresh receiver with a fresh SQLite store (synchronous = FULL,
# baseline profile, strict syntax), receiver on --server-cpu, harness on --client-cpu:
#   paxlst-closed  POST /v1/api/paxlst, one PAXLST of N travellers (default 300,
#                  apipnr-validate-gen seed 1), closed model, --connections in flight: the
#                  maximum rate.
#   paxlst-open    the same at 80 % of that rate, open model: latency from the intended send.
#   iapi-closed    POST /v1/api/iapi (below), closed model: the maximum rate.
#   iapi-open      POST /v1/api/iapi, vectors/.../y_iapi_745_request.edi (one passenger), open
#                  model at --iapi-rate (default 5,000/s): achieved rate and p99.
# Every request carries its own interchange control reference (--unique-refs) so that each is
# checked and stored, never answered as a duplicate. Reports (results.json, report.html) go to
# --out (default a temp folder, removed). Exit 0 unless a run failed to start.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=build/release
harness=""
duration=10
travellers=300
iapi_rate=5000
connections=16
server_cpu=0
client_cpu=1
out=""

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --harness) harness=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --travellers) travellers=$2; shift 2 ;;
    --iapi-rate) iapi_rate=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --server-cpu) server_cpu=$2; shift 2 ;;
    --client-cpu) client_cpu=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "[apipnr.bench.001] unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -n $harness ]] || harness="$build/harness/apipnr-harness"
receiver="$build/reference/apipnr-receiver"
gen="$build/reference/apipnr-validate-gen"
for t in "$receiver" "$gen" "$harness"; do
  [[ -x $t ]] || { echo "[apipnr.bench.002] missing $t" >&2; exit 2; }
done
if (($(nproc) < 2)); then server_cpu=0 client_cpu=0; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/apipnr-bench-receiver-load.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
[[ -n $out ]] || out="$work/reports"
mkdir -p "$out"

"$gen" "$work/gen" 1 "$travellers" > /dev/null
paxlst="$work/gen/paxlst_00000.edi"
iapi="$root/vectors/edifact/messages/iapi/y_iapi_745_request.edi"

receiver_url=""
start_receiver() {
  local dir="$work/receiver-$1"
  mkdir -p "$dir"
  cat > "$dir/receiver.json" << EOF
{
  "listen": {"address": "127.0.0.1", "port": 0},
  "specs_dir": "$root/specs",
  "profile": "baseline",
  "syntax_mode": "strict",
  "store": {"path": "$dir/store.db", "sync_full": true},
  "log_level": "warn"
}
EOF
  taskset -c "$server_cpu" "$receiver" --config "$dir/receiver.json" > "$dir/stdout" 2> "$dir/log" &
  receiver_pid=$!
  pids+=("$receiver_pid")
  local i port=""
  for i in $(seq 300); do
    port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$dir/stdout")
    [[ -n $port ]] && { receiver_url="http://127.0.0.1:$port"; return 0; }
    kill -0 "$receiver_pid" 2> /dev/null || break
    sleep 0.1
  done
  echo "[apipnr.bench.005] the receiver did not start:" >&2
  cat "$dir/log" >&2 || true
  exit 1
}
stop_receiver() {
  kill "$receiver_pid" 2> /dev/null || true
  wait "$receiver_pid" 2> /dev/null || true
}

# run NAME PATH KIND FILE [load options...]: prints the summary line of the run.
run() {
  local name=$1 path=$2 kind=$3 file=$4
  shift 4
  taskset -c "$client_cpu" "$harness" load --url "$receiver_url$path" --payload "$kind=$file" \
    --unique-refs --connections "$connections" --duration "$duration" --calibrate-seconds 1 \
    --quiet --report-dir "$out/$name" --run-id "$name" "$@" > "$work/$name.txt" 2>&1 || true
  python3 - "$out/$name/results.json" "$name" << 'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["performance"]["runs"][0]
l = r["latency"]
print(f'{sys.argv[2]:14} {r["model"]:6} offered {r["offered_rate"]:9.1f}/s achieved '
      f'{r["achieved_rate"]:9.1f}/s errors {r["error_total"]:5} p50 {l["p50_ms"]:8.3f} ms '
      f'p99 {l["p99_ms"]:8.3f} ms max {l["max_ms"]:8.3f} ms harness-limited '
      f'{r["harness_limited_intervals"]} status {r["http_status"]}')
EOF
}

start_receiver paxlst-closed
run paxlst-closed /v1/api/paxlst paxlst "$paxlst" --model closed | tee "$work/closed.line"
stop_receiver
max=$(sed -n 's/.*achieved *\([0-9.]*\)\/s.*/\1/p' "$work/closed.line")
rate=$(python3 -c "print(max(1, round($max * 0.8, 1)))")
start_receiver paxlst-open
run paxlst-open /v1/api/paxlst paxlst "$paxlst" --rate "$rate"
stop_receiver
start_receiver iapi-closed
run iapi-closed /v1/api/iapi iapi "$iapi" --model closed
stop_receiver
start_receiver iapi-open
run iapi-open /v1/api/iapi iapi "$iapi" --rate "$iapi_rate"
stop_receiver
echo "reports: $out"
