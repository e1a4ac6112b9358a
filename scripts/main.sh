#!/usr/bin/env bash
# The main job: install what is missing, build the `ci` preset, start the reference receiver on a
# free loopback port, run the harness's full suite against it over HTTP, and write a signed,
# verified report folder reports/<run-id>/. Everything started here is stopped on exit.
#
# One harness run per receiver configuration ("leg"), because one receiver process has one
# syntax mode and one profile (docs/RECEIVER.md) while the corpus needs several:
#   syntax    edifact/syntax/**         receiver --syntax-only, strict (ISO 9735 as written, as
#                                       the reference's own vector tests judge these cases)
#   baseline  message-level, baseline   receiver pipeline, tolerant (the profile's syntax table
#   us uk cn  message-level, country    decides; --profile <country>)     vectors/README.md
#   eu        message-level, EU overlay (the PNR push window, pnrgov-sequences/10-11)
# Each leg is a complete report folder reports/<run-id>/<leg>/ (results.json, junit.xml,
# report.html, signature.json); reports/<run-id>/summary.txt has one line per leg.
#
# AMQP: every leg runs twice, over HTTP (<leg>/) and over AMQP 1.0 (<leg>-amqp/, next to it).
# A private RabbitMQ (scripts/rabbitmq.sh, data in the temporary work folder, stopped on exit)
# carries the second run: that leg's receiver consumes /queue/main.<leg>.<kind> with its AMQP
# intake (docs/RECEIVER.md "AMQP intake"), is ready once connected (/readyz), and the harness
# sends every case there with replies on /queue/main.<leg>.replies. APIPNR_MAIN_AMQP=0 skips
# the AMQP runs (HTTP only, no broker).
#
# Signing: a throw-away Ed25519 key is generated into reports/<run-id>/ so that the folder can
# be verified at once. A real evaluation signs with the evaluator's own key, kept elsewhere, and
# publishes the public key (docs/REPORTS.md): pass it as APIPNR_SIGNING_KEY=/path/key.pem.
#
# Canonical data checks are on (`query` in the target): after each accept case the harness GETs
# /v1/messages/{id} from the receiver and compares messages[0].canonical field by field with the
# case's expected canonical JSON. Every case carries its own UNB sender + control reference
# (vectors/README.md "Interchange keys"), so duplicate detection (RCV-DUP-001) never folds two
# cases into one.
#
# Known reference failures (with reasons): harness/tests/reference-expectations.json.
#
# Exit status: 0 when every leg ran and its report was written, signed and verified, whatever
# the verdicts (the pass/fail summary is printed and kept in summary.txt; per-leg harness exit
# codes are in results.json `exit_code`); non-zero when the build, a start-up, a harness run
# (exit 2: configuration or I/O), signing or verification failed. APIPNR_MAIN_STRICT_EXIT=1
# makes it exit 1 when a failure is not listed in harness/tests/reference-expectations.json
# (a CI gate on regressions of the reference or the harness).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
t0=$(date +%s)

bash scripts/install-deps.sh
# The preset's defaults build both sides, but an existing build/ci may carry a cached
# APIPNR_BUILD_HARNESS=OFF (or REFERENCE=OFF) from an earlier partial configure: state them.
cmake --preset ci -DAPIPNR_BUILD_HARNESS=ON -DAPIPNR_BUILD_REFERENCE=ON >/dev/null
bash scripts/build.sh ci

build=$root/build/ci
harness=$build/harness/apipnr-harness
receiver=$build/reference/apipnr-receiver
for exe in "$harness" "$receiver"; do
  [[ -x $exe ]] || { echo "[apipnr.main.001] not built: $exe" >&2; exit 2; }
done

run_id=${APIPNR_RUN_ID:-$(date -u +%Y%m%dT%H%M%SZ)}
out=$root/reports/$run_id
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/apipnr-main.XXXXXX")
receiver_pid=""

