#!/usr/bin/env python3
"""e2e crash test (RCV-DUR-001, RCV-DUP-001): kill -9 apipnr-receiver (SQLite store, HTTP
intake) in the middle of a stream of PAXLST interchanges from several concurrent senders,
restart it on the same store file, and check that

  1. every interchange that got an acknowledgement (HTTP 202 with an id) is in the store
     exactly once, with its id, and nothing is half-stored (each interchange row has its
     message, flight and traveller rows; PRAGMA integrity_check is ok);
  2. resending every unacknowledged interchange works: each is then acknowledged, either as
     new or, when its COMMIT had finished before the kill but the answer was lost, as a
     duplicate of the stored copy (X-Apipnr-Duplicate-Of), never stored twice;
  3. at the end the store holds every interchange sent exactly once.

Then hostile input against the restarted process: binary garbage, invalid UTF-8 declared
utf-8, an oversized body (413), a wrong content type (415), a malformed request line, a
stalled request (408), an XML bomb; after each, the next good message is acknowledged
normally, and the process's resident memory stays bounded.

Loopback only, temporary directory, bounded in time (well under 60 s).
Usage: receiver_crash_test.py <apipnr-receiver> <source dir>
"""
import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

exe, src = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 55
SENDERS = 4
PER_SENDER = 60
KILL_AFTER_ACKS = 70  # kill -9 once this many acknowledgements have been seen


def fail(msg):
    print("FAIL:", msg, flush=True)
    sys.exit(1)


A1 = open(os.path.join(src, "vectors/edifact/messages/paxlst/y_a1_one_passenger.edi"),
          "rb").read()
if A1.count(b"+1001") != 2:  # UNB 0020 and UNZ 0020 of the appendix example
    fail("vector y_a1_one_passenger.edi changed: expected its control reference 1001 twice")


def interchange(sender, n):
    """A1 with its own control reference (RCV-DUP-001 key) per sender and sequence number."""
    return A1.replace(b"+1001", b"+%d%04d" % (sender + 1, n))


def reference_of(sender, n):
    return "%d%04d" % (sender + 1, n)


