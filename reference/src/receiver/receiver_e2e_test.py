#!/usr/bin/env python3
"""e2e: start apipnr-receiver with --port 0, read the bound port from stdout, send the A.1
PAXLST, check the receipt, /healthz, /metrics and the JSON logs, then SIGTERM and expect a clean
exit. Loopback only, bounded in time. Usage: receiver_e2e_test.py <apipnr-receiver> <source dir>
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

exe, src = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 40


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


with tempfile.TemporaryDirectory() as tmp:
    log_path = os.path.join(tmp, "log.jsonl")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [exe, "--port", "0", "--specs", os.path.join(src, "specs"),
             "--token", "XXAPI=e2e-token", "--read-timeout-ms", "2000", "--receiver-id", "GOVRCV"],
            stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            line = proc.stdout.readline().strip()
            if not line.startswith("listening on 127.0.0.1:"):
                fail("unexpected first line: %r" % line)
            port = int(line.rsplit(":", 1)[1])
            base = "http://127.0.0.1:%d" % port

            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                if r.status != 200 or r.read() != b"ok\n":
                    fail("healthz")

            body = open(os.path.join(src, "vectors/edifact/messages/paxlst/y_a1_one_passenger.edi"), "rb").read()
            req = urllib.request.Request(base + "/v1/api/paxlst", data=body, method="POST", headers={
                "Content-Type": "application/edifact", "Authorization": "Bearer e2e-token"})
            with urllib.request.urlopen(req, timeout=10) as r:
                if r.status != 202 or not r.read().startswith(b"accepted id=1"):
                    fail("paxlst receipt")

            req = urllib.request.Request(base + "/v1/api/paxlst", data=body, method="POST",
                                         headers={"Content-Type": "application/edifact"})
            try:
                urllib.request.urlopen(req, timeout=10)
                fail("no token accepted")
            except urllib.error.HTTPError as e:
                if e.code != 401:
                    fail("expected 401, got %d" % e.code)

            with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
                text = r.read().decode()
                if 'apipnr_messages_total{kind="paxlst",verdict="accept"} 1' not in text:
                    fail("metrics:\n" + text)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                fail("did not stop on SIGTERM")
    if code != 0:
        fail("exit code %d" % code)
    events = []
    for raw in open(log_path, encoding="utf-8"):
        events.append(json.loads(raw))  # every log line is one JSON object
    names = [e["event"] for e in events]
    for want in ("started", "intake", "stopped"):
        if want not in names:
            fail("log has no %s event: %s" % (want, names))
    text = open(log_path, encoding="utf-8").read()
    if "BRIEN" in text or "PA1234567" in text:
        fail("personal data in the log")
print("ok")
