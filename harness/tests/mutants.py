#!/usr/bin/env python3
"""Discrimination test: does apipnr-harness catch each mutant receiver, and only where aimed?

For every leg of harness/tests/mutants.json the unmutated reference receiver is run once (the
baseline); then, for every mutant of that leg, the same receiver is started with the mutant's
`--fault` switches (reference/src/receiver/faults.hpp) and the same harness selection is run.
Per mutant the test asserts:
  (a) caught: at least one aimed case that the baseline judged pass/pass_non_strict/
      informational gets one of the mutant's expected verdicts;
  (b) discriminating: every case outside the aimed set gets exactly its baseline verdict, and
      every aimed case gets its baseline verdict or an expected one (never something else);
  (c) robust: the harness exits 0 or 1 (never 2, never a signal) within its time budget, and
      writes results.json; for `crash` mutants the receiver really died of SIGABRT, the
      crashing case is transport_error/endpoint_down and every later case endpoint_down (the
      test then restarts an unmutated receiver and replays the unreached cases: they must get
      their baseline verdicts, showing that nothing but the crash was lost).
The aimed sets are data (selectors over the vectors: ID globs, requirement IDs, expected
outcome, expected fields, canonical content), never lists of results. The baseline's own
failures are compared with harness/tests/reference-expectations.json and printed (that file is
enforced by harness_e2e_reference_receiver, not here).

usage: mutants.py HARNESS RECEIVER SOURCE_DIR WORK_DIR [MUTANT...]
Exit 0 when every selected mutant is caught and discriminated, 1 otherwise.
"""
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import e2e_support
from e2e_support import amqp_queues, amqp_receiver_flags, broker, fail, remaining

PASSING = {"pass", "pass_non_strict", "informational"}
TRANSPORT = {"timeout", "transport_error", "endpoint_down"}
BUDGET = float(os.environ.get("APIPNR_MUTANTS_BUDGET_S", "280"))  # CTest TIMEOUT is 300
e2e_support.set_budget(BUDGET)


def amqp_prefix(name):
    """Queues of their own per receiver run: nothing left over reaches the next run."""
    return f"mutants.{os.getpid()}.{name}"


def receiver(exe, src, work, name, leg, faults=(), amqp_url=None):
    args = list(leg["receiver"])
    for f in faults:
        args += ["--fault", f]
    if amqp_url:
        args += amqp_receiver_flags(amqp_url, amqp_prefix(name))
    r = e2e_support.receiver(exe, src, work, name, args)
    if amqp_url:
        r.wait_ready(30)
    return r


def write_target(path, base, leg, mutant, name=None, amqp_url=None, fixtures=None):
    t = {
        "name": "reference receiver (mutants)",
        "transport": "http",
        "http": {"endpoints": {
            "paxlst": base + "/v1/api/paxlst",
            "iapi": base + "/v1/api/iapi",
            "pnrgov_edifact": base + "/v1/pnr/edifact",
            "pnrgov_xml": base + "/v1/pnr/xml"}},
        # Generous: the largest inputs (paxlst/26, 100000 segments) took over 10 s on a loaded
        # 2-core machine; a mutant's timeouts (slow-iapi) are set per kind.
        "timeouts": {"connect_ms": 2000, "response_ms": 30000},
        "acknowledgement": "synchronous",
    }
    if fixtures:
        # The receiver loaded the corpus fixtures (e2e_support.receiver): declared, the cases that
        # require them (iAPI watchlist decisions, iapi-sequences) run in every leg too.
        t["fixtures"] = fixtures
    if (mutant or {}).get("query", leg.get("query")):
        # The reference's GET /v1/messages/{id} wraps each canonical message (docs/STORE.md).
        t["query"] = {"base_url": base, "canonical_pointer": "/messages/0/canonical"}
    if amqp_url:
        del t["http"]
        t.update({"transport": "amqp",
                  "amqp": {"broker": amqp_url, "queues": amqp_queues(amqp_prefix(name)),
                           "reply_queue": f"/queue/mutants.{os.getpid()}.{name}.replies"},
                  "acknowledgement": "reply_queue"})
    if mutant and "timeouts" in mutant:
        t["timeouts"].update(mutant["timeouts"])
    with open(path, "w") as f:
        json.dump(t, f, indent=2)


