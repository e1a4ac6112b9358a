#!/usr/bin/env bash
# The reference receiver under wrk, against nginx answering a fixed 200 to the same requests in
# the same run (docs/PERFORMANCE.md, "Receiver under wrk").
#
#   scripts/bench-receiver.sh [--build DIR] [--duration S] [--warmup S] [--out FILE]
#                             [--scenarios paxlst,iapi] [--travellers N]
#                             [--pax-connections N] [--iapi-connections N]
#                             [--workers N] [--io-threads N] [--server-cpu C] [--client-cpu C]
#                             [--io-thread-max-bytes N]
#                             [--open-model RATE] [--open-connections N] [--harness FILE]
#
# Scenarios:
#   paxlst  POST /v1/api/paxlst, one PAXLST of N travellers (default 300, apipnr-validate-gen
#           seed 1), SQLite store with synchronous = FULL, baseline profile, strict syntax.
#           Every request carries its own interchange control reference (bench/wrk/interchange.lua)
#           so that each one is checked and stored, never answered as a duplicate.
#   iapi    POST /v1/api/iapi, the one-passenger request of
#           vectors/edifact/messages/iapi/y_iapi_745_request.edi (same store settings).
# For each scenario nginx (its own prefix, conf, pid, logs and temp dirs in a temp folder; one
# worker) answers `return 200` on the same path, then a fresh receiver with a fresh store is
# measured. Servers run on --server-cpu, wrk (one thread) on --client-cpu (taskset).
#
# A run fails (exit 1) when the receiver gave a non-2xx answer, wrk saw socket errors, or the
# receiver's /metrics show a verdict other than accept for the measured requests (a duplicate
# or a rejection would make the figure worthless). The targets (paxlst >= 50 % of nginx; iapi
# >= 5,000 requests/s with p99 < 5 ms) are reported in the JSON, never enforced.
#
# --open-model RATE adds, for the iapi scenario, the open model at a fixed offered rate
# (apipnr-harness load, built from this repository: --harness, default
# <build>/harness/apipnr-harness; --open-connections, default 64): first against nginx, then
# against a fresh receiver and store, each for --duration seconds, latency counted from the
# intended send (wrk's closed loop hides queueing: docs/PERFORMANCE.md "Closed model and
# coordinated omission"). nginx's figure is the floor of the client, kernel and machine at that
# rate. One more line on stdout and "open_model" in the JSON; without the option the output is
# unchanged.
#
# Output: a table on stdout and a JSON summary (--out, default <temp>/bench-receiver.json which
# is printed). Use a Release build for figures:
#   cmake --preset release && cmake --build --preset release \
#     --target apipnr-receiver apipnr-validate-gen
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=build/release
duration=10
warmup=2
out=""
scenarios="paxlst,iapi"
travellers=300
pax_connections=16
iapi_connections=16
workers=""
io_threads=1
io_thread_max_bytes=""  # threads.io_thread_max_bytes (docs/RECEIVER.md); empty: the default
server_cpu=0
client_cpu=1
open_rate=""  # --open-model RATE: iapi also under apipnr-harness load at RATE/s
open_connections=64
harness=""

usage() { sed -n '2,41p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --travellers) travellers=$2; shift 2 ;;
    --pax-connections) pax_connections=$2; shift 2 ;;
    --iapi-connections) iapi_connections=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --io-threads) io_threads=$2; shift 2 ;;
    --io-thread-max-bytes) io_thread_max_bytes=$2; shift 2 ;;
    --server-cpu) server_cpu=$2; shift 2 ;;
    --client-cpu) client_cpu=$2; shift 2 ;;
    --open-model) open_rate=$2; shift 2 ;;
    --open-connections) open_connections=$2; shift 2 ;;
    --harness) harness=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "[apipnr.bench.001] unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

receiver="$build/reference/apipnr-receiver"
gen="$build/reference/apipnr-validate-gen"
lua="$root/bench/wrk/interchange.lua"
iapi_body="$root/vectors/edifact/messages/iapi/y_iapi_745_request.edi"
for t in "$receiver" "$gen"; do
  [[ -x $t ]] || { echo "[apipnr.bench.002] missing $t: build apipnr-receiver apipnr-validate-gen" >&2; exit 2; }
