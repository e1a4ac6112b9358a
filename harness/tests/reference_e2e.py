#!/usr/bin/env python3
"""End-to-end: apipnr-harness against the reference receiver, as a black box.

Starts build/.../apipnr-receiver on 127.0.0.1 with an ephemeral port (never linked: the harness
only talks HTTP to it), writes a target file, runs the harness over the syntax corpus (receiver
in strict syntax mode with --syntax-only: ISO 9735 as written, without the message layer, as the
reference's own vector tests judge it) and the message-level corpus (a second receiver running
the pipeline in tolerant mode, where the profile's syntax table decides: vectors/README.md),
then signs both
report folders with a fresh Ed25519 key and verifies them (trusted key, corpus digest), and
checks that a tampered folder does not verify.

Transport (--transport): `http` (default) posts to the receiver's endpoints; `amqp` starts a
private RabbitMQ (scripts/rabbitmq.sh, data in WORK_DIR/rabbitmq, stopped at the end), starts each
receiver with its AMQP intake on queues of its own (/queue/e2e.<leg>.<kind>), waits for /readyz
(the intake is connected), and runs the same suite through the broker with replies on
/queue/e2e.<leg>.replies (docs/AMQP.md, docs/RECEIVER.md "AMQP intake"). One runner, two
transports: the expectations and every check are the same.

Expected results: every case the run judged must pass, except those listed in
harness/tests/reference-expectations.json ({"known_failures": {"<case id>": "<reason>"}}, and
"known_failures_amqp" for cases that fail only over AMQP).
The test fails on an unexpected failure, and also on a listed case that now passes (so the
list cannot go stale). Transport verdicts (timeout, transport_error, endpoint_down) are
failures here: the reference is on loopback and must answer.

usage: reference_e2e.py HARNESS RECEIVER SOURCE_DIR WORK_DIR [--transport http|amqp]
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request

from e2e_support import (amqp_queues, amqp_receiver_flags, broker, fail, fixture_hashes, receiver,
                         remaining, set_budget)

PASSING = {"pass", "pass_non_strict", "informational", "skipped"}
set_budget(170)  # CTest's TIMEOUT is 180 s: fail with a message first


def amqp_prefix(leg):
    """Queues of their own per leg and run."""
    return f"e2e.{leg}.{os.getpid()}"


def free_port():
    """A loopback port free right now: the receiver is told to deliver unsolicited CUSRES 132
    there and the harness's simulated carrier listens on it (target `unsolicited`)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_target(path, base, src, amqp_url=None, leg=None, carrier_port=None):
    t = {
        "name": "reference receiver (e2e)",
        "transport": "http",
        "http": {"endpoints": {
            "paxlst": base + "/v1/api/paxlst",
            "iapi": base + "/v1/api/iapi",
            "pnrgov_edifact": base + "/v1/pnr/edifact",
            "pnrgov_xml": base + "/v1/pnr/xml"}},
        # 30 s: paxlst/26 (100000 traveller groups, rejected) makes the reference store 100000
        # traveller rows and 400000 findings, about 4 s of CPU, far more on a busy 2-core CI.
        "timeouts": {"connect_ms": 2000, "response_ms": 30000},
        "acknowledgement": "synchronous",
        # Canonical data checks: the harness GETs /v1/messages/{id} (id from the answer's
        # Location), takes messages[0].canonical of the stored interchange and compares it with
        # the case's expected canonical JSON. Every case has its own UNB sender + control
        # reference (vectors/README.md "Interchange keys"), so the receiver's duplicate
        # detection (RCV-DUP-001) never answers one case with another's stored message.
        "query": {"base_url": base, "canonical_pointer": "/messages/0/canonical"},
        # The receiver loaded the corpus fixtures (e2e_support.receiver): the iAPI cases whose
        # CUSRES directives depend on them run (expect.cusres, `requires`).
        "fixtures": fixture_hashes(src),
    }
    if carrier_port:
        # Officer status changes (edifact/messages/iapi-status): the control API over HTTP on
        # both legs, the 132 to the harness's simulated carrier (shared contract C3): on a
        # loopback port, or over AMQP on the carrier's queue (carrier_port is then its address).
        t["control"] = {"status_change_url": base + "/control/v1/status-change"}
        if str(carrier_port).startswith("/"):
            t["unsolicited"] = {"queue": carrier_port}
        else:
            t["unsolicited"] = {"http_listen": f"127.0.0.1:{carrier_port}"}
    if amqp_url:
        del t["http"]
        t.update({"transport": "amqp",
                  "amqp": {"broker": amqp_url, "queues": amqp_queues(amqp_prefix(leg)),
                           "reply_queue": f"/queue/e2e.{leg}.{os.getpid()}.replies"},
                  "timeouts": {"connect_ms": 5000, "response_ms": 10000},
                  "acknowledgement": "reply_queue"})
    with open(path, "w") as f:
        json.dump(t, f, indent=2)


