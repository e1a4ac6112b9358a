#!/usr/bin/env bash
# AMQP ingest of the reference receiver next to the broker's own round-trip rate with a bare
# Proton client, in one run on one private broker (docs/PERFORMANCE.md, "AMQP intake").
#
#   scripts/bench-amqp.sh [--build DIR] [--messages N] [--repeat R] [--workers W] [--credit C]
#                         [--cpu LIST] [--sync-full 0|1] [--event-thread BYTES]
#
# Starts a private RabbitMQ (scripts/rabbitmq.sh, temporary folder, stopped on exit), then runs
# apipnr-bench-amqp: R rounds, each a bare Proton echo round trip and the receiver's intake
# (pipeline, SQLite store with synchronous = FULL unless --sync-full 0, replies) over N
# distinct PAXLST interchanges, alternating so that a noisy neighbour hits both alike. The last
# line is a JSON summary with the median rates and their ratio (target: >= 0.8).
# --workers 0 (default) leaves amqp.workers automatic (the usable CPUs for API queues).
# --cpu pins the bench process (taskset -c LIST); the broker runs unpinned.
# --event-thread sets amqp.event_thread_max_bytes (0: every check on a worker; default: the
# receiver's own default).
# Use a Release build for figures:
#   cmake --preset release && cmake --build --preset release --target apipnr-bench-amqp
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/release messages=3000 repeat=3 workers=0 credit=256 cpu="" sync_full=1 event_thread=""
while (($#)); do
  case $1 in
    --build) build=$2 ;;
    --messages) messages=$2 ;;
    --repeat) repeat=$2 ;;
    --workers) workers=$2 ;;
    --credit) credit=$2 ;;
    --cpu) cpu=$2 ;;
    --sync-full) sync_full=$2 ;;
    --event-thread) event_thread=$2 ;;
    *) echo "usage: $0 [--build DIR] [--messages N] [--repeat R] [--workers W] [--credit C] [--cpu LIST] [--sync-full 0|1] [--event-thread BYTES]" >&2; exit 2 ;;
  esac
  shift 2
done
exe=$build/bench/apipnr-bench-amqp
[[ -x $exe ]] || { echo "not built: $exe (cmake --build $build --target apipnr-bench-amqp)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/apipnr-bench-amqp.XXXXXX")
chmod 711 "$work"  # the node runs as the rabbitmq user and must reach its folder in here
cleanup() {
  scripts/rabbitmq.sh stop "$work/rabbitmq" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
scripts/rabbitmq.sh start "$work/rabbitmq" >"$work/rabbitmq.log" 2>&1 ||
  { cat "$work/rabbitmq.log" >&2; exit 1; }
url=$(. "$work/rabbitmq/env" && echo "$APIPNR_AMQP_URL")
pin=()
[[ -n $cpu ]] && pin=(taskset -c "$cpu")
extra=()
[[ -n $event_thread ]] && extra=(--event-thread-max-bytes "$event_thread")
"${pin[@]}" "$exe" --url "$url" --messages "$messages" --repeat "$repeat" --workers "$workers" \
  --credit "$credit" --sync-full "$sync_full" --specs specs --work "$work" "${extra[@]}"
