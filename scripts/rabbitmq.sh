#!/usr/bin/env bash
# A private loopback RabbitMQ node with the AMQP 1.0 plugin, for tests and scripts/main.sh.
# Recipe: /work/shared/docs/RABBITMQ.md (the Debian service is not used).
#
#   scripts/rabbitmq.sh start  DIR   start (or keep) the node whose data lives under DIR
#   scripts/rabbitmq.sh stop   DIR   stop the node and the epmd it started (by pid)
#   scripts/rabbitmq.sh term   DIR   SIGTERM to the node's VM at once (its own orderly shutdown,
#                                    without the seconds rabbitmqctl takes to boot), then wait
#                                    until the AMQP port is closed; epmd stays; start restarts
#                                    it (tests that need the broker gone mid-stream)
#   scripts/rabbitmq.sh kill   DIR   SIGKILL to the node's VM (a broker crash: no orderly
#                                    shutdown, so nothing more is delivered once it returns),
#                                    then wait until the VM has ended; start restarts it and
#                                    the node recovers its durable queues
#   scripts/rabbitmq.sh status DIR   exit 0 when the AMQP port of DIR's node accepts connections
#   scripts/rabbitmq.sh sync   DIR   write the node's metadata log (queue declarations) to disk:
#                                    a queue declared just before a kill may otherwise be lost
#                                    with its messages (docs/AMQP.md)
#   scripts/rabbitmq.sh queues DIR   list the node's queues with their message counts
#
# start writes DIR/amqp_port (the AMQP 1.0 port) and DIR/env (shell variables: the node's
# environment plus APIPNR_AMQP_PORT and APIPNR_AMQP_URL). The ports are picked once and kept in
# DIR/env, so stop + start with the same DIR gives the same URL and the same durable queues.
# Every command is idempotent: start on a running node and stop on a stopped one succeed.
# Only 127.0.0.1 is used. Errors name the log file; IDs are in docs/error-codes-amqp.md.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "[apipnr.amqp.101] usage: $0 start|stop|term|kill|status|sync|queues DIR" >&2
  exit 2
fi
start_timeout=${APIPNR_RABBITMQ_START_TIMEOUT:-60}
stop_timeout=${APIPNR_RABBITMQ_STOP_TIMEOUT:-30}

port_open() {  # port -> 0 when something accepts on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {  # a port nothing listens on; the kernel picks it (bind to port 0)
  python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

write_env() {
  local amqp dist epmd node
  amqp=$(free_port)
  dist=$(free_port)
  epmd=$(free_port)
  while [[ "$dist" == "$amqp" || "$epmd" == "$amqp" || "$epmd" == "$dist" ]]; do
    dist=$(free_port)
    epmd=$(free_port)
  done
  node="apipnr_$$_$(date +%s%N | tail -c 7)@localhost"
  {
    # A private epmd port keeps nodes of parallel runs apart (and leaves a system epmd alone).
    echo "export ERL_EPMD_ADDRESS=127.0.0.1"
    echo "export ERL_EPMD_PORT=$epmd"
    echo "export RABBITMQ_NODENAME=$node"
    echo "export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1"
    echo "export RABBITMQ_NODE_PORT=$amqp"
    echo "export RABBITMQ_DIST_PORT=$dist"
    echo "export RABBITMQ_MNESIA_BASE=$dir/mnesia"
    echo "export RABBITMQ_LOG_BASE=$dir/log"
    echo "export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins"
    echo "export RABBITMQ_FEATURE_FLAGS_FILE=$dir/feature_flags"
    echo "export RABBITMQ_PID_FILE=$dir/rabbitmq.pid"
    echo "export HOME=$dir"
    echo "export APIPNR_AMQP_PORT=$amqp"
    echo "export APIPNR_AMQP_URL=amqp://guest:guest@127.0.0.1:$amqp"
  } >"$dir/env"
  echo "$amqp" >"$dir/amqp_port"
}

load_env() {
  # shellcheck disable=SC1091
  source "$dir/env"
}

alive() {  # pid file -> 0 when the process it names is running
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

do_start() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ -f "$dir/env" ]] || write_env
  load_env
  if port_open "$APIPNR_AMQP_PORT"; then
    return 0
  fi
  mkdir -p "$dir/mnesia" "$dir/log"
  echo "[rabbitmq_amqp1_0]." >"$dir/enabled_plugins"
  # The server runs as the rabbitmq user: everything it writes must be writable (RABBITMQ.md).
  chmod 777 "$dir" "$dir/mnesia" "$dir/log"
  chmod 666 "$dir/enabled_plugins"
  local log="$dir/log/server.out"
  # The private epmd first, bound to loopback, so that its pid is ours to stop later.
  # It runs in the foreground (not -daemon) so that $! is its pid.
  if ! alive "$dir/epmd.pid"; then
    setsid epmd -address 127.0.0.1 -port "$ERL_EPMD_PORT" >>"$dir/log/epmd.out" 2>&1 </dev/null &
    echo $! >"$dir/epmd.pid"
  fi
  setsid rabbitmq-server >>"$log" 2>&1 </dev/null &
  echo $! >"$dir/server.pid"
  local waited=0
  while ! port_open "$APIPNR_AMQP_PORT"; do
    if ! alive "$dir/server.pid" && ! alive "$RABBITMQ_PID_FILE"; then
      echo "[apipnr.amqp.102] rabbitmq-server exited during start; see $log and $dir/log" >&2
      exit 1
    fi
    if ((waited >= start_timeout * 10)); then
      echo "[apipnr.amqp.103] AMQP port $APIPNR_AMQP_PORT not open after ${start_timeout}s; see $log and $dir/log" >&2
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

