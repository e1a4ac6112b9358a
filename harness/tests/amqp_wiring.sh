#!/bin/sh
# CLI AMQP wiring: against a private broker with no consumer, every case sent must end in
# `timeout` (sent, no reply), which is not a failure. A broker whose port has just opened may
# still refuse the first link (observed on a cold first start), so up to three attempts.
# usage: amqp_wiring.sh HARNESS VECTORS REQUIREMENTS RABBITMQ_DIR OUT_DIR
set -u
h=$1 v=$2 s=$3 rmq=$4 out=$5
. "$rmq/env"
mkdir -p "$out"
printf '{"name":"no consumer","transport":"amqp","amqp":{"broker":"%s","queues":{"paxlst":"/queue/cli.paxlst"},"reply_queue":"/queue/cli.replies"},"timeouts":{"connect_ms":2000,"response_ms":1000},"acknowledgement":"reply_queue"}\n' \
  "$APIPNR_AMQP_URL" >"$out/amqp-target.json"
for attempt in 1 2 3; do
  res=$("$h" run --vectors "$v" --requirements "$s" --target "$out/amqp-target.json" --quiet \
    --report-dir "$out/amqp" --run-id amqp edifact/syntax/una/1 edifact/syntax/una/2 2>&1)
  echo "attempt $attempt: $res"
  case $res in *" timeout=2"*) exit 0 ;; esac
  sleep 2
done
exit 1