def run(args, what, allowed=(0,)):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=remaining())
    out = p.stdout.decode(errors="replace")
    if p.returncode not in allowed:
        print(out)
        fail(f"{what}: exit {p.returncode}, expected {allowed}")
    return p.returncode, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("harness")
    ap.add_argument("receiver")
    ap.add_argument("src")
    ap.add_argument("work")
    ap.add_argument("--transport", choices=("http", "amqp"), default="http")
    a = ap.parse_args()
    harness, receiver_exe, src, work = a.harness, a.receiver, a.src, a.work
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    mq = broker(src, work) if a.transport == "amqp" else None
    try:
        run_suite(harness, receiver_exe, src, work, mq)
    finally:
        if mq:
            mq.stop()


def run_suite(harness, receiver_exe, src, work, mq):
    with open(os.path.join(src, "harness/tests/reference-expectations.json")) as f:
        expectations = json.load(f)
    known = dict(expectations["known_failures"])
    if mq:  # failures seen only over AMQP are listed apart
        known.update(expectations.get("known_failures_amqp", {}))

    vectors = os.path.join(src, "vectors")
    reqs = os.path.join(src, "specs/requirements")
    # (leg, receiver syntax mode, selection): syntax cases are judged as ISO 9735 is written,
    # message-level cases under their profile (baseline here), as the reference's own vector
    # tests do.
    # Country profiles need a receiver started with that profile (one profile per process);
    # eu adds the EU PNR push window (pnrgov-sequences/10, 11).
    messages = ["--run", "edifact/messages", "--run", "xml"]
    legs = [("syntax", "strict", ["--syntax-only"], ["--run", "edifact/syntax"])]
    # The baseline leg runs the SHOULD cases too (--strict): the reference meets them, and the
    # resend sequences (RCV-DUP-001, RCV-MULTI-002: vectors/README.md "Sequences") are SHOULD.
    legs += [(p, "tolerant", ["--profile", p],
              ["--profile", p] + (["--strict"] if p == "baseline" else []) + messages)
             for p in ("baseline", "us", "uk", "cn", "eu")]
    results = {}
    for leg, mode, extra, selection in legs:
        if mq:
            extra = list(extra) + amqp_receiver_flags(mq.url, amqp_prefix(leg))
        carrier_port = None
        if leg != "syntax" and mq:
            carrier_port = f"/queue/e2e.{leg}.{os.getpid()}.carrier"
            # The 132 names the reply queue as reply-to; the receiver reads the carrier's 312 there.
            extra = list(extra) + ["--carrier-unsolicited-queue", carrier_port,
                                   "--carrier-reply-queue", carrier_port + ".replies"]
        elif leg != "syntax":
            carrier_port = free_port()
            extra = list(extra) + ["--carrier-unsolicited-url",
                                   f"http://127.0.0.1:{carrier_port}/carrier/v1/cusres"]
        r = receiver(receiver_exe, src, work, leg,
                     ["--syntax-mode", mode, "--workers", "2"] + list(extra))
        try:
            if mq:
                r.wait_ready(30)
            target = os.path.join(work, leg + "-target.json")
            write_target(target, r.base, src, mq.url if mq else None, leg, carrier_port)
            out_dir = os.path.join(work, leg)
            code, out = run([harness, "run", "--target", target, "--vectors", vectors,
                             "--requirements", reqs, "--report-dir", out_dir,
                             "--run-id", "e2e-" + leg, "--jobs", "2", "--quiet"] + selection,
                            "harness run " + leg, allowed=(0, 1))
            # The summary line ("run <id>: ..."); stderr (merged) may come first, e.g. the
            # simulated carrier's "listening on" line.
            print(next((x for x in out.splitlines() if x.startswith("run ")), ""), flush=True)
        finally:
            r.stop()
        for f in ("results.json", "junit.xml", "report.html"):
            if not os.path.isfile(os.path.join(out_dir, f)):
                fail(f"{leg}: {f} missing")
        with open(os.path.join(out_dir, "results.json")) as f:
            res = json.load(f)
        if res.get("exit_code") != code:
            fail(f"{leg}: exit {code} but results.json says {res.get('exit_code')}")
        judged = [c for c in res["cases"] if c["verdict"] not in ("skipped",)]
        if not judged:
            fail(f"{leg}: no case was judged")
        if not any(r.get("confidence") for r in res["requirements"]):
            fail(f"{leg}: requirements[] carry no confidence tag")
        results[leg] = (out_dir, res)

    # Expectations: unexpected failures and stale entries both fail the test.
    unexpected, seen, failing = [], set(), set()
    for leg, (_, res) in results.items():
        for c in res["cases"]:
            if c["verdict"] == "skipped":
                continue
            seen.add(c["id"])
            if c["verdict"] not in PASSING:
                failing.add(c["id"])
                if c["id"] not in known:
                    unexpected.append(f"{leg}: {c['verdict']} {c['id']}: {c.get('reason', '')}")
    # A case judged under several profiles counts as fixed only when it fails under none.
    fixed = [f"{k} (listed: {v})" for k, v in known.items() if k in seen and k not in failing]
    for leg, (_, res) in results.items():
        counts = {k: v for k, v in res["counts"].items() if v}
        print(f"{leg}: {counts}")
    stale = [k for k in known if k not in seen]

    # Sign and verify both folders with a fresh evaluator key.
    key, pub = os.path.join(work, "evaluator.pem"), os.path.join(work, "evaluator.pub.pem")
    run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], "openssl genpkey")
    run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub], "openssl pkey")
    for leg, (out_dir, _) in results.items():
        run([harness, "sign", "--report-dir", out_dir, "--key", key], "sign " + leg)
        _, out = run([harness, "verify", "--report-dir", out_dir, "--public-key", pub,
                      "--vectors", vectors], "verify " + leg)
        if "authenticated" not in out:
            fail(f"verify {leg} did not say it authenticated the signer:\n{out}")
    # A changed report must not verify (exit 1), and a usage error is 2.
    tampered = results["syntax"][0]
    with open(os.path.join(tampered, "report.html"), "a") as f:
        f.write("<!-- edited -->")
    _, out = run([harness, "verify", "--report-dir", tampered, "--public-key", pub],
                 "verify tampered", allowed=(1,))
    if "apipnr.harness.533" not in out:
        fail("tampered report.html not reported as 533:\n" + out)
    run([harness, "verify"], "verify without --report-dir", allowed=(2,))
    # The comparison page renders: same corpus, catalogue and (no) tender profile.
    run([harness, "report", "--compare", os.path.join(results["syntax"][0], "results.json"),
         os.path.join(results["baseline"][0], "results.json"), "--out",
         os.path.join(work, "comparison.html"), "--requirements", reqs], "report --compare")

    if unexpected:
        print("unexpected results (add to harness/tests/reference-expectations.json with a "
              "reason only if the reference is known to be wrong or the case is not "
              "applicable):")
        for u in unexpected:
            print("  " + u)
    if fixed:
        print("listed as known failures but no longer failing (remove them):")
        for f in fixed:
            print("  " + f)
    if stale:
        print("listed cases that were not run: " + ", ".join(stale))
    if unexpected or fixed or stale:
        sys.exit(1)
    print(f"ok: {len(known)} known failure(s) still failing as listed")


if __name__ == "__main__":
    main()