def run_harness(harness, src, work, name, target, selection, jobs):
    out_dir = os.path.join(work, name)
    args = [harness, "run", "--target", target, "--vectors", os.path.join(src, "vectors"),
            "--requirements", os.path.join(src, "specs/requirements"), "--report-dir", out_dir,
            "--run-id", "mutants-" + name, "--jobs", str(jobs), "--quiet"] + selection
    t0 = time.monotonic()
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=remaining())
    except subprocess.TimeoutExpired:
        fail(f"{name}: the harness hung (killed after the time budget)")
    took = time.monotonic() - t0
    out = p.stdout.decode(errors="replace")
    if p.returncode not in (0, 1):
        print(out)
        fail(f"{name}: harness exit {p.returncode} (0 or 1 expected: no crash, no usage error)")
    path = os.path.join(out_dir, "results.json")
    if not os.path.isfile(path):
        fail(f"{name}: results.json missing")
    with open(path) as f:
        res = json.load(f)
    return {c["id"]: c for c in res["cases"]}, [c["id"] for c in res["cases"]], took


def profile_flags(selection):
    """The --profile flag of a harness selection (the rest of it is --run globs)."""
    for i, a in enumerate(selection[:-1]):
        if a == "--profile":
            return ["--profile", selection[i + 1]]
    return []


# ---------------------------------------------------------------------------------------------
# aimed-set selectors (data in mutants.json)
# ---------------------------------------------------------------------------------------------

def load_cases(src):
    """case id -> (case, folder) for the whole corpus."""
    cases = {}
    for root, _, files in os.walk(os.path.join(src, "vectors")):
        if "cases.json" in files:
            with open(os.path.join(root, "cases.json")) as f:
                for c in json.load(f):
                    cases[c["id"]] = (c, root)
    return cases


def glob_match(pattern, case_id):
    """The harness's selection globs: * within a segment, ** across, ancestors select below."""
    rx = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            rx += ".*"
            i += 2
        elif pattern[i] == "*":
            rx += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            rx += "[^/]"
            i += 1
        else:
            rx += re.escape(pattern[i])
            i += 1
    return re.fullmatch(rx + "(/.*)?", case_id) is not None


def expected_canonical(case, folder):
    name = case["expect"].get("canonical")
    if not name:
        return None
    with open(os.path.join(folder, name)) as f:
        return json.load(f)


def canonical_docs(doc):
    """A canonical file holds one message or a list of them."""
    if doc is None:
        return []
    return doc if isinstance(doc, list) else [doc]


def surnames(doc):
    out = []
    for m in canonical_docs(doc):
        for t in m.get("travellers", []):
            out.append(t.get("surname", ""))
        for p in m.get("pnrs", []):
            for t in p.get("travellers", []):
                out.append(t.get("surname", ""))
    return out


def selected(sel, case, folder):
    """True when `case` matches every member of selector `sel` (AND)."""
    cid = case["id"]
    if "ids" in sel and not any(glob_match(g, cid) for g in sel["ids"]):
        return False
    if "not_ids" in sel and any(glob_match(g, cid) for g in sel["not_ids"]):
        return False
    if "requirements" in sel:
        reqs = [s["req"] for s in case.get("specification", [])]
        if not any(fnmatch.fnmatchcase(r, g) for g in sel["requirements"] for r in reqs):
            return False
    if "outcome" in sel and case["expect"]["outcome"] not in sel["outcome"]:
        return False
    if "expects" in sel:
        node = case["expect"]
        for key in sel["expects"].strip("/").split("/"):
            if not isinstance(node, dict) or key not in node:
                return False
            node = node[key]
    if "canonical_message_type" in sel:
        docs = canonical_docs(expected_canonical(case, folder))
        if not any(d.get("message", {}).get("type") in sel["canonical_message_type"] and
                   d.get("travellers") for d in docs):
            return False
    if "canonical_surname_longer_than" in sel:
        n = sel["canonical_surname_longer_than"]
        if not any(len(s) > n for s in surnames(expected_canonical(case, folder))):
            return False
    if "input_contains" in sel:
        needle = sel["input_contains"].encode()
        inputs = [case["input"]] if "input" in case else [
            p["input"] if isinstance(p, dict) else p for p in case.get("parts", [])]
        found = False
        for i in inputs:
            with open(os.path.join(folder, i), "rb") as f:
                found = found or needle in f.read()
        if not found:
            return False
    return True