do_stop() {
  [[ -f "$dir/env" ]] || return 0
  dir=$(cd "$dir" && pwd)
  load_env
  # The node writes its Erlang VM pid to RABBITMQ_PID_FILE; rabbitmqctl stop with that file
  # returns once the VM has ended.
  if alive "$RABBITMQ_PID_FILE"; then
    timeout "$stop_timeout" rabbitmqctl -n "$RABBITMQ_NODENAME" stop "$RABBITMQ_PID_FILE" \
      >>"$dir/log/server.out" 2>&1 || true
  fi
  # Whatever is left (rabbitmqctl failed or timed out) is ended by pid.
  local f
  for f in "$RABBITMQ_PID_FILE" "$dir/server.pid" "$dir/epmd.pid"; do
    if alive "$f"; then
      kill "$(cat "$f")" 2>/dev/null || true
      sleep 0.5
      ! alive "$f" || kill -9 "$(cat "$f")" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  # Wait until the AMQP port is closed so that a following start binds it again.
  local waited=0
  while port_open "$APIPNR_AMQP_PORT" && ((waited < stop_timeout * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
}

wait_while() {  # command... -> reruns it every 0.1 s while it succeeds, stop_timeout s at most
  local waited=0
  while "$@" && ((waited < stop_timeout * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
}

pid_alive() {  # pid (may be empty) -> 0 while that process runs
  [[ -n $1 ]] && kill -0 "$1" 2>/dev/null
}

# term and kill: SIGTERM (the node's own orderly shutdown) or SIGKILL (a crash) to the node's VM
# at once, then wait until its AMQP port is closed and the VM has ended. $1: signal, $2: error ID.
do_signal() {
  local sig=$1 id=$2
  [[ -f "$dir/env" ]] || return 0
  dir=$(cd "$dir" && pwd)
  load_env
  # The pid is read before the signal: the node removes its pid file while it shuts down, and
  # a start that followed at once then found the old VM still registered and failed.
  local pid=""
  alive "$RABBITMQ_PID_FILE" && pid=$(cat "$RABBITMQ_PID_FILE")
  [[ -z $pid ]] || kill "-$sig" "$pid" 2>/dev/null || true
  wait_while port_open "$APIPNR_AMQP_PORT"
  ! port_open "$APIPNR_AMQP_PORT" || {
    echo "[apipnr.amqp.$id] AMQP port $APIPNR_AMQP_PORT still open ${stop_timeout}s after SIG$sig" >&2
    exit 1
  }
  # The VM is gone once the port closed; wait for it to end so that start finds no stale node.
  wait_while pid_alive "$pid"
  # A killed VM leaves its pid file behind: start must not take it for a running node.
  rm -f "$RABBITMQ_PID_FILE"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  term) do_signal TERM 105 ;;
  kill) do_signal KILL 106 ;;
  sync)
    # Mnesia logs a commit through disk_log, whose write cache is flushed after 2 s; RabbitMQ
    # 3.10 does not always sync it before a declaration returns (docs/AMQP.md).
    load_env
    rabbitmqctl -q -n "$RABBITMQ_NODENAME" eval 'ok = disk_log:sync(latest_log).' >/dev/null
    ;;
  queues)
    load_env
    rabbitmqctl -q -n "$RABBITMQ_NODENAME" list_queues name durable messages messages_ready \
      messages_unacknowledged consumers
    ;;
  status)
    [[ -f "$dir/env" ]] || exit 1
    load_env
    port_open "$APIPNR_AMQP_PORT"
    ;;
  *)
    echo "[apipnr.amqp.101] usage: $0 start|stop|term|kill|status|sync|queues DIR" >&2
    exit 2
    ;;
esac