done
[[ -n $harness ]] || harness="$build/harness/apipnr-harness"
if [[ -n $open_rate && ! -x $harness ]]; then
  echo "[apipnr.bench.002] missing $harness: build apipnr-harness (--open-model)" >&2
  exit 2
fi
for t in wrk nginx curl python3 taskset; do
  command -v "$t" > /dev/null || { echo "[apipnr.bench.003] $t not found (scripts/install-deps.sh)" >&2; exit 2; }
done
nginx_bin=$(command -v nginx)

# Pinning: servers on one core, wrk on another. With a single core both share it (said so).
cores=$(nproc)
pin_note="server on CPU $server_cpu, wrk on CPU $client_cpu"
if ((cores < 2)); then
  server_cpu=0 client_cpu=0
  pin_note="one CPU only: server and wrk share CPU 0 (figures not meaningful)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/apipnr-bench-receiver.XXXXXX")
pids=()
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
[[ -n $out ]] || out="$work/bench-receiver.json"
fs=$(stat -f -c %T "$work")
[[ $fs == tmpfs ]] && echo "warning: $work is on tmpfs: fsync costs nothing there (set TMPDIR to a disk)" >&2

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- request bodies --------------------------------------------------------------------------
"$gen" "$work/gen" 1 "$travellers" > /dev/null
cp "$work/gen/paxlst_00000.edi" "$work/paxlst.edi"
cp "$iapi_body" "$work/iapi.edi"

# --- nginx: fixed 200 on the intake paths ----------------------------------------------------
start_nginx() {
  local port=$1 dir="$work/nginx" temps=""
  mkdir -p "$dir/logs"
  # Only the temp paths this nginx build knows (nginx-light lacks some modules); each one is
  # created by nginx at start, so none may point to the system's /var/lib/nginx.
  local v
  v=$("$nginx_bin" -V 2>&1)
  for m in client_body proxy fastcgi uwsgi scgi; do
    local key=$m
    [[ $m == client_body ]] && key=client-body
    if [[ $v == *"--http-$key-temp-path"* ]] || [[ $m == client_body ]]; then
      mkdir -p "$dir/temp/$m"
      temps+="  ${m}_temp_path $dir/temp/$m;"$'\n'
    fi
  done
  cat > "$dir/nginx.conf" << EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
$temps  client_max_body_size 16m;
  client_body_buffer_size 1m;
  keepalive_requests 1000;
  server {
    listen 127.0.0.1:$port;
    location = /v1/api/paxlst { return 200 "ok\n"; }
    location = /v1/api/iapi { return 200 "ok\n"; }
  }
}
EOF
  taskset -c "$server_cpu" "$nginx_bin" -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" \
    > "$dir/logs/stdout" 2>&1 &
  nginx_pid=$!
  pids+=("$nginx_pid")
  for _ in $(seq 100); do
    if curl -s -o /dev/null -X POST --data x "http://127.0.0.1:$port/v1/api/iapi"; then return 0; fi
    kill -0 "$nginx_pid" 2> /dev/null || break
    sleep 0.1
  done
  echo "[apipnr.bench.004] nginx did not start:" >&2
  cat "$dir/logs/error.log" "$dir/logs/stdout" >&2 || true
  exit 1
}

stop_pid() {
  kill "$1" 2> /dev/null || true
  wait "$1" 2> /dev/null || true
}

