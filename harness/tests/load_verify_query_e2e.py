#!/usr/bin/python3
"""Nothing lost, part two, end to end: `apipnr-harness load --verify-query N` keeps the Location
of up to N acknowledged messages and reads each back from the target's query interface
(docs/HARNESS.md "Load"). Against the reference receiver (a separate process, never linked)
every kept message must be found; against the same receiver with a query base URL under which
nothing is served, none may be (so the count is really read from the answers, and a receiver
that acknowledges what it cannot show would be caught). The same holds for the sample probed
during the run (acknowledged -> queryable): against the reference, which answers after its
commit, every probed message is queryable at once (lag well under the probe's deadline);
under the empty base, none is, each probe giving up at its deadline.

usage: load_verify_query_e2e.py HARNESS RECEIVER SOURCE_DIR WORK_DIR"""
import json
import os
import shutil
import subprocess
import sys

import e2e_support

KEPT = 30
PROBE_MS = 1500


def load(harness, target, payload, out):
    cmd = [harness, "load", "--target", target, "--payload", "paxlst=" + payload,
           "--unique-refs", "--rate", "40", "--duration", "2", "--connections", "4",
           "--calibrate-seconds", "0", "--verify-query", str(KEPT), "--quiet",
           "--queryable-timeout-ms", str(PROBE_MS),
           "--report-dir", out, "--run-id", os.path.basename(out)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    print(res.stdout, end="")
    if res.returncode != 0:
        print(res.stderr)
        raise SystemExit(f"load exited {res.returncode}")
    with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
        return json.load(f)["performance"]["runs"][0]


def write_target(path, base, query_base):
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"name": "reference receiver (verify-query)", "transport": "http",
                   "http": {"endpoints": {"paxlst": base + "/v1/api/paxlst"}},
                   "query": {"base_url": query_base},
                   "acknowledgement": "synchronous"}, f)


def main():
    harness, receiver_exe, src, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    payload = os.path.join(src, "vectors/edifact/messages/paxlst/y_a1_one_passenger.edi")
    problems = []
    r = e2e_support.receiver(receiver_exe, src, work, "receiver")
    try:
        runs = {}
        for name, query_base in (("found", r.base), ("nowhere", r.base + "/nowhere")):
            target = os.path.join(work, name + ".json")
            write_target(target, r.base, query_base)
            runs[name] = load(harness, target, payload, os.path.join(work, name))
    finally:
        r.stop()
    for name, run in runs.items():
        q = run.get("query", {})
        print(f"{name}: ok={run['ok']} errors={run['error_total']} query={q}")
        if run["error_total"] != 0 or run["ok"] < KEPT:
            problems.append(f"{name}: {run['ok']} answered, {run['error_total']} errors")
        if q.get("queried") != KEPT:
            problems.append(f"{name}: {q.get('queried')} looked up, {KEPT} expected")
    if runs["found"].get("query", {}).get("found") != KEPT:
        problems.append("the reference's acknowledged messages were not all found")
    if runs["nowhere"].get("query", {}).get("found") != 0:
        problems.append("messages were 'found' under a base URL that serves nothing")
    for name, run in runs.items():
        a = run.get("query", {}).get("queryable", {})
        print(f"{name}: acknowledged -> queryable {a}")
        if a.get("probed", 0) < 1 or a.get("probed", 0) + a.get("not_sampled", 0) != KEPT:
            problems.append(f"{name}: {a.get('probed')} probed + {a.get('not_sampled')} not "
                            f"sampled, {KEPT} kept")
    fa, na = (runs[n].get("query", {}).get("queryable", {}) for n in ("found", "nowhere"))
    if fa.get("queryable") != fa.get("probed"):
        problems.append("a message the reference acknowledged was not queryable in time")
    # The reference acknowledges after its commit: queryable at the first GET, whose lag is the
    # harness's own hand-over (the median; single samples can wait for a loaded core).
    if fa.get("p50_ms", PROBE_MS) >= 100:
        problems.append(f"queryable lag p50 {fa.get('p50_ms')} ms against the reference")
    if na.get("queryable") != 0:
        problems.append("a message was 'queryable' under a base URL that serves nothing")
    return e2e_support.report(problems)


if __name__ == "__main__":
    sys.exit(main())
