#!/usr/bin/python3
"""`apipnr-harness load` end to end against its built-in null endpoint: exit codes (0 targets
held, 1 a target failed, 2 usage), results.json valid against specs/schemas/results.schema.json
with its performance section, report.html with the Performance section, and the example tender
profile valid against specs/schemas/tender-profile.schema.json.

usage: load_cli_check.py HARNESS SOURCE_DIR WORK_DIR"""
import json
import os
import shutil
import subprocess
import sys

import jsonschema

import e2e_support


def main():
    harness, src, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(f"{src}/specs/schemas/results.schema.json", encoding="utf-8") as f:
        results_schema = json.load(f)
    with open(f"{src}/specs/schemas/tender-profile.schema.json", encoding="utf-8") as f:
        tender_schema = json.load(f)
    problems = []
    with open(f"{src}/specs/tender/tender-profile.example.json", encoding="utf-8") as f:
        for e in jsonschema.Draft7Validator(tender_schema).iter_errors(json.load(f)):
            problems.append(f"tender example: {'/'.join(map(str, e.path))}: {e.message}")

    tender = os.path.join(work, "tender.json")
    with open(tender, "w", encoding="utf-8") as f:
        json.dump({"name": "load check", "performance_targets": {"targets": [
            {"id": "p99", "kind": "paxlst", "rate_per_second": 200, "duration_s": 3,
             "latency": [{"percentile": 99, "max_ms": 400}], "nothing_lost": True},
            {"id": "iapi", "kind": "iapi", "rate_per_second": 50, "duration_s": 60,
             "latency": [{"percentile": 99, "max_ms": 1000}]}]}}, f)
    payload = f"{src}/vectors/edifact/messages/paxlst/y_a1_one_passenger.edi"
    base = [harness, "load", "--null-endpoint", "--payload", "paxlst=" + payload, "--rate", "200",
            "--duration", "3", "--connections", "4", "--calibrate-seconds", "0.3", "--quiet",
            "--tender", tender, "--interval-ms", "500", "--lag-threshold-ms", "50"]

    def run(name, extra, want):
        out = os.path.join(work, name)
        res = subprocess.run(base + extra + ["--report-dir", out, "--run-id", name],
                             capture_output=True, text=True, timeout=60)
        print(res.stdout, res.stderr)
        if res.returncode != want:
            problems.append(f"{name}: exit {res.returncode}, expected {want}")
            return None
        with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
            doc = json.load(f)
        for e in jsonschema.Draft7Validator(results_schema).iter_errors(doc):
            problems.append(f"{name}/results.json: {'/'.join(map(str, e.path))}: {e.message}")
        with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
            if 'id="performance"' not in f.read():
                problems.append(f"{name}/report.html has no Performance section")
        return doc

    held = run("held", [], 0)
    if held:
        verdicts = {t["id"]: t["verdict"] for t in held["performance"]["targets"]}
        if verdicts != {"p99": "pass", "iapi": "not_assessed"}:
            problems.append(f"held: verdicts {verdicts}")
    # A 1 s stall of the endpoint breaks p99 <= 400 ms: exit 1.
    stalled = run("stalled", ["--stall-once", "100:1000"], 1)
    if stalled:
        verdicts = {t["id"]: t["verdict"] for t in stalled["performance"]["targets"]}
        if verdicts.get("p99") != "fail":
            problems.append(f"stalled: verdicts {verdicts}")
    res = subprocess.run([harness, "load", "--null-endpoint"], capture_output=True, text=True)
    if res.returncode != 2 or "apipnr.harness.001" not in res.stderr:
        problems.append(f"usage error: exit {res.returncode}: {res.stderr[:200]}")
    return e2e_support.report(problems)


if __name__ == "__main__":
    sys.exit(main())