# --- receiver: fresh store per scenario -----------------------------------------------------
start_receiver() {
  local dir="$work/receiver-$1"
  mkdir -p "$dir"
  cat > "$dir/receiver.json" << EOF
{
  "listen": {"address": "127.0.0.1", "port": 0},
  "threads": {"io": $io_threads${workers:+, \"workers\": $workers}${io_thread_max_bytes:+, \"io_thread_max_bytes\": $io_thread_max_bytes}},
  "specs_dir": "$root/specs",
  "profile": "baseline",
  "syntax_mode": "strict",
  "store": {"path": "$dir/store.db", "sync_full": true},
  "log_level": "info"
}
EOF
  taskset -c "$server_cpu" "$receiver" --config "$dir/receiver.json" > "$dir/stdout" 2> "$dir/log" &
  receiver_pid=$!
  pids+=("$receiver_pid")
  receiver_port=""
  for _ in $(seq 300); do
    receiver_port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$dir/stdout")
    [[ -n $receiver_port ]] && return 0
    kill -0 "$receiver_pid" 2> /dev/null || break
    sleep 0.1
  done
  echo "[apipnr.bench.005] the receiver did not start:" >&2
  cat "$dir/log" >&2 || true
  exit 1
}

# Waits until the receiver has no request in the handler: wrk stops at its deadline with up to
# one request per connection still being checked and stored, which must not be counted in the
# next run's verdicts.
wait_idle() {
  local n
  for _ in $(seq 300); do
    n=$(curl -s "http://127.0.0.1:$receiver_port/metrics" | awk '$1 == "apipnr_requests_in_flight" {print $2}')
    [[ $n == 1 ]] && return 0  # the /metrics request itself is in flight
    sleep 0.1
  done
  echo "[apipnr.bench.007] the receiver still has requests in flight after 30 s" >&2
  exit 1
}

# Sum of apipnr_messages_total for one kind, by verdict, as "accept warn reject failed dup".
verdicts() {
  curl -s "http://127.0.0.1:$receiver_port/metrics" | awk -v k="$1" '
    $1 ~ "^apipnr_messages_total\\{kind=\"" k "\"" {
      split($1, a, "verdict=\""); split(a[2], b, "\""); n[b[1]] = $2 }
    END { printf "%d %d %d %d %d\n", n["accept"], n["accept_with_warnings"], n["reject"],
          n["failed"], n["duplicate"] }'
}

# Peak resident memory while a command runs (VmRSS sampled every 100 ms) and VmHWM after it.
rss_sampler() {
  local pid=$1 file=$2 max=0 kb
  while kill -0 "$pid" 2> /dev/null && [[ ! -e $file.stop ]]; do
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo 0)
    ((kb > max)) && max=$kb
    echo "$max" > "$file"
    sleep 0.1
  done
}

# CPU time of a process in nanoseconds: utime + stime of /proc/PID/stat (fields 14 and 15, in
# clock ticks, getconf CLK_TCK), which the kernel keeps for the whole thread group, exited
# threads included. The per-thread run time of /proc/PID/task/*/schedstat, used before, is all
# zeros on kernels with schedstats off (and misses exited threads). A tick is 10 ms at
# CLK_TCK 100: over a run of several seconds that is well under 1 % of the receiver's CPU.
# A figure that stays meaningful on a loaded machine, where requests/s mostly measure the
# neighbours. Reported as "cpu_source" in the JSON.
clk_tck=$(getconf CLK_TCK)
cpu_source="/proc/PID/stat utime+stime (CLK_TCK $clk_tck)"
cpu_ns() {
  # The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  sed 's/^.*) //' "/proc/$1/stat" | awk -v hz="$clk_tck" '{printf "%.0f\n", ($12 + $13) * (1e9 / hz)}'
}
nginx_worker() { awk '{print $1}' "/proc/$nginx_pid/task/$nginx_pid/children"; }

# run_wrk URL BODY TAG CONNECTIONS SECONDS -> prints the APIPNR_WRK_JSON object
run_wrk() {
  local url=$1 body=$2 tag=$3 conns=$4 secs=$5
  taskset -c "$client_cpu" wrk -t1 -c"$conns" -d"${secs}s" --latency --timeout 10s -s "$lua" \
    "$url" -- "$body" "$tag" application/edifact > "$work/wrk.out" 2>&1 || {
    cat "$work/wrk.out" >&2
    echo "[apipnr.bench.006] wrk failed" >&2
    exit 1
  }
  grep '^APIPNR_WRK_JSON ' "$work/wrk.out" | sed 's/^APIPNR_WRK_JSON //'
}

# run_open URL BODY TAG -> path of the harness's results.json (open model at $open_rate/s)
run_open() {
  local url=$1 body=$2 tag=$3
  taskset -c "$client_cpu" "$harness" load --url "$url" --payload "iapi=$body" --unique-refs \
    --rate "$open_rate" --duration "$duration" --connections "$open_connections" \
    --report-dir "$work/open-$tag" --quiet > "$work/open-$tag.out" 2>&1 || {
    cat "$work/open-$tag.out" >&2
    echo "[apipnr.bench.008] apipnr-harness load failed" >&2
    exit 1
  }
  echo "$work/open-$tag/results.json"
}

# open_model BODY: nginx, then a fresh receiver and store, at $open_rate/s; one line on stdout
# and one JSON object in $open_results.
open_results="$work/open.jsonl"
: > "$open_results"
open_model() {
  local body=$1 ngx_res rcv_res cpu0 cpu before after hwm
  ngx_res=$(run_open "http://127.0.0.1:$nginx_port/v1/api/iapi" "$body" nginx)
  start_receiver iapi-open
  before=$(verdicts iapi)
  cpu0=$(cpu_ns "$receiver_pid")
  rcv_res=$(run_open "http://127.0.0.1:$receiver_port/v1/api/iapi" "$body" receiver)
  cpu=$(($(cpu_ns "$receiver_pid") - cpu0))
  wait_idle
  after=$(verdicts iapi)
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$receiver_pid/status")
  stop_pid "$receiver_pid"
  python3 - "$ngx_res" "$rcv_res" "$cpu" "$before" "$after" "$hwm" "$open_rate" \
    "$open_connections" >> "$open_results" << 'EOF'
import json, sys
ngx, rcv, cpu, before, after, hwm, rate, conns = sys.argv[1:]
def run(f):
    r = json.load(open(f))["performance"]["runs"][0]
    lat = r["latency"]
    return {"achieved_per_s": round(r["achieved_rate"], 1), "ok": r["ok"],
            "errors": r["error_total"],
            "harness_limited_intervals": r["harness_limited_intervals"],
            "latency_ms": {k: round(lat[k + "_ms"], 3)
                           for k in ("p50", "p90", "p99", "p99_9", "max")}}
n, v = run(ngx), run(rcv)
d = [y - x for x, y in zip(map(int, before.split()), map(int, after.split()))]
v["server_verdicts"] = dict(zip(["accept", "accept_with_warnings", "reject", "failed",
                                 "duplicate"], d))
# CPU of the whole run, the harness's 2 s calibration against its null endpoint included
# (the receiver is idle then).
v["cpu_us_per_request"] = round(int(cpu) / 1e3 / v["ok"], 1) if v["ok"] else 0
v["vm_hwm_kib"] = int(hwm)
res = {"scenario": "iapi", "model": "open", "offered_per_s": float(rate),
       "connections": int(conns), "nginx": n, "receiver": v,
       "target": {"what": f"{rate}/s offered, p99 < 5 ms from the intended send",
                  "met": v["errors"] == 0 and v["achieved_per_s"] >= 0.99 * float(rate)
                  and v["latency_ms"]["p99"] < 5.0}}
problems = []
if v["errors"] or n["errors"]:
    problems.append(f'errors: receiver {v["errors"]}, nginx {n["errors"]}')
if d[2] or d[3] or d[4]:
    problems.append(f"verdicts other than accept: {v['server_verdicts']}")
res["valid"] = not problems
res["problems"] = problems
print(json.dumps(res))
EOF
  python3 - "$open_results" << 'EOF' || failures=$((failures + 1))
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
n, v = r["nginx"], r["receiver"]
print(f'iapi    open {r["offered_per_s"]:.0f}/s c={r["connections"]}: nginx p50 '
      f'{n["latency_ms"]["p50"]:.2f} p99 {n["latency_ms"]["p99"]:.2f} ms | receiver '
      f'{v["achieved_per_s"]:.1f}/s p50 {v["latency_ms"]["p50"]:.2f} p90 '
      f'{v["latency_ms"]["p90"]:.2f} p99 {v["latency_ms"]["p99"]:.2f} p99.9 '
      f'{v["latency_ms"]["p99_9"]:.2f} ms | CPU/request {v["cpu_us_per_request"]} us | HWM '
      f'{v["vm_hwm_kib"] / 1024:.1f} MiB | target met: {r["target"]["met"]}')
for p in r["problems"]:
    print(f"  INVALID: {p}", file=sys.stderr)
sys.exit(0 if r["valid"] else 1)
EOF
}

failures=0
results="$work/results.jsonl"
: > "$results"
nginx_port=$(free_port)
start_nginx "$nginx_port"

IFS=, read -r -a scenario_list <<< "$scenarios"
for sc in "${scenario_list[@]}"; do
  case $sc in
    paxlst) path=/v1/api/paxlst body="$work/paxlst.edi" conns=$pax_connections ;;
    iapi) path=/v1/api/iapi body="$work/iapi.edi" conns=$iapi_connections ;;
    *) echo "[apipnr.bench.001] unknown scenario $sc" >&2; exit 2 ;;
  esac
  # nginx: same requests, same connections, same core.
  if [[ $warmup != 0 ]]; then run_wrk "http://127.0.0.1:$nginx_port$path" "$body" 1 "$conns" "$warmup" > /dev/null; fi
  ngx_worker=$(nginx_worker)
  ngx_cpu0=$(cpu_ns "$ngx_worker")
  nginx_json=$(run_wrk "http://127.0.0.1:$nginx_port$path" "$body" 2 "$conns" "$duration")
  ngx_cpu=$(($(cpu_ns "$ngx_worker") - ngx_cpu0))

  start_receiver "$sc"
  if [[ $warmup != 0 ]]; then run_wrk "http://127.0.0.1:$receiver_port$path" "$body" 1 "$conns" "$warmup" > /dev/null; fi
  wait_idle
  before=$(verdicts "$sc")
  rm -f "$work/rss" "$work/rss.stop"
  rss_sampler "$receiver_pid" "$work/rss" &
  sampler=$!
  rcv_cpu0=$(cpu_ns "$receiver_pid")
  rcv_json=$(run_wrk "http://127.0.0.1:$receiver_port$path" "$body" 2 "$conns" "$duration")
  rcv_cpu=$(($(cpu_ns "$receiver_pid") - rcv_cpu0))
  touch "$work/rss.stop"
  wait "$sampler" || true
  wait_idle
  after=$(verdicts "$sc")
  rss_peak=$(cat "$work/rss" 2> /dev/null || echo 0)
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$receiver_pid/status")
  store_bytes=$(du -sb "$work/receiver-$sc" | cut -f1)
  stop_pid "$receiver_pid"

  python3 - "$sc" "$nginx_json" "$rcv_json" "$before" "$after" "$rss_peak" "$hwm" \
    "$conns" "$(wc -c < "$body")" "$store_bytes" "$ngx_cpu" "$rcv_cpu" \
    >> "$results" << 'EOF'
