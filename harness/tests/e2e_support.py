"""What the harness's end-to-end scripts (reference_e2e.py, mutants.py) share: a time budget, a
private RabbitMQ node and the reference receiver as a black-box process (never linked)."""
import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

_deadline = time.monotonic() + 170


def set_budget(seconds):
    """Fail with a message before CTest's TIMEOUT kills the script silently."""
    global _deadline
    _deadline = time.monotonic() + seconds


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def report(problems):
    """Prints each problem and a last line (ok / N problem(s)); the script's exit status."""
    for p in problems:
        print("PROBLEM:", p)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def remaining():
    left = _deadline - time.monotonic()
    if left <= 0:
        fail("time budget exhausted")
    return left


class broker:
    """A private RabbitMQ node (scripts/rabbitmq.sh) in WORK_DIR/rabbitmq."""

    def __init__(self, src, work):
        self.script = os.path.join(src, "scripts/rabbitmq.sh")
        self.dir = os.path.join(work, "rabbitmq")
        p = subprocess.run([self.script, "start", self.dir], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=remaining())
        if p.returncode != 0:
            self.stop()
            fail("broker did not start: " + p.stdout.decode(errors="replace")[-500:])
        self.url = None
        with open(os.path.join(self.dir, "env")) as f:
            for line in f:
                if line.startswith("export APIPNR_AMQP_URL="):
                    self.url = line.split("=", 1)[1].strip().strip("'\"")
        if not self.url:
            self.stop()
            fail("no APIPNR_AMQP_URL in " + self.dir + "/env")

    def stop(self):
        subprocess.run([self.script, "stop", self.dir], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)


# The corpus fixtures the receiver loads (vectors/README.md "Fixtures"): the iAPI cases that
# `require` them are judged against exactly these lists, and a target declares them with their
# SHA-256 (fixture_hashes) so that the harness runs those cases.
FIXTURES = {"iapi-watchlist": "vectors/fixtures/iapi-watchlist.json",
            "iapi-authorisations": "vectors/fixtures/iapi-authorisations.json"}


def fixture_hashes(src):
    """{name: sha256 hex} of the fixtures, for a target file's `fixtures` member."""
    out = {}
    for name, rel in FIXTURES.items():
        with open(os.path.join(src, rel), "rb") as f:
            out[name] = hashlib.sha256(f.read()).hexdigest()
    return out


# Harness kind -> receiver intake kind (--amqp-queue KIND=ADDRESS).
AMQP_KINDS = {"paxlst": "paxlst", "iapi": "iapi", "pnrgov_edifact": "pnr_edifact",
              "pnrgov_xml": "pnr_xml"}


def amqp_queues(prefix):
    """Queues of their own per receiver run (PREFIX.KIND): nothing left over reaches the next."""
    return {k: f"/queue/{prefix}.{k}" for k in AMQP_KINDS}


def amqp_receiver_flags(url, prefix):
    flags = ["--amqp-url", url, "--amqp-reconnect-max-ms", "1000",
             "--amqp-dead-letter", f"/queue/{prefix}.dead"]
    for k, address in amqp_queues(prefix).items():
        flags += ["--amqp-queue", f"{AMQP_KINDS[k]}={address}"]
    return flags


class receiver:
    """One apipnr-receiver on 127.0.0.1, ephemeral port, its own store and log in WORK; stopped
    with SIGTERM (graceful, docs/RECEIVER.md)."""

    def __init__(self, exe, src, work, name, extra=()):
        self.log_path = os.path.join(work, name + ".log")
        self.log = open(self.log_path, "wb")
        args = [exe, "--address", "127.0.0.1", "--port", "0",
                "--specs", os.path.join(src, "specs"),
                "--store", os.path.join(work, name + ".db"),
                "--log-level", "warn",
                "--iapi-watchlist", os.path.join(src, FIXTURES["iapi-watchlist"]),
                "--iapi-authorisations",
                os.path.join(src, FIXTURES["iapi-authorisations"])] + list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode().strip()  # blocks until bound or exited
        if not line.startswith("listening on "):
            self.stop()
            fail(f"receiver {name} did not start ({line!r}); see {self.log_path}")
        self.base = "http://" + line[len("listening on "):]

    def wait_ready(self, seconds):
        """Polls /readyz until 200 (with AMQP: the intake holds its broker connection)."""
        end = time.monotonic() + min(seconds, remaining())
        last = ""
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        return
            except urllib.error.HTTPError as e:
                last = e.read().decode(errors="replace")
            except OSError as e:
                last = str(e)
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        fail(f"receiver not ready within {seconds} s ({last.strip()[:200]}); see {self.log_path}")

    def stop(self):
        """Stops the process; returns its exit status (negative: the signal that ended it)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")
