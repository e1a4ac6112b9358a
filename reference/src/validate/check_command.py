#!/usr/bin/python3
"""CTest driver for apipnr-validate (run from the repository root).

  check_command.py golden  --command CMD --format text|json|junit --golden-dir DIR
  check_command.py schema  --command CMD
  check_command.py vectors --command CMD
  check_command.py cli     --command CMD

golden: the command's output over GOLDEN_INPUTS equals DIR/command.<format>; with
APIPNR_UPDATE_GOLDEN=1 the file is rewritten instead (review the diff before committing).
vectors: every case of vectors/edifact and vectors/xml; message-level cases are judged on the
command's verdict, syntax cases (edifact/syntax) on the syntax layer's verdict (EDI-* findings),
because a syntax case's message type need not have a message definition. Cases listed in
reference/conformance/expectations.json as expected failures may fail.
Exit status 0 on success, 1 on a difference (printed).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

GOLDEN_INPUTS = [
    "vectors/edifact/messages/paxlst/y_a1_one_passenger.edi",
    "vectors/edifact/messages/paxlst/y_att_missing_warn.edi",
    "vectors/edifact/messages/paxlst/n_bgm_twice.edi",
    "vectors/edifact/syntax/iso9735-1_counts-references/n_cnt_unt_plus_one.edi",
]


def run(cmd, args):
    p = subprocess.run([cmd] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def golden(a):
    inputs = [i for i in GOLDEN_INPUTS if os.path.exists(i)]
    rc, out, err = run(a.command, ["--format", a.format] + inputs)
    if rc not in (0, 1):
        print("command failed (%d): %s" % (rc, err))
        return 1
    ext = {"text": "txt", "json": "json", "junit": "junit.xml"}[a.format]
    path = os.path.join(a.golden_dir, "command." + ext)
    if os.environ.get("APIPNR_UPDATE_GOLDEN") == "1":
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(out)
        print("rewrote", path)
        return 0
    with open(path, encoding="utf-8", newline="") as f:
        want = f.read()
    if want != out:
        import difflib
        sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), out.splitlines(True),
                                                   path, "actual"))
        print("\n%s differs (APIPNR_UPDATE_GOLDEN=1 ctest -R validate_golden to rewrite)" % path)
        return 1
    return 0


def schema(a):
    import jsonschema
    with open("specs/schemas/validate-output.schema.json") as f:
        out_schema = json.load(f)
    with open("specs/canonical/canonical.schema.json") as f:
        canonical = json.load(f)
    # Inline the canonical schema (its definitions next to ours) instead of resolving the URN:
    # works with every jsonschema version (4.10's RefResolver loses the base URI of "urn:" IDs).
    defs = out_schema.setdefault("definitions", {})
    for k, v in canonical.get("definitions", {}).items():
        assert k not in defs, k
        defs[k] = v
    body = {k: v for k, v in canonical.items() if k not in ("$id", "$schema", "definitions")}
    defs["apipnr_canonical_1"] = body
    text = json.dumps(out_schema).replace('"$ref": "' + canonical["$id"] + '"',
                                          '"$ref": "#/definitions/apipnr_canonical_1"')
    out_schema = json.loads(text)
    out_schema.pop("$id", None)
    validator = jsonschema.Draft7Validator(out_schema)
    runs = [
        ["vectors/edifact/messages/paxlst/y_a1_one_passenger.edi",
         "vectors/edifact/messages/paxlst/n_bgm_twice.edi", "vectors/xml/pnrgov"],
        ["vectors/edifact/messages/pnrgov", "vectors/edifact/messages/iapi"],
        ["vectors/edifact/messages/paxlst-multipart"],
        ["--profile", "us", "vectors/edifact/messages/country"],
        ["--tolerant", "vectors/edifact/syntax/iso9735-1_una", "vectors/edifact/syntax/sita_type-b"],
    ]
    failures = 0
    for args in runs:
        rc, out, err = run(a.command, ["--format", "json", "--extract", "--contrl"] + args)
        if rc not in (0, 1):
            print("command failed (%d) for %s: %s" % (rc, args, err))
            failures += 1
            continue
        doc = json.loads(out)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors[:20]:
            print("%s: /%s: %s" % (args, "/".join(map(str, e.path)), e.message[:300]))
        failures += len(errors)
        if not doc["files"]:
            print("%s: no files in the output" % args)
            failures += 1
    return 1 if failures else 0


def verdict_of(doc, syntax_only):
    if syntax_only:
        for f in doc["files"]:
            for x in f["findings"]:
                if x["id"].startswith("EDI-") and x["severity"] in ("error", "fatal"):
                    return "reject"
        return "accept"
    if any(f["verdict"] == "reject" for f in doc["files"]):
        return "reject"
    if any(not s["complete"] for s in doc.get("sets", [])):
        return "reject"
    return "accept"


PREFIX = {"y": "accept", "n": "reject", "i": "either"}

# Cases whose rejection comes from the iAPI decision engine, which apipnr-validate does not run:
# the message passes syntax and profile validation and the receiver refuses it in its CUSRES
# (messages_test and the harness e2e legs judge them with the engine).
DECIDED_BY_IAPI_ENGINE = {
    "edifact/messages/iapi/10": "no traveller: IAPI-REQ-EMPTY, API-IAPI-FLOW-001",
    "edifact/messages/iapi/12": "no RFF+TN to echo: TRN-H2H-001",
}


def vectors(a):
    try:
        with open("reference/conformance/expectations.json") as f:
            known = json.load(f)
    except FileNotFoundError:
        known = {}
    checked = failed = expected_failed = 0
    for top in ("vectors/edifact", "vectors/xml"):
        for dirpath, _, files in sorted(os.walk(top)):
            if "cases.json" not in files:
                continue
            with open(os.path.join(dirpath, "cases.json")) as f:
                cases = json.load(f)
            for c in cases:
                if c.get("retired") or c["id"] in DECIDED_BY_IAPI_ENGINE:
                    continue
                syntax_only = c["id"].startswith("edifact/syntax/")
                # Syntax cases: strict ISO 9735 (plus their tolerant block). Message-level
                # cases: judged under their profile, which decides tolerated syntax deviations.
                # A sequence: its send steps' files in one run, in order, as the receiver gets
                # them (a part resent after its set, a second push); the run rejects when any
                # step is to be rejected. What depends on receiver state (duplicates answered
                # as such, push history) is judged by the receiver tests, not here.
                if "steps" in c:
                    # A resent interchange (same bytes as an earlier step) is answered by the
                    # receiver's duplicate detection; apipnr-validate has no such state.
                    sends, seen = [], set()
                    for s in c["steps"]:
                        if "send" in s and s["send"] not in seen:
                            seen.add(s["send"])
                            sends.append(s)
                    outs = {s.get("expect", {}).get("outcome", PREFIX[s["send"][0]])
                            for s in sends}
                    want = ("reject" if "reject" in outs else
                            "either" if "either" in outs else "accept")
                    runs = [(["--tolerant"], want,
                             [os.path.join(dirpath, s["send"]) for s in sends])]
                else:
                    inputs = [os.path.join(dirpath, p)
                              for p in c.get("parts", [c.get("input")])]
                    runs = [([] if syntax_only else ["--tolerant"], c["expect"]["outcome"],
                             inputs)]
                    if "tolerant" in c["expect"] and "outcome" in c["expect"]["tolerant"]:
                        runs.append((["--tolerant"], c["expect"]["tolerant"]["outcome"], inputs))
                for extra, want, inputs in runs:
                    if want == "either":
                        continue
                    args = ["--format", "json", "--profile", c.get("profile", "baseline")]
                    rc, out, err = run(a.command, args + extra + inputs)
                    checked += 1
                    got = verdict_of(json.loads(out), syntax_only) if rc in (0, 1) else (
                        "error %d: %s" % (rc, err.strip()))
                    if got == want:
                        continue
                    if c["id"] in known:
                        expected_failed += 1
                        continue
                    failed += 1
                    print("FAIL %s %s: expected %s, got %s (%s)" % (
                        c["id"], " ".join(extra), want, got, " ".join(inputs)))
    print("%d runs, %d failed, %d expected failures (reference/conformance/expectations.json)" %
          (checked, failed, expected_failed))
    return 1 if failed or checked == 0 else 0


def cli(a):
    problems = []
    ok = "vectors/edifact/messages/paxlst/y_a1_one_passenger.edi"
    bad = "vectors/edifact/messages/paxlst/n_bgm_twice.edi"
    warn = "vectors/edifact/messages/paxlst/y_att_missing_warn.edi"
    rc, out, err = run(a.command, [ok])
    if rc != 0:
        problems.append("accept file: exit %d, want 0\n%s%s" % (rc, out, err))
    rc, out, err = run(a.command, [ok, bad])
    if rc != 1:
        problems.append("reject file: exit %d, want 1" % rc)
    rc, out, _ = run(a.command, ["--warnings-as-errors", warn])
    if "accept_with_warnings" in out and rc != 1:
        problems.append("--warnings-as-errors: exit %d, want 1" % rc)
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.edi")
        open(empty, "wb").close()
        binary = os.path.join(tmp, "binary.edi")
        with open(binary, "wb") as f:
            f.write(b"UNB\x00\x01\x02\xff" * 10)
        rc, out, err = run(a.command, ["--format", "json", empty, binary])
        if rc != 1:
            problems.append("empty/binary: exit %d, want 1 (%s)" % (rc, err))
        else:
            doc = json.loads(out)
            errs = [f.get("error") for f in doc["files"]]
            if errs != ["empty input", "binary input (NUL bytes)"]:
                problems.append("empty/binary: errors %s" % errs)
        # Standard input and --output.
        outfile = os.path.join(tmp, "out.xml")
        with open(ok, "rb") as f:
            p = subprocess.run([a.command, "--format", "junit", "--output", outfile, "-"],
                               stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0 or 'name="-"' not in open(outfile).read():
            problems.append("stdin/--output: exit %d" % p.returncode)
        # Quality report.
        qdir = os.path.join(tmp, "q")
        rc, _, err = run(a.command, ["--quality-report", qdir, ok, ok, bad])
        try:
            q = json.load(open(os.path.join(qdir, "quality.json")))
            html = open(os.path.join(qdir, "quality.html")).read()
            if q["interchanges"] != 3 or not any(d["kind"] == "same_content"
                                                 for d in q["duplicates"]):
                problems.append("quality.json: %s" % json.dumps(q)[:400])
            if "<script" in html or "http" in html.split("</style>")[1]:
                problems.append("quality.html is not self-contained")
        except (OSError, ValueError, KeyError) as e:
            problems.append("quality report: %s (%s)" % (e, err))
        # Folder without messages.
        os.mkdir(os.path.join(tmp, "nothing"))
        rc, _, err = run(a.command, [os.path.join(tmp, "nothing")])
        if rc != 2 or "[apipnr.validate.003]" not in err:
            problems.append("empty folder: exit %d, %s" % (rc, err))
    for p in problems:
        print("FAIL", p)
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["golden", "schema", "vectors", "cli"])
    ap.add_argument("--command", required=True)
    ap.add_argument("--format", default="text")
    ap.add_argument("--golden-dir")
    a = ap.parse_args()
    return {"golden": golden, "schema": schema, "vectors": vectors, "cli": cli}[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