def aimed_ids(mutant, cases):
    """Union over the mutant's `aimed` selectors."""
    return {cid for cid, (c, folder) in cases.items()
            if any(selected(s, c, folder) for s in mutant["aimed"])}


# ---------------------------------------------------------------------------------------------
# judging a mutant run against the baseline
# ---------------------------------------------------------------------------------------------

def compare(name, mutant, aimed, base, got, order):
    """Returns (problems, caught ids, collateral lines)."""
    expected = set(mutant["verdicts"])
    problems, caught = [], []
    crash = mutant.get("crash", False)
    crashed_at = None
    if crash:
        for i, cid in enumerate(order):
            if cid in aimed and got[cid]["verdict"] in TRANSPORT:
                crashed_at = i
                break
    for i, cid in enumerate(order):
        g = got[cid]["verdict"]
        b = base.get(cid, {}).get("verdict")
        if b is None:
            problems.append(f"{cid}: not in the baseline run")
            continue
        if crash and crashed_at is not None and i > crashed_at:
            # After the crash the receiver is gone: refused connections, nothing else.
            if g not in ("endpoint_down", b):
                problems.append(f"{cid}: {g} after the crash (endpoint_down expected)")
            continue
        if cid in aimed:
            if g in expected and g != b and b in PASSING:
                caught.append(cid)
            elif g != b and g not in expected:
                problems.append(f"{cid} (aimed): {g}, neither baseline {b} nor one of "
                                f"{sorted(expected)}: {got[cid].get('reason', '')}")
        elif g != b and g not in PASSING:  # a mutant may mend a baseline failure
            problems.append(f"{cid} (not aimed): {g} but baseline {b}: "
                            f"{got[cid].get('reason', '')}")
    if not caught:
        problems.append(f"not caught: no aimed case ({len(aimed & set(order))} run) got "
                        f"{sorted(expected)} where the baseline passed")
    if crash and crashed_at is None:
        problems.append("no aimed case ended in a transport verdict: the crash was not seen")
    return problems, caught, crashed_at


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        sys.exit(2)
    harness, receiver_exe, src, work = sys.argv[1:5]
    only = set(sys.argv[5:])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(os.path.join(src, "harness/tests/mutants.json")) as f:
        spec = json.load(f)
    with open(os.path.join(src, "harness/tests/reference-expectations.json")) as f:
        known = json.load(f)["known_failures"]
    cases = load_cases(src)
    mutants = [m for m in spec["mutants"] if not only or m["name"] in only]
    if only - {m["name"] for m in mutants}:
        fail("unknown mutant(s): " + ", ".join(sorted(only - {m["name"] for m in mutants})))
    if not mutants:
        fail("no mutant selected")

    failures, table = [], []
    t_start = time.monotonic()
    mq = None
    if any(spec["legs"][m["leg"]].get("transport") == "amqp" for m in mutants):
        if shutil.which("rabbitmq-server", path=os.environ.get("PATH", "") + ":/usr/sbin"):
            mq = broker(src, work)
        else:
            # The AMQP legs need a broker (scripts/install-deps.sh installs rabbitmq-server).
            print("note: no rabbitmq-server, AMQP mutants skipped", flush=True)
            mutants = [m for m in mutants if spec["legs"][m["leg"]].get("transport") != "amqp"]
    try:
        run_legs(harness, receiver_exe, src, work, spec, mutants, cases, known, mq, failures,
                 table)
    finally:
        if mq:
            mq.stop()
    print(f"total {time.monotonic() - t_start:.1f} s", flush=True)
    if failures:
        for f in failures:
            print("  " + f)
        fail(f"{len(failures)} problem(s)")
    print(f"ok: {len(table)} mutant run(s) caught and discriminated")


