#!/usr/bin/env bash
# The harness's load engine against wrk, both against a private nginx answering a fixed 200, in
# the same run (docs/PERFORMANCE.md "Load engine vs wrk").
#
#   scripts/bench-load-vs-wrk.sh [--harness FILE] [--duration S] [--connections N]
#                                [--rate R] [--repeat N] [--server-cpu C] [--client-cpu C]
#                                [--smoke] [--out FILE]
#
# 1. Closed model, maximum rate: wrk (one thread, --connections connections, POST of the same
#    PAXLST body) and `apipnr-harness load --model closed` with the same connections, each run
#    --repeat times in alternation; the best of each counts. Claim: harness >= 90 % of wrk.
# 2. Open model at a fixed rate (--rate, default half of wrk's best): the harness must deliver
#    the rate within 1 % (answered requests per second of schedule), with no error.
# nginx (its own prefix, conf, pid, logs and temp dirs in a temp folder; one worker) runs on
# --server-cpu, wrk and the harness on --client-cpu (taskset). --smoke: 2 s runs, 8
# connections, 2,000/s, loose bounds (harness >= 40 % of wrk, rate within 5 %) for a busy CI
# machine (CTest harness_load_bench_smoke, label bench_smoke). Exit 0 when the claims hold, 1
# when not, 2 on a usage or setup error, 77 (skip) when wrk or nginx is not installed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
harness="$root/build/release/harness/apipnr-harness"
duration=10
connections=16
rate=""
repeat=2
server_cpu=0
client_cpu=1
smoke=0
out=""

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --harness) harness=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --server-cpu) server_cpu=$2; shift 2 ;;
    --client-cpu) client_cpu=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --out) out=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "[apipnr.bench.001] unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if ((smoke)); then
  duration=2 connections=8 repeat=1
  [[ -n $rate ]] || rate=2000
fi
[[ -x $harness ]] || { echo "[apipnr.bench.002] missing $harness (build apipnr_harness_app)" >&2; exit 2; }
for t in wrk nginx; do
  command -v "$t" > /dev/null || { echo "skip: $t not found (scripts/install-deps.sh)"; exit 77; }
done
for t in curl python3 taskset; do
  command -v "$t" > /dev/null || { echo "[apipnr.bench.003] $t not found" >&2; exit 2; }
done
nginx_bin=$(command -v nginx)
if (($(nproc) < 2)); then server_cpu=0 client_cpu=0; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/apipnr-bench-load.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
[[ -n $out ]] || out="$work/bench-load-vs-wrk.json"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
body="$root/vectors/edifact/messages/paxlst/y_a1_one_passenger.edi"
url="http://127.0.0.1:$port/v1/api/paxlst"

# --- nginx: fixed 200, kept-alive connections never closed during a run --------------------
mkdir -p "$work/nginx/logs"
temps=""
v=$("$nginx_bin" -V 2>&1)
for m in client_body proxy fastcgi uwsgi scgi; do
  key=$m
  [[ $m == client_body ]] && key=client-body
  if [[ $v == *"--http-$key-temp-path"* ]] || [[ $m == client_body ]]; then
    mkdir -p "$work/nginx/temp/$m"
    temps+="  ${m}_temp_path $work/nginx/temp/$m;"$'\n'
  fi
done
cat > "$work/nginx/nginx.conf" << EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
$temps  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 "ok\n"; }
  }
}
EOF
taskset -c "$server_cpu" "$nginx_bin" -p "$work/nginx" -e "$work/nginx/logs/error.log" \
  -c "$work/nginx/nginx.conf" > "$work/nginx/logs/stdout" 2>&1 &
pids+=($!)
for i in $(seq 100); do
  curl -s -o /dev/null -X POST --data x "$url" && break
  ((i == 100)) && { echo "[apipnr.bench.004] nginx did not start" >&2; cat "$work/nginx/logs/error.log" >&2; exit 2; }
  sleep 0.1
done