class Receiver:
    def __init__(self, store, log_path):
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [exe, "--port", "0", "--specs", os.path.join(src, "specs"), "--store", store,
             "--workers", "4", "--read-timeout-ms", "1500", "--max-body-bytes", "1048576"],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on 127.0.0.1:"):
            self.proc.kill()
            fail("unexpected first line: %r" % line)
        self.port = int(line.rsplit(":", 1)[1])

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                fail("did not stop on SIGTERM")
            if code != 0:
                fail("exit code %d after SIGTERM" % code)
        self.log.close()

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def post(port, body, content_type="application/edifact", path="/v1/api/paxlst", timeout=10):
    """(status, headers dict, body) or None when the connection failed (no acknowledgement)."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("POST", path, body=body, headers={"Content-Type": content_type})
        r = c.getresponse()
        data = r.read()
        headers = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, headers, data
    except (OSError, http.client.HTTPException):
        return None


def show(answer):
    return "no answer" if answer is None else "%d %r" % (answer[0], answer[2][:300])


def acknowledged(answer):
    """The store id of an acknowledged interchange, else None (RCV-DUR-001: 2xx only after
    COMMIT)."""
    if answer is None or answer[0] != 202 or not answer[2].startswith(b"accepted id="):
        return None
    return int(answer[2].split(b"id=")[1].split()[0])


with tempfile.TemporaryDirectory() as tmp:
    store = os.path.join(tmp, "store.db")
    log_path = os.path.join(tmp, "receiver.log")
    rcv = Receiver(store, log_path)

    # ---- 1. concurrent senders, kill -9 in the middle --------------------------------------
    acked = {}  # reference -> store id
    unacked = set()  # references sent without an acknowledgement
    lock = threading.Lock()
    killed = threading.Event()

    def sender(s):
        for n in range(PER_SENDER):
            ref = reference_of(s, n)
            answer = post(rcv.port, interchange(s, n), timeout=5)
            got = acknowledged(answer)
            with lock:
                if got is not None:
                    acked[ref] = got
                else:
                    if answer is not None and not killed.is_set():
                        fail("%s answered %r before the kill" % (ref, answer[:2]))
                    unacked.add(ref)
            if killed.is_set() and answer is None:
                # The receiver is gone: every later message of this sender is unsent.
                for m in range(n + 1, PER_SENDER):
                    with lock:
                        unacked.add(reference_of(s, m))
                return

    threads = [threading.Thread(target=sender, args=(s,)) for s in range(SENDERS)]
    for t in threads:
        t.start()
    while True:
        with lock:
            n_acked = len(acked)
        if n_acked >= KILL_AFTER_ACKS:
            break
        if time.monotonic() > deadline - 35:
            fail("only %d acknowledgements before the kill deadline" % n_acked)
        time.sleep(0.002)
    killed.set()
    rcv.kill9()
    for t in threads:
        t.join(timeout=20)
    total = SENDERS * PER_SENDER
    if len(acked) + len(unacked) != total:
        fail("bookkeeping: %d acked + %d unacked != %d" % (len(acked), len(unacked), total))
    if not unacked:
        fail("the kill came after the last message; nothing to prove")
    print("killed after %d acknowledgements, %d unacknowledged" % (len(acked), len(unacked)),
          flush=True)

    # ---- 2. the store after the crash --------------------------------------------------------
    def check_store(expect_refs):
        db = sqlite3.connect("file:%s?mode=ro" % store, uri=True)
        try:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                fail("integrity_check")
            rows = db.execute(
                "SELECT id, control_reference, verdict, "
                "(SELECT count(*) FROM messages m WHERE m.interchange_id = i.id), "
                "(SELECT count(*) FROM travellers t JOIN messages m ON t.message_id = m.id "
                " WHERE m.interchange_id = i.id), "
                "(SELECT count(*) FROM flights f JOIN messages m ON f.message_id = m.id "
                " WHERE m.interchange_id = i.id) "
                "FROM interchanges i").fetchall()
        finally:
            db.close()
        by_ref = {}
        for id_, ref, verdict, msgs, travellers, flights in rows:
            if verdict == "reject" and ref not in expect_refs:
                continue  # hostile input, stored with its verdict (RCV-DUR-003)
            if ref in by_ref:
                fail("reference %s stored twice (ids %d and %d)" % (ref, by_ref[ref], id_))
            by_ref[ref] = id_
            # Nothing half-stored: A1 is one message with one flight and one traveller.
            if verdict != "accept" or (msgs, travellers, flights) != (1, 1, 1):
                fail("interchange %d (%s) is %s with %d messages, %d travellers, %d flights"
                     % (id_, ref, verdict, msgs, travellers, flights))
        for ref, id_ in expect_refs.items():
            if by_ref.get(ref) != id_:
                fail("acknowledged %s (id %d) is not stored under that id: %r"
                     % (ref, id_, by_ref.get(ref)))
        return by_ref

    rcv = Receiver(store, log_path)  # restart on the same file (WAL recovery)
    stored = check_store(acked)
    lost_answers = sorted(set(stored) & unacked)  # committed, but the answer never arrived
    print("after restart: %d stored (%d of them committed without their answer)"
          % (len(stored), len(lost_answers)), flush=True)

    # ---- 3. resend the unacknowledged ------------------------------------------------------
    for ref in sorted(unacked):
        s, n = int(ref[0]) - 1, int(ref[1:])
        answer = post(rcv.port, interchange(s, n))
        got = acknowledged(answer)
        if got is None:
            fail("resend of %s not acknowledged: %r" % (ref, show(answer)))
        dup = answer[1].get("x-apipnr-duplicate-of")
        if ref in stored:
            if dup != str(stored[ref]) or got != stored[ref]:
                fail("resend of stored %s: id %d, duplicate-of %r, expected %d"
                     % (ref, got, dup, stored[ref]))
        elif dup is not None:
            fail("resend of unstored %s answered as duplicate of %s" % (ref, dup))
        acked[ref] = got
    # And one acknowledged before the crash, resent: a duplicate, nothing new.
    first = sorted(set(acked) - unacked)[0]
    s, n = int(first[0]) - 1, int(first[1:])
    answer = post(rcv.port, interchange(s, n))
    if acknowledged(answer) != acked[first] or answer[1].get("x-apipnr-duplicate-of") is None:
        fail("resend of acknowledged %s: %r" % (first, show(answer)))

    # ---- 4. hostile input, each followed by a good message -----------------------------------
    good_n = [1000]

    def good_message_works(after):
        s = 3
        good_n[0] += 1
        answer = post(rcv.port, interchange(s, good_n[0]))
        got = acknowledged(answer)
        if got is None or answer[1].get("x-apipnr-duplicate-of") is not None:
            fail("good message after %s: %r" % (after, show(answer)))
        acked[reference_of(s, good_n[0])] = got

    def raw_exchange(data, wait_close=5.0):
        """Send raw bytes on a new connection; return what came back until close/timeout."""
        c = socket.create_connection(("127.0.0.1", rcv.port), timeout=wait_close)
        try:
            if data:
                c.sendall(data)
            out = b""
            while True:
                try:
                    chunk = c.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                out += chunk
            return out
        finally:
            c.close()

    rss_before = rcv.rss_kib()
    for round_ in range(3):
        a = post(rcv.port, bytes(range(256)) * 64)  # binary garbage
        if a is None or a[0] != 400:
            fail("binary garbage: %r" % (show(a),))
        good_message_works("binary garbage")
        a = post(rcv.port, interchange(2, 9000 + round_).replace(b"ANNE", b"AN\xc3\x28NE"),
                 content_type="text/plain; charset=utf-8")
        if a is None or a[0] != 400 or b"invalid-utf8" not in a[2]:
            fail("invalid UTF-8: %r" % (show(a),))
        good_message_works("invalid UTF-8")
        # Oversized (limit 1 MiB here): announced by Content-Length, answered before the body.
        out = raw_exchange(b"POST /v1/api/paxlst HTTP/1.1\r\nHost: x\r\nContent-Type: "
                           b"application/edifact\r\nContent-Length: 4194304\r\n\r\n"
                           + b"X" * 65536)
        if not out.startswith(b"HTTP/1.1 413"):
            fail("oversized body: %r" % out[:40])
        good_message_works("an oversized body")
        a = post(rcv.port, A1, content_type="application/pdf")
        if a is None or a[0] != 415:
            fail("wrong content type: %r" % (show(a),))
        good_message_works("a wrong content type")
        out = raw_exchange(b"GARBAGE / HTTP/9.9\r\n\r\n")
        if not out.startswith(b"HTTP/1.1 400"):
            fail("malformed request line: %r" % out[:40])
        good_message_works("a malformed request")
        # Stalled: headers promise 100 bytes, 10 arrive, then nothing (read timeout 1.5 s).
        out = raw_exchange(b"POST /v1/api/paxlst HTTP/1.1\r\nHost: x\r\nContent-Type: "
                           b"application/edifact\r\nContent-Length: 100\r\n\r\nUNB+UNOA:4",
                           wait_close=6.0)
        if not out.startswith(b"HTTP/1.1 408"):
            fail("stalled request: %r" % out[:40])
        good_message_works("a stalled request")
        bomb = open(os.path.join(src, "vectors/xml/pnrgov/n_doctype_billion_laughs.xml"),
                    "rb").read()
        a = post(rcv.port, bomb, content_type="application/xml", path="/v1/pnr/xml")
        if a is None or a[0] < 400 or a[0] >= 500:
            fail("XML bomb: %r" % (show(a),))
        good_message_works("an XML bomb")
        if round_ == 0:
            rss_after_first = rcv.rss_kib()
    rss_end = rcv.rss_kib()
    # Bounded: repeating the hostile round does not keep growing the process (allocator pools
    # and SQLite's cache may grow once; a leak of a body or of the XML would show).
    if rss_end > rss_after_first + 16 * 1024:
        fail("RSS grew from %d KiB (after round 1) to %d KiB (after round 3)"
             % (rss_after_first, rss_end))
    print("RSS %d KiB before hostile input, %d after round 1, %d after round 3"
          % (rss_before, rss_after_first, rss_end), flush=True)

    rcv.stop()
    final = check_store(acked)
    expected = {reference_of(s, n) for s in range(SENDERS) for n in range(PER_SENDER)}
    expected |= {reference_of(3, n) for n in range(1001, good_n[0] + 1)}
    if set(final) != expected:
        fail("store holds %d interchanges, expected %d" % (len(final), len(expected)))
print("ok")