import json, sys
sc, nginx, rcv, before, after, rss, hwm, conns, body, store, ncpu, rcpu = sys.argv[1:]
nginx, rcv = json.loads(nginx), json.loads(rcv)
b = [int(x) for x in before.split()]
a = [int(x) for x in after.split()]
d = dict(zip(["accept", "accept_with_warnings", "reject", "failed", "duplicate"],
             [y - x for x, y in zip(b, a)]))
def rate(r):
    return r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
def side(r, ns):
    cpu_s = int(ns) / 1e9
    return {"requests": r["requests"], "requests_per_s": round(rate(r), 1),
            "cpu_s": round(cpu_s, 4),
            "cpu_us_per_request": round(cpu_s * 1e6 / r["requests"], 1) if r["requests"] else 0,
            "errors": r["errors"], "latency_ms": {k: round(v / 1000.0, 3)
                                                  for k, v in r["latency_us"].items()}}
res = {"scenario": sc, "connections": int(conns), "body_bytes": int(body),
       "nginx": side(nginx, ncpu), "receiver": side(rcv, rcpu)}
res["receiver"]["server_verdicts"] = d
res["receiver"]["rss_peak_kib"] = int(rss)
res["receiver"]["vm_hwm_kib"] = int(hwm)
res["receiver"]["store_dir_bytes"] = int(store)
res["ratio_to_nginx"] = round(rate(rcv) / rate(nginx), 4) if rate(nginx) else 0.0
# The same ratio from CPU time per request (what each server would reach on a core of its own;
# blind to fsync waits, which cost wall time but no CPU).
nc, rc = res["nginx"]["cpu_us_per_request"], res["receiver"]["cpu_us_per_request"]
res["cpu_ratio_to_nginx"] = round(nc / rc, 4) if nc and rc else 0.0
problems = []
errs = rcv["errors"]
if errs["status"]:
    problems.append(f'{errs["status"]} non-2xx answers')