cat > "$work/post.lua" << 'EOF'
-- POST the same body on every request (as the harness does).
local f = assert(io.open(os.getenv("APIPNR_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/edifact"
EOF

run_wrk() {
  APIPNR_BODY="$body" taskset -c "$client_cpu" wrk -t1 -c"$connections" -d"${duration}s" \
    -s "$work/post.lua" "$url" > "$work/wrk.txt" 2>&1
  local errs
  errs=$(grep -c "Socket errors\|Non-2xx" "$work/wrk.txt" || true)
  ((errs == 0)) || { echo "[apipnr.bench.005] wrk saw errors:" >&2; cat "$work/wrk.txt" >&2; exit 1; }
  sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$work/wrk.txt"
}

# Prints achieved_rate errors p99_ms harness_limited_intervals ok planned_s sent_rate of a load
# run; sent_rate = requests written within the schedule's window / its length (what "holds the
# rate" means: answers alone would count late catch-up too).
run_harness() {
  local name=$1
  shift
  taskset -c "$client_cpu" "$harness" load --url "$url" --payload "paxlst=$body" \
    --connections "$connections" --calibrate-seconds 0 --quiet --report-dir "$work/$name" \
    --run-id "$name" "$@" > "$work/$name.txt" 2>&1 || {
      echo "[apipnr.bench.006] harness load failed:" >&2; cat "$work/$name.txt" >&2; exit 1; }
  python3 - "$work/$name/results.json" << 'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["performance"]["runs"][0]
window = r["planned_s"]
sent = sum(i["sent"] for i in r["intervals"] if i["start_s"] + i["length_s"] <= window + 1e-6)
print(f'{r["achieved_rate"]:.2f} {r["error_total"]} {r["latency"]["p99_ms"]:.3f} '
      f'{r["harness_limited_intervals"]} {r["ok"]} {r["planned_s"]:.3f} {sent / window:.2f}')
EOF
}

best_wrk=0 best_h=0
wrk_all="" h_all=""
for i in $(seq "$repeat"); do
  w=$(run_wrk)
  read -r h herr _ _ _ _ <<< "$(run_harness "closed$i" --model closed --duration "$duration")"
  ((herr == 0)) || { echo "[apipnr.bench.007] harness closed run had $herr errors" >&2; exit 1; }
  wrk_all+="$w " h_all+="$h "
  best_wrk=$(python3 -c "print(max($best_wrk, $w))")
  best_h=$(python3 -c "print(max($best_h, $h))")
  echo "round $i: wrk $w req/s, harness closed $h req/s"
done
[[ -n $rate ]] || rate=$(python3 -c "print(int($best_wrk / 2))")
read -r orate oerr op99 olimited ook oplanned osent <<< "$(run_harness open --rate "$rate" --duration "$duration")"
echo "open model at $rate/s: sent $osent/s within the schedule, answered $orate/s, errors $oerr, p99 $op99 ms, harness-limited intervals $olimited"

python3 - "$out" << EOF
import json, sys
smoke = bool($smoke)
wrk, h, rate, orate, osent = $best_wrk, $best_h, $rate, $orate, $osent
ratio = h / wrk if wrk else 0.0
rate_error = max(abs(orate - rate), abs(osent - rate)) / rate
need_ratio, need_rate = (0.4, 0.05) if smoke else (0.9, 0.01)
doc = {
  "connections": $connections, "duration_s": $duration, "server_cpu": $server_cpu,
  "client_cpu": $client_cpu, "smoke": smoke,
  "wrk_rps": [float(x) for x in "$wrk_all".split()],
  "harness_closed_rps": [float(x) for x in "$h_all".split()],
  "best_wrk_rps": wrk, "best_harness_closed_rps": h, "harness_vs_wrk": round(ratio, 4),
  "open_target_rps": rate, "open_achieved_rps": orate, "open_sent_rps_in_window": osent,
  "open_rate_error": round(rate_error, 5),
  "open_errors": $oerr, "open_p99_ms": $op99, "open_harness_limited_intervals": $olimited,
  "claims": {"harness_vs_wrk_min": need_ratio, "rate_error_max": need_rate},
}
doc["pass"] = ratio >= need_ratio and rate_error <= need_rate and $oerr == 0
json.dump(doc, open(sys.argv[1], "w"), indent=1)
print(json.dumps(doc, indent=1))
print(f"harness/wrk = {ratio:.3f} (need >= {need_ratio}); open rate error = {rate_error*100:.3f} % "
      f"(need <= {need_rate*100:.0f} %): {'PASS' if doc['pass'] else 'FAIL'}")
sys.exit(0 if doc["pass"] else 1)
EOF
