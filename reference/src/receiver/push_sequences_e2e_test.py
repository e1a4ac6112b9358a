#!/usr/bin/env python3
"""e2e: the PNR push sequences (vectors/edifact/messages/pnrgov-sequences) against the
apipnr-receiver executable, checking what the harness cannot see in a positive ACKRES: the
warnings of the push history (docs/RECEIVER.md "PNR push history").

One receiver per profile the cases name (baseline, eu), on a SQLite store in a temp folder,
restarted between the first and the second push of every case, so that each second push is
judged against history read back from the store. For each send step: HTTP 200 ACKRES, X-Apipnr-Verdict
accept (no warning expected) or accept_with_warnings, and the stored findings
(GET /v1/messages/<id>) carry a warning for every expected requirement and no PNRPUSH-*
finding where none is expected. Loopback only, bounded in time.
Usage: push_sequences_e2e_test.py <apipnr-receiver> <source dir>
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

exe, src = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 50
folder = os.path.join(src, "vectors/edifact/messages/pnrgov-sequences")


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


class receiver:
    def __init__(self, store, profile, log):
        self.proc = subprocess.Popen(
            [exe, "--port", "0", "--specs", os.path.join(src, "specs"), "--profile", profile,
             "--syntax-mode", "tolerant", "--store", store, "--workers", "2"],
            stdout=subprocess.PIPE, stderr=log, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on 127.0.0.1:"):
            self.stop()
            fail("unexpected first line: %r" % line)
        self.base = "http://127.0.0.1:%d" % int(line.rsplit(":", 1)[1])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            if self.proc.wait(timeout=max(1, deadline - time.monotonic())) != 0:
                fail("receiver exit code %d" % self.proc.returncode)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("receiver did not stop on SIGTERM")

    def post(self, body):
        req = urllib.request.Request(self.base + "/v1/pnr/edifact", data=body, method="POST",
                                     headers={"Content-Type": "application/edifact"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("X-Apipnr-Verdict"), r.headers.get("Location"), \
                r.read()

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=10) as r:
            return json.loads(r.read())


cases = json.load(open(os.path.join(folder, "cases.json"), encoding="utf-8"))
if len(cases) < 10:
    fail("expected the pnrgov-sequences cases, found %d" % len(cases))
checked = 0
with tempfile.TemporaryDirectory() as tmp, open(os.path.join(tmp, "log"), "wb") as log:
    for profile in sorted({c.get("profile", "baseline") for c in cases}):
        store = os.path.join(tmp, profile + ".db")
        mine = [c for c in cases if c.get("profile", "baseline") == profile]
        sends = {c["id"]: [s for s in c["steps"] if "send" in s] for c in mine}
        for k in range(max(len(v) for v in sends.values())):
            # A fresh process for every round of pushes: the history comes back from the store.
            r = receiver(store, profile, log)
            try:
                for c in mine:
                    if k >= len(sends[c["id"]]):
                        continue
                    step = sends[c["id"]][k]
                    body = open(os.path.join(folder, step["send"]), "rb").read()
                    status, verdict, location, ack = r.post(body)
                    want = step["expect"].get("pass", {}).get("warning_requirements", [])
                    at = "%s step %d (%s)" % (c["id"], k + 1, step["send"])
                    if status != 200 or b"ACKRES" not in ack:
                        fail("%s: HTTP %d %r" % (at, status, ack[:200]))
                    if verdict != ("accept_with_warnings" if want else "accept"):
                        fail("%s: verdict %s, expected warnings %s" % (at, verdict, want))
                    findings = r.get(location)["findings"]
                    warned = {f["requirement"] for f in findings if f["severity"] == "warning"}
                    for req in want:
                        if req not in warned:
                            fail("%s: no warning for %s: %s" % (at, req, findings))
                    push_ids = [f["id"] for f in findings if f["id"].startswith("PNRPUSH-")]
                    if not want and push_ids:
                        fail("%s: unexpected push findings %s" % (at, push_ids))
                    checked += 1
            finally:
                r.stop()
print("ok: %d pushes of %d cases" % (checked, len(cases)))