stop_receiver() {
  if [[ -n $receiver_pid ]] && kill -0 "$receiver_pid" 2>/dev/null; then
    kill -TERM "$receiver_pid" 2>/dev/null || true
    # Graceful stop (docs/RECEIVER.md "Shutdown"); bounded, then forced.
    for _ in $(seq 1 150); do kill -0 "$receiver_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$receiver_pid" 2>/dev/null || true
    wait "$receiver_pid" 2>/dev/null || true
  fi
  receiver_pid=""
}
cleanup() {
  stop_receiver
  if [[ -f $work/rabbitmq/env ]]; then
    scripts/rabbitmq.sh stop "$work/rabbitmq" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

transports=(http)
amqp_url=""
if [[ ${APIPNR_MAIN_AMQP:-1} != 0 ]]; then
  echo "== starting a private RabbitMQ for the AMQP runs (scripts/rabbitmq.sh)"
  # The node runs as the rabbitmq user: it must be able to reach its folder inside $work.
  chmod 711 "$work"
  scripts/rabbitmq.sh start "$work/rabbitmq" >"$out/rabbitmq.log" 2>&1 ||
    { cat "$out/rabbitmq.log" >&2; echo "[apipnr.main.005] RabbitMQ did not start" >&2; exit 2; }
  amqp_url=$(. "$work/rabbitmq/env" && echo "$APIPNR_AMQP_URL")
  transports+=(amqp)
fi

# The receiver's AMQP flags for one leg: a queue per intake kind, its own dead-letter queue.
amqp_flags() {  # leg
  printf '%s ' --amqp-url "$amqp_url" --amqp-reconnect-max-ms 1000 \
    --amqp-dead-letter "/queue/main.$1.dead" --amqp-queue "paxlst=/queue/main.$1.paxlst" \
    --amqp-queue "iapi=/queue/main.$1.iapi" \
    --amqp-queue "pnr_edifact=/queue/main.$1.pnrgov_edifact" \
    --amqp-queue "pnr_xml=/queue/main.$1.pnrgov_xml"
}

# Waits until /readyz answers 200 (with AMQP: the intake holds its broker connection).
wait_ready() {  # host:port leg
  for _ in $(seq 1 300); do
    curl -fs "http://$1/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$receiver_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "[apipnr.main.006] receiver ($2) not ready; see $out/receiver-$2.log" >&2
  return 1
}

# The corpus fixtures the receiver loads (start_receiver), declared with their SHA-256 in
# each target so that the iAPI cases requiring them run (vectors/README.md "Fixtures").
fixtures_json() {
  local wl auth
  wl=$(sha256sum "$root/vectors/fixtures/iapi-watchlist.json" | cut -d' ' -f1)
  auth=$(sha256sum "$root/vectors/fixtures/iapi-authorisations.json" | cut -d' ' -f1)
  echo "{\"iapi-watchlist\": \"$wl\", \"iapi-authorisations\": \"$auth\"}"
}

# Officer status changes (edifact/messages/iapi-status): the receiver's control API, and the
# harness's simulated carrier on a loopback port picked now, to which the receiver delivers the
# unsolicited CUSRES 132 (--carrier-unsolicited-url). Empty for the syntax leg.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# Over AMQP the 132 goes to the carrier's queue instead (--carrier-unsolicited-queue), where the
# simulated carrier consumes it (target unsolicited.queue).
status_json() {  # host:port carrier_port|/queue/ADDRESS
  [[ -n $2 ]] || return 0
  echo "\"control\": {\"status_change_url\": \"http://$1/control/v1/status-change\"},"
  if [[ $2 == /* ]]; then
    echo "\"unsolicited\": {\"queue\": \"$2\"},"
  else
    echo "\"unsolicited\": {\"http_listen\": \"127.0.0.1:$2\"},"
  fi
}

# The same target over the broker: queues as in amqp_flags, replies on a queue of the leg.
write_target_amqp() {  # file leg host:port [carrier queue]
  cat >"$1" <<EOF
{
  "name": "apipnr reference receiver over AMQP ($amqp_url)",
  "transport": "amqp",
  "amqp": {"broker": "$amqp_url", "queues": {
    "paxlst": "/queue/main.$2.paxlst", "iapi": "/queue/main.$2.iapi",
    "pnrgov_edifact": "/queue/main.$2.pnrgov_edifact", "pnrgov_xml": "/queue/main.$2.pnrgov_xml"},
    "reply_queue": "/queue/main.$2.replies"},
  "timeouts": {"connect_ms": 5000, "response_ms": 10000},
  "acknowledgement": "reply_queue",
  "query": {"base_url": "http://$3", "canonical_pointer": "/messages/0/canonical"},
  $(status_json "$3" "${4:-}")
  "fixtures": $(fixtures_json)
}
EOF
}

# Starts the receiver (ephemeral port: no collision with anything else on the machine) and
# waits for its "listening on 127.0.0.1:<port>" line.
start_receiver() {  # leg syntax_mode profile [extra receiver flags]
  local leg=$1 mode=$2 profile=$3
  shift 3
  rm -f "$work/$leg.port"
  "$receiver" --address 127.0.0.1 --port 0 --specs "$root/specs" --store "$work/$leg.db" \
    --syntax-mode "$mode" --profile "$profile" --workers 2 --log-level warn \
    --iapi-watchlist "$root/vectors/fixtures/iapi-watchlist.json" \
    --iapi-authorisations "$root/vectors/fixtures/iapi-authorisations.json" "$@" \
    >"$work/$leg.port" 2>"$out/receiver-$leg.log" &
  receiver_pid=$!
  for _ in $(seq 1 100); do
    if grep -q '^listening on ' "$work/$leg.port" 2>/dev/null; then
      return 0
    fi
    kill -0 "$receiver_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "[apipnr.main.002] receiver ($leg) did not start; see $out/receiver-$leg.log" >&2
  return 1
}

write_target() {  # file host:port [carrier_port]
  local base=http://$2
  cat >"$1" <<EOF
{
  "name": "apipnr reference receiver ($base)",
  "transport": "http",
  "http": {"endpoints": {
    "paxlst": "$base/v1/api/paxlst", "iapi": "$base/v1/api/iapi",
    "pnrgov_edifact": "$base/v1/pnr/edifact", "pnrgov_xml": "$base/v1/pnr/xml"}},
  "timeouts": {"connect_ms": 2000, "response_ms": 30000},
  "acknowledgement": "synchronous",
  "query": {"base_url": "$base", "canonical_pointer": "/messages/0/canonical"},
  $(status_json "$2" "${3:-}")
  "fixtures": $(fixtures_json)
}
EOF
}

key=${APIPNR_SIGNING_KEY:-$out/evaluator.pem}
if [[ -z ${APIPNR_SIGNING_KEY:-} ]]; then
  openssl genpkey -algorithm ed25519 -out "$key" 2>/dev/null
  chmod 600 "$key"
fi
openssl pkey -in "$key" -pubout -out "$out/evaluator.pub.pem"

# leg|syntax mode|profile|extra receiver flags|harness selection
legs=(
  "syntax|strict|baseline|--syntax-only|--run edifact/syntax"
  "baseline|tolerant|baseline||--run edifact/messages --run xml"
  "us|tolerant|us||--run edifact/messages --run xml"
  "uk|tolerant|uk||--run edifact/messages --run xml"
  "cn|tolerant|cn||--run edifact/messages --run xml"
  "eu|tolerant|eu||--run edifact/messages --run xml"
)
: >"$out/summary.txt"
ran=()
for spec in "${legs[@]}"; do
 for transport in "${transports[@]}"; do
  IFS='|' read -r leg mode profile extra selection <<<"$spec"
  if [[ $transport == amqp ]]; then
    leg=$leg-amqp
    extra="$extra $(amqp_flags "$leg")"
  fi
  carrier_port=""
  if [[ $leg != syntax* && $transport == amqp ]]; then
    carrier_port=/queue/main.$leg.carrier
    # The carrier's 312 comes back on the queue the 132 names as reply-to, which the receiver
    # consumes (--carrier-reply-queue) and records like an HTTP answer.
    extra="$extra --carrier-unsolicited-queue $carrier_port --carrier-reply-queue $carrier_port.replies"
  elif [[ $leg != syntax* ]]; then
    carrier_port=$(free_port)
    extra="$extra --carrier-unsolicited-url http://127.0.0.1:$carrier_port/carrier/v1/cusres"
  fi
  ran+=("$leg")
  echo "== $leg: receiver --syntax-mode $mode --profile $profile${extra:+ $extra}"
  # shellcheck disable=SC2086  # $extra is a list of flags
  start_receiver "$leg" "$mode" "$profile" $extra
  addr=$(sed -n 's/^listening on //p' "$work/$leg.port" | head -n1)
  if [[ $transport == amqp ]]; then
    wait_ready "$addr" "$leg"
    write_target_amqp "$out/target-$leg.json" "$leg" "$addr" "$carrier_port"
  else
    write_target "$out/target-$leg.json" "$addr" "$carrier_port"
  fi
  rc=0
  # shellcheck disable=SC2086  # $selection is a list of flags
  "$harness" run --target "$out/target-$leg.json" --vectors vectors \
    --requirements specs/requirements --profile "$profile" $selection --jobs 2 --quiet \
    --run-id "$run_id-$leg" --report-dir "$out/$leg" >"$out/$leg.txt" || rc=$?
  stop_receiver
  if ((rc == 2)); then
    cat "$out/$leg.txt" >&2
    echo "[apipnr.main.003] harness run ($leg) failed with a configuration or I/O error" >&2
    exit 2
  fi
  echo "$leg: $(head -n1 "$out/$leg.txt") (harness exit $rc)" | tee -a "$out/summary.txt"
  "$harness" sign --report-dir "$out/$leg" --key "$key" >/dev/null
  "$harness" verify --report-dir "$out/$leg" --public-key "$out/evaluator.pub.pem" \
    --vectors vectors >"$out/$leg-verify.txt" ||
    { cat "$out/$leg-verify.txt" >&2; echo "[apipnr.main.004] $leg: not verified" >&2; exit 1; }
 done
done

# Totals over the legs (from each results.json; skipped cases are left out because every leg
# skips what the others run), and each failure marked known (with the reason from
# harness/tests/reference-expectations.json) or UNEXPECTED.
python3 - "$out" harness/tests/reference-expectations.json "${ran[@]}" <<'PY' |
import json, sys
out, expectations, legs = sys.argv[1], sys.argv[2], sys.argv[3:]
data = json.load(open(expectations))
known_http = data["known_failures"]
known_amqp = {**known_http, **data.get("known_failures_amqp", {})}
total, lines, data = {}, [], {}
for leg in legs:
    res = json.load(open(f"{out}/{leg}/results.json"))
    for c in res["cases"]:
        v = c["verdict"]
        if v == "skipped":
            continue
        total[v] = total.get(v, 0) + 1
        if c.get("data_check"):
            data[c["data_check"]] = data.get(c["data_check"], 0) + 1
        if v not in ("pass", "pass_non_strict", "informational"):
            why = (known_amqp if leg.endswith("-amqp") else known_http).get(c["id"])
            lines.append(f"  {leg}: {v} {c['id']}: "
                         + (f"known: {why}" if why else "UNEXPECTED: " + c.get("reason", "")))
print(f"total judged {sum(total.values())}: "
      + " ".join(f"{k}={v}" for k, v in sorted(total.items())))
# Stored data read back through the query interface (docs/QUERY-CONTRACT.md) and compared.
print(f"stored data: {data.get('checked', 0)} case(s) read back and compared, "
      f"{data.get('not_assessed', 0)} not read back")
for line in lines:
    print(line)
PY
  tee -a "$out/summary.txt"
echo "signed with $(basename "$key") (throw-away unless APIPNR_SIGNING_KEY was set); all legs verified"
echo "report: $out  (open $out/<leg>/report.html; summary in $out/summary.txt)"
echo "run time: $(($(date +%s) - t0)) s"
if [[ ${APIPNR_MAIN_STRICT_EXIT:-0} == 1 ]] && grep -q ': UNEXPECTED: ' "$out/summary.txt"; then
  exit 1
fi
exit 0
