#!/usr/bin/python3
"""The load engine over AMQP 1.0, end to end: the reference receiver (a separate process) consumes
PAXLST from a private RabbitMQ (the CTest fixture's node) and acknowledges on the reply queue;
`apipnr-harness load` with an amqp target (published -> acknowledgement) must get every request
acknowledged in the open model and report AMQP figures in results.json.

usage: load_amqp_e2e.py HARNESS RECEIVER SOURCE_DIR RABBITMQ_DIR WORK_DIR"""
import json
import os
import shutil
import subprocess
import sys
import time


def broker_url(rmq):
    with open(os.path.join(rmq, "env"), encoding="utf-8") as f:
        for line in f:
            if "APIPNR_AMQP_URL=" in line:
                return line.split("=", 1)[1].strip().strip('"').strip("'")
    raise SystemExit("no APIPNR_AMQP_URL in " + rmq + "/env")


def main():
    harness, receiver, src, rmq, work = sys.argv[1:6]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    url = broker_url(rmq)
    tag = f"load.{os.getpid()}"
    log = open(os.path.join(work, "receiver.log"), "wb")
    proc = subprocess.Popen([receiver, "--port", "0", "--address", "127.0.0.1", "--specs",
                             os.path.join(src, "specs"), "--log-level", "warn", "--amqp-url", url,
                             "--amqp-queue", f"paxlst=/queue/{tag}.paxlst", "--amqp-dead-letter",
                             f"/queue/{tag}.dead", "--amqp-reconnect-max-ms", "1000"],
                            stdout=subprocess.PIPE, stderr=log)
    try:
        line = proc.stdout.readline().decode().strip()
        if not line.startswith("listening on "):
            raise SystemExit(f"receiver did not start: {line!r}")
        target = os.path.join(work, "target.json")
        with open(target, "w", encoding="utf-8") as f:
            json.dump({"name": "reference over AMQP", "transport": "amqp",
                       "amqp": {"broker": url, "queues": {"paxlst": f"/queue/{tag}.paxlst"},
                                "reply_queue": f"/queue/{tag}.replies"},
                       "timeouts": {"connect_ms": 5000, "response_ms": 10000},
                       "acknowledgement": "reply_queue"}, f)
        payload = os.path.join(src, "vectors/edifact/messages/paxlst/y_a1_one_passenger.edi")
        # A broker whose port has just opened may refuse the first link: up to three attempts.
        for attempt in range(3):
            out = os.path.join(work, f"run{attempt}")
            res = subprocess.run([harness, "load", "--target", target, "--payload",
                                  "paxlst=" + payload, "--unique-refs", "--rate", "50",
                                  "--duration", "3", "--connections", "4", "--calibrate-seconds",
                                  "0", "--quiet", "--report-dir", out, "--run-id", f"amqp{attempt}"],
                                 capture_output=True, text=True, timeout=90)
            print(res.stdout, res.stderr)
            if res.returncode == 0:
                with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
                    r = json.load(f)["performance"]["runs"][0]
                print(f"transport={r['transport']} due={r['due']} ok={r['ok']} "
                      f"errors={r['errors']} p99={r['latency']['p99_ms']:.1f} ms")
                if r["transport"] == "amqp" and r["due"] == 150 and r["ok"] == 150:
                    print("ok")
                    return 0
            time.sleep(2)
        print("PROBLEM: not every AMQP request was acknowledged")
        return 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
