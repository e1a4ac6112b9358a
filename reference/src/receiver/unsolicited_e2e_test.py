#!/usr/bin/env python3
"""e2e: officer status change and the unsolicited CUSRES 132 (docs/RECEIVER.md "Officer status
changes", API-IAPI-FLOW-007/008, API-CUSRES-ACK-001).

Starts a small carrier listener (HTTP, answers each 132 with a CUSRES 312 echoing it, or as told
by the test: a 503, a wrong directive, nothing), then apipnr-receiver on a SQLite file with
--carrier-unsolicited-url pointing at it. Sends an iAPI request, POSTs status changes and checks
that the 132 arrives with the right flight, ERP+2 (AVF, ABO), ERC and FTX; that the 312 is
validated and recorded (query interface, metrics); the 404/409/400/415/403-free loopback cases;
retries against a carrier that answers 503 twice; a carrier that stays down (delivery failed
after the bounded attempts); a carrier whose 312 does not echo the passenger (recorded invalid).
Finally it restarts the receiver on the same file: the status survives (409 again).
Usage: unsolicited_e2e_test.py <apipnr-receiver> <source dir>
"""
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

exe, src = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 50


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


class Carrier(http.server.ThreadingHTTPServer):
    """The carrier's unsolicited endpoint: records every 132, answers per `mode`."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CarrierHandler)
        self.received = []  # (path, content type, body text)
        self.mode = "ack"  # ack | down | wrong-directive | down-twice
        self.failures_left = 0
        self.cond = threading.Condition()

    def wait_for(self, n, timeout=10):
        with self.cond:
            end = time.monotonic() + timeout
            while len(self.received) < n and time.monotonic() < end:
                self.cond.wait(end - time.monotonic())
            return len(self.received) >= n


def make_312(cusres, directive=None):
    """The carrier's 312: the 132's content echoed, envelope turned round (API-CUSRES-ACK-001)."""
    m = re.search(r"UNB\+([^+]*)\+([^+']*)\+([^+']*)\+([^+']*)\+([^+']*)", cusres)
    syntax, sender, recipient, stamp, _ref = m.groups()
    body = cusres[m.end():]
    body = body.replace("BGM+132'", "BGM+312'", 1)
    if directive:
        body = re.sub(r"ERC\+[0-9]Z'", "ERC+%s'" % directive, body)
    body = re.sub(r"UNZ\+1\+[^']*'", "UNZ+1+700001'", body)
    return "UNB+%s+%s+%s+%s+700001%s" % (syntax, recipient, sender, stamp, body)


class CarrierHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("latin-1")
        srv = self.server
        with srv.cond:
            srv.received.append((self.path, self.headers.get("Content-Type"), body))
            srv.cond.notify_all()
            mode = srv.mode
            if mode == "down-twice":
                if srv.failures_left > 0:
                    srv.failures_left -= 1
                    mode = "down"
                else:
                    mode = "ack"
        if mode == "down":
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        answer = make_312(body, "0Z" if mode == "wrong-directive" else None).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/edifact")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def call(base, method, path, body=None, ctype="application/json", token="e2e-token"):
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = ctype
    data = body if isinstance(body, (bytes, type(None))) else body.encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def change(abo="0001", directive="1Z", avf=None, date="2025-03-01", text="DO NOT BOARD"):
    t = {"abo": abo}
    if avf is not None:
        t["avf"] = avf
    return json.dumps({"flight": {"carrier": "XX", "number": "123", "departure_date": date,
                                  "departure_airport": "LHR"},
                       "traveller": t, "directive": directive, "text": text})


def start(tmp, store, carrier_port, log):
    proc = subprocess.Popen(
        [exe, "--port", "0", "--specs", os.path.join(src, "specs"), "--store", store,
         "--token", "XXAPI=e2e-token", "--receiver-id", "GOVRCV",
         "--carrier-unsolicited-url", "http://127.0.0.1:%d/carrier/v1/cusres" % carrier_port,
         "--config", os.path.join(tmp, "retry.json")],
        stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on 127.0.0.1:"):
        proc.kill()
        fail("unexpected first line: %r" % line)
    return proc, "http://127.0.0.1:%d" % int(line.rsplit(":", 1)[1])


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("did not stop on SIGTERM")
    if code != 0:
        fail("exit code %d" % code)


def changes_of(base):
    status, text = call(base, "GET", "/v1/flights/XX/123/2025-03-01/status-changes")
    if status != 200:
        fail("status-changes query: %d %s" % (status, text))
    return json.loads(text)["status_changes"]


def segments(edi):
    return [s.strip() for s in edi.split("'") if s.strip()]


carrier = Carrier()
threading.Thread(target=carrier.serve_forever, daemon=True).start()
try:
    with tempfile.TemporaryDirectory() as tmp:
        # Short back-off so the retry cases finish quickly; 3 attempts in all.
        with open(os.path.join(tmp, "retry.json"), "w") as f:
            json.dump({"unsolicited": {"max_attempts": 3, "retry_initial_ms": 100,
                                       "retry_max_ms": 200, "attempt_timeout_ms": 2000}}, f)
        store = os.path.join(tmp, "r.db")
        log = open(os.path.join(tmp, "log.jsonl"), "wb")
        proc, base = start(tmp, store, carrier.server_address[1], log)
        try:
            request = open(os.path.join(
                src, "vectors/edifact/messages/iapi/y_iapi_two_passengers.edi"), "rb").read()
            status, text = call(base, "POST", "/v1/api/iapi", request, "application/edifact")
            if status != 200 or "BGM+962" not in text:
                fail("iAPI request: %d %s" % (status, text))
            abos = re.findall(r"RFF\+ABO:([^']*)'", text)
            if len(abos) < 2:
                fail("962 has no two passengers: " + text)
            first, second = abos[0], abos[1]
            directive_962 = re.findall(r"ERC\+([^']*)'", text)[0]

            # Bad requests first: nothing is stored, nothing is sent.
            for body, ctype, want in ((change(first, "1Z"), "text/plain", 415),
                                      ("{not json", "application/json", 400),
                                      (json.dumps({"flight": {}}), "application/json", 400),
                                      (change(first, "9Q"), "application/json", 400),
                                      (change("9999"), "application/json", 404),
                                      (change(first, "1Z", avf="WRONG1"), "application/json", 404),
                                      (change(first, "1Z", date="2025-03-02"), "application/json",
                                       404),
                                      (change(first, directive_962), "application/json", 409)):
                status, text = call(base, "POST", "/control/v1/status-change", body, ctype)
                if status != want:
                    fail("expected %d for %r, got %d %s" % (want, body[:60], status, text))
                if "problem+json" not in text and not text.startswith("{"):
                    fail("not a problem: " + text)
            status, _ = call(base, "POST", "/control/v1/status-change", change(first), token="bad")
            if status != 401:
                fail("control without a valid token: %d" % status)
            if carrier.received:
                fail("a 132 was sent for a refused change")

            # The scenario: status change to 1Z, the 132 arrives, the 312 is recorded.
            status, text = call(base, "POST", "/control/v1/status-change", change(first, "1Z"))
            if status != 202:
                fail("status change: %d %s" % (status, text))
            answer = json.loads(text)
            if answer["delivery"] != "delivered" or not answer["message_reference"]:
                fail("answer: " + text)
            if not carrier.wait_for(1):
                fail("no 132 arrived")
            path, ctype, cusres = carrier.received[0]
            if path != "/carrier/v1/cusres" or not ctype.startswith("application/edifact"):
                fail("carrier request: %s %s" % (path, ctype))
            segs = segments(cusres)
            want = ["BGM+132", "RFF+AF:XX123", "LOC+125+LHR", "LOC+87+JFK", "ERP+2",
                    "RFF+ABO:%s" % first, "ERC+1Z", "FTX+AAP+++DO NOT BOARD"]
            for w in want:
                if w not in segs:
                    fail("132 lacks %s: %s" % (w, cusres))
            if segs.count("ERP+2") != 1 or ("RFF+ABO:%s" % second) in segs:
                fail("132 names another passenger: " + cusres)
            if "+%s'" % answer["message_reference"] not in cusres.split("UNZ", 1)[1] + "'":
                fail("UNZ reference is not the answered message_reference: " + cusres)
            rows = changes_of(base)
            if len(rows) != 1:
                fail("status changes: %r" % rows)
            row = rows[0]
            if (row["delivery"], row["ack_result"], row["directive"], row["previous"],
                    row["abo"], row["attempts"]) != ("delivered", "acknowledged", "1Z",
                                                     directive_962, first, 1):
                fail("stored change: %r" % row)
            if "BGM+312" not in row.get("acknowledgement", ""):
                fail("312 not stored: %r" % row)
            # The same directive again: 409 (the stored status is now 1Z).
            status, _ = call(base, "POST", "/control/v1/status-change", change(first, "1Z"))
            if status != 409:
                fail("repeat 1Z: %d" % status)

            # Carrier down twice, then up: queued, delivered on the third attempt.
            carrier.mode, carrier.failures_left = "down-twice", 2
            status, text = call(base, "POST", "/control/v1/status-change", change(first, "0Z"))
            if status != 202 or json.loads(text)["delivery"] != "queued":
                fail("change while carrier down: %d %s" % (status, text))
            if not carrier.wait_for(4):
                fail("retries did not reach the carrier")
            end = time.monotonic() + 10
            while time.monotonic() < end:
                row = changes_of(base)[-1]
                if row["delivery"] == "delivered":
                    break
                time.sleep(0.1)
            if (row["delivery"], row["attempts"], row["ack_result"]) != ("delivered", 3,
                                                                         "acknowledged"):
                fail("retried delivery: %r" % row)

            # Carrier stays down: failed after 3 attempts, recorded with the last error.
            carrier.mode = "down"
            status, text = call(base, "POST", "/control/v1/status-change", change(second, "1Z"))
            if status != 202 or json.loads(text)["delivery"] != "queued":
                fail("change, carrier down: %d %s" % (status, text))
            end = time.monotonic() + 10
            while time.monotonic() < end:
                row = changes_of(base)[-1]
                if row["delivery"] != "pending":
                    break
                time.sleep(0.1)
            if (row["delivery"], row["attempts"]) != ("failed", 3) or "503" not in row["last_error"]:
                fail("failed delivery: %r" % row)

            # A 312 that does not echo the directive: delivered, acknowledgement invalid.
            carrier.mode = "wrong-directive"
            status, text = call(base, "POST", "/control/v1/status-change", change(second, "2Z"))
            if status != 202 or json.loads(text)["delivery"] != "delivered":
                fail("change, wrong 312: %d %s" % (status, text))
            row = changes_of(base)[-1]
            if row["ack_result"] != "invalid" or "ERC" not in row["ack_detail"]:
                fail("wrong 312 not flagged: %r" % row)

            status, metrics = call(base, "GET", "/metrics")
            for line in ('apipnr_status_changes_total{outcome="accepted"} 4',
                         'apipnr_status_changes_total{outcome="not_found"} 3',
                         'apipnr_status_changes_total{outcome="unchanged"} 2',
                         'apipnr_unsolicited_deliveries_total{outcome="failed"} 1',
                         'apipnr_unsolicited_acknowledgements_total{result="acknowledged"} 2',
                         'apipnr_unsolicited_acknowledgements_total{result="invalid"} 1'):
                if line not in metrics:
                    fail("metrics lack %s:\n%s" % (line, metrics))
        finally:
            stop(proc)

        # The status is durable: after a restart 2Z is still the current status.
        carrier.mode = "ack"
        proc, base = start(tmp, store, carrier.server_address[1], log)
        try:
            status, _ = call(base, "POST", "/control/v1/status-change", change(second, "2Z"))
            if status != 409:
                fail("status lost across restart: %d" % status)
            if len(changes_of(base)) != 4:
                fail("status changes lost across restart")
        finally:
            stop(proc)
        log.close()
        text = open(os.path.join(tmp, "log.jsonl"), encoding="utf-8").read()
        events = [json.loads(x)["event"] for x in text.splitlines()]
        for e in ("status_change", "unsolicited_delivery"):
            if e not in events:
                fail("log has no %s event" % e)
        if "BRIEN" in text:
            fail("a name reached the log")
finally:
    carrier.shutdown()
print("ok")
