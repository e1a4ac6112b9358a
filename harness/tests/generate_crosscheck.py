#!/usr/bin/env python3
"""Cross-check of `apipnr-harness generate` (docs/GENERATOR.md).

usage: generate_crosscheck.py HARNESS SOURCE_DIR WORK_DIR [APIPNR_VALIDATE]

1. Generates small runs (full and update pushes, small parts so that multi-part sets occur).
2. Checks the manifest against the files (sizes, SHA-256, send order) and generator.json.
3. Validates every ground-truth canonical file against specs/canonical/canonical.schema.json.
4. With APIPNR_VALIDATE: runs the reference's `apipnr-validate --extract` over the messages as
   a black box and compares its canonical JSON with the ground truth, message by message
   (JSON values; keys starting x_ ignored). Every message must be accepted.

Exit 0 when everything agrees, 1 naming each difference, 2 on a usage or tool error.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys

import jsonschema


FEATURES = {
    "multi-part set (S010 01:C)": "+01:C'",
    "crew list": "BGM+250'",
    "iAPI request": "++IAPI'",
    "multi-leg flight": "LOC+92+",
    "visa": "DOC+V:",
    "PNRGOV infant": ":IN:",
    "codeshare TRA": "'TRA+",
    "update push": "MSG+:141'",
    "cancellation record": "'ORG'",
    "CTCE contact": "SSR+CTCE",
    "onward connection": "+YY+7",
    "PNRGOV XML": "<IATA_PNRGOV_NotifRQ",
    "XML infant": 'PassengerTypeCode="IN"',
    "XML codeshare": "<OperatingAirline",
}


def fail(problems, text):
    problems.append(text)
    print("FAIL " + text)


def strip_x(v):
    if isinstance(v, dict):
        return {k: strip_x(x) for k, x in v.items() if not k.startswith("x_")}
    if isinstance(v, list):
        return [strip_x(x) for x in v]
    return v


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append(f"{path}/{k}: only in the reference extract ({json.dumps(b[k])[:120]})")
            elif k not in b:
                out.append(f"{path}/{k}: only in the ground truth ({json.dumps(a[k])[:120]})")
            else:
                diff(a[k], b[k], f"{path}/{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} entries in the ground truth, {len(b)} in the extract")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}/{i}", out)
    elif a != b or type(a) is bool and type(b) is not bool:
        out.append(f"{path}: ground truth {json.dumps(a)}, extract {json.dumps(b)}")


def generate(harness, out, extra):
    if os.path.exists(out):
        shutil.rmtree(out)
    cmd = [harness, "generate", "--out", out, "--quiet"] + extra
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("ERROR generate failed:", " ".join(cmd), r.stderr)
        sys.exit(2)


def check_run(out, schema, validate, problems):
    manifest = [json.loads(line) for line in open(os.path.join(out, "manifest.jsonl"))]
    info = json.load(open(os.path.join(out, "generator.json")))
    if info["counts"]["messages"] != len(manifest):
        fail(problems, f"{out}: generator.json counts {info['counts']['messages']} messages, "
                       f"manifest has {len(manifest)}")
    total = 0
    last = -1
    kinds = set()
    for m in manifest:
        data = open(os.path.join(out, m["file"]), "rb").read()
        total += len(data)
        kinds.add(m["kind"])
        if len(data) != m["bytes"] or hashlib.sha256(data).hexdigest() != m["sha256"]:
            fail(problems, f"{m['id']}: bytes/sha256 in the manifest do not match {m['file']}")
        if m["at_ms"] < last:
            fail(problems, f"{m['id']}: manifest not in send order")
        last = m["at_ms"]
    if total != info["bytes"]["total"]:
        fail(problems, f"{out}: generator.json total bytes {info['bytes']['total']} != {total}")
    canonicals = sorted({m["canonical"] for m in manifest})
    validator = jsonschema.Draft7Validator(schema)
    for c in canonicals:
        doc = json.load(open(os.path.join(out, c)))
        for e in validator.iter_errors(doc):
            fail(problems, f"{c}: schema: {'/'.join(map(str, e.absolute_path))}: {e.message}")
    print(f"{out}: {len(manifest)} messages ({', '.join(sorted(kinds))}), "
          f"{len(canonicals)} canonical files valid against the schema")
    if not validate:
        return
    r = subprocess.run([validate, "--format", "json", "--extract", "--tolerant",
                        os.path.join(out, "messages")], capture_output=True, text=True)
    if r.returncode == 2:
        print("ERROR apipnr-validate:", r.stderr)
        sys.exit(2)
    report = json.loads(r.stdout)
    by_file = {os.path.basename(f["file"]): f for f in report["files"]}
    extracts = {}  # canonical path -> list of extracts
    for m in manifest:
        f = by_file.get(os.path.basename(m["file"]))
        if f is None:
            fail(problems, f"{m['id']}: not in the apipnr-validate report")
            continue
        if f["verdict"] == "reject":
            first = [x.get("id", "") + " " + x.get("message", "") for x in f.get("findings", [])
                     if x.get("severity") in ("error", "fatal")][:3]
            fail(problems, f"{m['id']}: rejected by the reference: {first}")
        extracts.setdefault(m["canonical"], []).extend(f.get("extract", []))
    compared = 0
    for c in canonicals:
        got = extracts.get(c, [])
        if len(got) != 1:
            fail(problems, f"{c}: {len(got)} extracts from the reference, expected 1")
            continue
        want = strip_x(json.load(open(os.path.join(out, c))))
        out_diffs = []
        diff(want, strip_x(got[0]), "", out_diffs)
        for d in out_diffs[:8]:
            fail(problems, f"{c}: {d}")
        compared += 1
    print(f"{out}: {compared} logical messages compared with the reference's extraction")


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__)
        return 2
    harness, source, work = sys.argv[1:4]
    validate = sys.argv[4] if len(sys.argv) == 5 else None
    schema = json.load(open(os.path.join(source, "specs/canonical/canonical.schema.json")))
    os.makedirs(work, exist_ok=True)
    problems = []
    # Seeds chosen so that the two small runs hold every feature listed in FEATURES (checked:
    # a change of the generator that loses one fails here instead of silently shrinking the
    # cross-check).
    runs = [("full", ["--profile", "small", "--flights", "4", "--seed", "30",
                      "--max-part-bytes", "8192", "--pnr-xml-per-mille", "400"]),
            ("update", ["--profile", "small", "--flights", "2", "--seed", "15",
                        "--pnr-push", "update", "--pnr-xml-per-mille", "500",
                        "--max-part-bytes", "16384"])]
    for name, extra in runs:
        out = os.path.join(work, name)
        generate(harness, out, extra)
        check_run(out, schema, validate, problems)
    seen = set()
    for name, _ in runs:
        for root, _, files in os.walk(os.path.join(work, name, "messages")):
            for f in files:
                text = open(os.path.join(root, f), encoding="ascii").read()
                seen.update(k for k, needle in FEATURES.items() if needle in text)
    for k in sorted(set(FEATURES) - seen):
        fail(problems, f"no generated message has {k} ({FEATURES[k]!r}): choose other seeds")
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print("generator cross-check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