def run_legs(harness, receiver_exe, src, work, spec, mutants, cases, known, mq, failures, table):
    fixtures = e2e_support.fixture_hashes(src)
    for leg_name, leg in spec["legs"].items():
        leg_mutants = [m for m in mutants if m["leg"] == leg_name]
        if not leg_mutants:
            continue
        # One baseline per distinct selection of the leg (a mutant may narrow the corpus).
        baselines = {}
        for m in leg_mutants:
            selection = m.get("selection", leg["harness"])
            jobs = m.get("jobs", leg.get("jobs", 2))
            key = json.dumps([selection, jobs, m.get("timeouts"), m.get("query")])
            if key not in baselines:
                name = f"{leg_name}-baseline-{len(baselines)}"
                url = mq.url if mq and leg.get("transport") == "amqp" else None
                r = receiver(receiver_exe, src, work, name, leg, amqp_url=url)
                try:
                    target = os.path.join(work, name + "-target.json")
                    write_target(target, r.base, leg, m, name, url, fixtures)
                    base, _, took = run_harness(harness, src, work, name, target, selection,
                                                jobs)
                finally:
                    r.stop()
                bad = {cid: c["verdict"] for cid, c in base.items()
                       if c["verdict"] not in PASSING | {"skipped"}}
                unknown = sorted(cid for cid in bad if cid not in known)
                print(f"{name}: {len(base)} cases in {took:.1f} s; baseline failures "
                      f"{len(bad)}" + (f" (not in reference-expectations.json: "
                                       f"{', '.join(unknown)})" if unknown else ""), flush=True)
                if any(v in TRANSPORT for v in bad.values()):
                    fail(f"{name}: transport verdicts against the unmutated receiver: " +
                         ", ".join(f"{k}={v}" for k, v in bad.items() if v in TRANSPORT) +
                         " (a machine too loaded for the time-outs?)")
                baselines[key] = base
            base = baselines[key]

            name = f"{leg_name}-{m['name']}"
            aimed = aimed_ids(m, cases)
            url = mq.url if mq and leg.get("transport") == "amqp" else None
            r = receiver(receiver_exe, src, work, name, leg, m["faults"], url)
            try:
                target = os.path.join(work, name + "-target.json")
                write_target(target, r.base, leg, m, name, url, fixtures)
                got, order, took = run_harness(harness, src, work, name, target, selection, jobs)
            finally:
                status = r.stop()
                log = r.log_text()
            if "apipnr.receiver.020" not in log:
                failures.append(f"{name}: no [apipnr.receiver.020] fault warning in its log")
            judged = [cid for cid in order if got[cid]["verdict"] != "skipped"]
            problems, caught, crashed_at = compare(name, m, aimed, base, got, judged)
            replay = ""
            if m.get("crash"):
                if status != -signal.SIGABRT:
                    problems.append(f"the receiver exited with {status}, not SIGABRT")
                if "apipnr.receiver.023" not in log:
                    problems.append("no [apipnr.receiver.023] line before the abort")
                if crashed_at is not None:
                    later = judged[crashed_at + 1:]
                    down = [c for c in later if got[c]["verdict"] == "endpoint_down"]
                    replay = f"; {len(down)} later case(s) endpoint_down"
                    if later:
                        # Restart without the fault and replay what the crash cut off.
                        rname = name + "-restart"
                        r2 = receiver(receiver_exe, src, work, rname, leg, amqp_url=url)
                        try:
                            target = os.path.join(work, rname + "-target.json")
                            write_target(target, r2.base, leg, m, rname, url, fixtures)
                            again, _, _ = run_harness(harness, src, work, rname, target,
                                                      profile_flags(selection) +
                                                      sum((["--run", c] for c in later), []),
                                                      jobs)
                        finally:
                            r2.stop()
                        for c in later:
                            if again.get(c, {}).get("verdict") != base[c]["verdict"]:
                                problems.append(f"{c}: after the restart "
                                                f"{again.get(c, {}).get('verdict')}, baseline "
                                                f"{base[c]['verdict']}")
                        replay += f", replayed after a restart: {len(later)} as the baseline"
            kinds = sorted({got[c]["verdict"] for c in caught})
            line = (f"{name}: {len(caught)}/{len(aimed & set(judged))} aimed case(s) caught "
                    f"({', '.join(kinds) or '-'}), {len(judged) - len(aimed & set(judged))} "
                    f"others unchanged{replay}; {took:.1f} s")
            if problems:
                line += f"; {len(problems)} problem(s)"
                failures += [f"{name}: {p}" for p in problems]
            print(line, flush=True)
            table.append(line)


if __name__ == "__main__":
    main()