if errs["connect"] + errs["read"] + errs["write"] + errs["timeout"]:
    problems.append(f"socket errors {errs}")
if d["reject"] or d["failed"] or d["duplicate"]:
    problems.append(f"verdicts other than accept: {d}")
stored = d["accept"] + d["accept_with_warnings"]
# wrk counts answers it read before the deadline; the receiver may finish up to one request
# per connection after it.
if not (rcv["requests"] <= stored <= rcv["requests"] + int(conns)):
    problems.append(f'{stored} accepted by the receiver for {rcv["requests"]} wrk answers')
if nginx["errors"]["status"] or rcv["requests"] == 0 or nginx["requests"] == 0:
    problems.append("nginx or receiver answered nothing / errors")
if sc == "paxlst":
    res["target"] = {"what": "receiver >= 50 % of nginx", "met": res["ratio_to_nginx"] >= 0.5}
else:
    p99 = rcv["latency_us"]["p99"] / 1000.0
    res["target"] = {"what": ">= 5000 requests/s with p99 < 5 ms (closed model, see docs)",
                     "met": rate(rcv) >= 5000 and p99 < 5.0}
res["valid"] = not problems
res["problems"] = problems
print(json.dumps(res))
EOF
  python3 - "$results" << 'EOF' || failures=$((failures + 1))
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
n, v = r["nginx"], r["receiver"]
print(f'{r["scenario"]:7} c={r["connections"]:<3} nginx {n["requests_per_s"]:9.1f}/s '
      f'p50 {n["latency_ms"]["p50"]:.2f} ms p99 {n["latency_ms"]["p99"]:.2f} ms | receiver '
      f'{v["requests_per_s"]:8.1f}/s p50 {v["latency_ms"]["p50"]:.2f} ms p99 '
      f'{v["latency_ms"]["p99"]:.2f} ms | ratio {r["ratio_to_nginx"]:.3f} | CPU/request nginx '
      f'{n["cpu_us_per_request"]} us receiver {v["cpu_us_per_request"]} us | RSS peak '
      f'{v["rss_peak_kib"] / 1024:.1f} MiB (HWM {v["vm_hwm_kib"] / 1024:.1f}) | '
      f'target met: {r["target"]["met"]}')
for p in r["problems"]:
    print(f"  INVALID: {p}", file=sys.stderr)
sys.exit(0 if r["valid"] else 1)
EOF
  if [[ -n $open_rate && $sc == iapi ]]; then open_model "$body"; fi
done
stop_pid "$nginx_pid"

python3 - "$results" "$out" "$pin_note" "$duration" "$warmup" "$workers" "$io_threads" \
  "$cpu_source" "$open_results" << 'EOF'
import json, os, platform, sys
results, out, pin, duration, warmup, workers, io, cpu_source, open_results = sys.argv[1:]
doc = {"tool": "scripts/bench-receiver.sh", "wrk_threads": 1, "pinning": pin,
       "cpu_source": cpu_source,
       "duration_s": float(duration), "warmup_s": float(warmup),
       "receiver_workers": int(workers) if workers else "default",
       "receiver_io_threads": int(io), "cpus": os.cpu_count(),
       "load_average": os.getloadavg(), "machine": platform.machine(),
       "scenarios": [json.loads(l) for l in open(results)]}
open_model = [json.loads(l) for l in open(open_results)]
if open_model:
    doc["open_model"] = open_model
with open(out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
print(json.dumps(doc, indent=2))
EOF
exit $((failures > 0))
