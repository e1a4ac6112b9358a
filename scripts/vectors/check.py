#!/usr/bin/env python3
"""Lints the test-vector corpus and the requirement catalogue (run as a CTest `lint` test).

    python3 scripts/vectors/check.py [--root DIR] [--quiet] [--coverage FILE]

Checks, each failure printed as `<file>: <JSON path>: <message>`:
  - every vectors/**/cases.json validates against vectors/case.schema.json;
  - every specs/requirements/*.json (except *.schema.json) validates against
    specs/requirements/requirement.schema.json, its "source" equals the file name, and
    requirement IDs are unique across all catalogues;
  - case IDs are unique across the corpus, descriptions unique within a file and free of
    "should" / "test that";
  - the input (and tree) files exist, the y_/n_/i_ prefix agrees with expect.outcome, trees are
    given for accept cases only and EDIFACT trees are up to date (scripts/vectors/make_trees.py);
  - every specification[].req exists in some catalogue;
  - sequences (`steps`): send files exist and carry their step outcome's prefix, control files
    are JSON objects, waits are at most 60 s, the case outcome is that of the last send step;
  - message-level fields: `parts` files exist and carry the outcome's prefix, `profile` names a
    specs/profiles/<p>.json, `expect.canonical` exists (accept/either cases only) and validates
    against specs/canonical/canonical.schema.json, `expect.pass.requirements` and
    `warning_requirements` name catalogued requirements, `set_outcome` only with `parts`, and
    an accept case under edifact/messages/ or xml/ has a canonical file or notes saying why
    not;
  - every EDI-* ID in expect exists in reference/src/edifact/errc.cpp, the 0085 codes listed are
    those of the listed errors, and every requirement ID the errc table uses is catalogued;
  - `expect.cusres` only on iAPI cases (edifact/messages/iapi*), `requires` names a file of
    vectors/fixtures, and every fixture (and specs/iapi example) validates against the
    specs/iapi schema its `format` names;
  - vectors/profiles/<p>.txt lists exactly the cases that name profile <p>;
  - vectors/coverage-exemptions.json validates against its schema, names catalogued
    requirements, and every covered_by entry is a GTest `Suite.Name` in the tree or a file;
  - with --coverage FILE: the requirements x cases matrix validates against
    specs/schemas/coverage-matrix.schema.json, has a row per active requirement and
    consistent totals (the coverage rule itself is enforced by the C++ lint, LINT-COVERAGE).
Reports (without failing) the MUST requirements that no case covers yet, and per catalogue how
many MUST requirements have both an accept and a reject case.
Exit status: 0 clean, 1 at least one failure, 2 cannot run (missing jsonschema or schema).
"""
import argparse
import json
import re
import sys
from pathlib import Path

try:
    import jsonschema
except ImportError:  # pragma: no cover
    print("check.py: python3-jsonschema is required (apt-get install python3-jsonschema)")
    sys.exit(2)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_trees  # noqa: E402

PREFIX_OUTCOME = {"y_": "accept", "n_": "reject", "i_": "either"}
FORBIDDEN = re.compile(r"\b(should|test that)\b", re.IGNORECASE)


class Lint:
    def __init__(self, root, quiet):
        self.root = root
        self.quiet = quiet
        self.failures = 0

    def fail(self, path, where, msg):
        rel = path
        if path.is_absolute() and path.is_relative_to(self.root):
            rel = path.relative_to(self.root)
        print(f"{rel}: {where}: {msg}")
        self.failures += 1

    def info(self, msg):
        if not self.quiet:
            print(msg)


def json_path(parts):
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def load_json(lint, path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        lint.fail(path, "$", f"cannot read JSON: {e}")
        return None


def validate(lint, validator, doc, path):
    ok = True
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        lint.fail(path, json_path(err.absolute_path), err.message)
        ok = False
    return ok


def load_errc(root):
    cpp = root / "reference" / "src" / "edifact" / "errc.cpp"
    if not cpp.exists():
        return None
    rx = re.compile(r'\{errc::\w+,\s*"(EDI-[A-Z0-9-]+)",\s*(\d+),\s*"([A-Z0-9-]+)"')
    return {m.group(1): (int(m.group(2)), m.group(3)) for m in rx.finditer(cpp.read_text())}


def check_catalogues(lint, root):
    spec_dir = root / "specs" / "requirements"
    schema_path = spec_dir / "requirement.schema.json"
    schema = load_json(lint, schema_path)
    if schema is None:
        sys.exit(2)
    validator = jsonschema.Draft7Validator(schema)
    reqs = {}
    for path in sorted(spec_dir.glob("*.json")):
        if path.name.endswith(".schema.json"):
            continue
        doc = load_json(lint, path)
        if doc is None:
            continue
        if not validate(lint, validator, doc, path):
            continue
        if doc["source"] != path.stem:
            lint.fail(path, "$.source", f"'{doc['source']}' differs from the file name")
        for i, r in enumerate(doc["requirements"]):
            if r["id"] in reqs:
                lint.fail(path, f"$.requirements[{i}].id",
                          f"duplicate requirement ID {r['id']} (also in {reqs[r['id']][0]})")
            else:
                reqs[r["id"]] = (path.name, r)
    return reqs


def check_cases(lint, root, reqs, errc):
    vec = root / "vectors"
    schema = load_json(lint, vec / "case.schema.json")
    if schema is None:
        sys.exit(2)
    validator = jsonschema.Draft7Validator(schema)
    case_validator = jsonschema.Draft7Validator(
        {"$ref": "#/definitions/case", "definitions": schema.get("definitions", {})})
    canon_path = root / "specs" / "canonical" / "canonical.schema.json"
    canon_validator = None
    if canon_path.exists():
        canon_schema = load_json(lint, canon_path)
        if canon_schema is not None:
            canon_validator = jsonschema.Draft7Validator(canon_schema)
    known_profiles = {p.stem for p in (root / "specs" / "profiles").glob("*.json")}
    ids = {}
    seen = {}
    profiles = {}
    covered = set()
    sides = {}
    count = 0
    for manifest in sorted(vec.rglob("cases.json")):
        doc = load_json(lint, manifest)
        if doc is None:
            continue
        # Schema errors are reported once for the file; the other checks still run on every
        # case that is valid on its own, so one typo does not hide the rest.
        validate(lint, validator, doc, manifest)
        if not isinstance(doc, list):
            continue
        descriptions = {}
        for i, case in enumerate(doc):
            count += 1
            at = f"$[{i}]"
            if isinstance(case, dict) and isinstance(case.get("id"), str):
                ids.setdefault(case["id"], manifest.relative_to(root))
            if not case_validator.is_valid(case):
                continue
            cid = case["id"]
            if cid in seen:
                lint.fail(manifest, f"{at}.id", f"duplicate case ID {cid} (also in {seen[cid]})")
            seen[cid] = manifest.relative_to(root)
            d = case["description"]
            if d in descriptions:
                lint.fail(manifest, f"{at}.description", f"same description as [{descriptions[d]}]")
            descriptions[d] = i
            if FORBIDDEN.search(d):
                lint.fail(manifest, f"{at}.description", "states a wish ('should'/'test that')")
            outcome = case["expect"]["outcome"]
            if "input" in case:
                files = [("input", case["input"], outcome)]
            elif "parts" in case:
                files = [(f"parts[{k}]", n, outcome) for k, n in enumerate(case["parts"])]
            else:
                files = check_steps(lint, manifest, at, case, errc)
            for where, name, want in files:
                if PREFIX_OUTCOME[name[:2]] != want:
                    lint.fail(manifest, f"{at}.{where}",
                              f"prefix {name[:2]} disagrees with outcome '{want}'")
                if not (manifest.parent / name).is_file():
                    lint.fail(manifest, f"{at}.{where}", f"missing file {name}")
            check_message_fields(lint, manifest, at, case, reqs, known_profiles, canon_validator)
            if "tree" in case and "input" not in case:
                lint.fail(manifest, f"{at}.tree", "a tree is only for single-input cases")
            elif "tree" in case:
                if outcome != "accept":
                    lint.fail(manifest, f"{at}.tree", "a tree is only for accept cases")
                tree_path = manifest.parent / case["tree"]
                if not tree_path.is_file():
                    lint.fail(manifest, f"{at}.tree", f"missing file {case['tree']}")
                else:
                    tree = load_json(lint, tree_path)
                    if tree is not None and (not isinstance(tree, dict)
                                             or set(tree) != {"delimiters", "segments"}):
                        lint.fail(tree_path, "$", "a tree has exactly delimiters and segments")
                    elif case["input"].endswith(".edi"):
                        try:
                            want = make_trees.render(make_trees.tokenize(
                                (manifest.parent / case["input"]).read_bytes()))
                            if tree_path.read_text(encoding="utf-8") != want:
                                lint.fail(manifest, f"{at}.tree",
                                          "stale: run scripts/vectors/make_trees.py")
                        except (OSError, make_trees.TreeError, UnicodeDecodeError) as e:
                            lint.fail(manifest, f"{at}.tree", f"cannot rebuild: {e}")
            for j, s in enumerate(case["specification"]):
                if s["req"] not in reqs:
                    lint.fail(manifest, f"{at}.specification[{j}].req",
                              f"unknown requirement {s['req']}")
                elif not case.get("retired"):
                    covered.add(s["req"])
                    sides.setdefault(s["req"], set()).add(outcome)
            if not case.get("retired"):
                p_ = case["expect"].get("pass", {})
                for r in p_.get("requirements", []) + p_.get("warning_requirements", []):
                    if r in reqs:
                        covered.add(r)
            check_expect(lint, manifest, at, case["expect"], errc)
            if not case.get("retired"):
                for p in case["profiles"]:
                    profiles.setdefault(p, set()).add(cid)
    lint.info(f"check.py: {count} cases in {len(list(vec.rglob('cases.json')))} manifests")
    return ids, profiles, covered, sides


def check_steps(lint, manifest, at, case, errc):
    """A sequence case (vectors/README.md "Sequences"): control files are JSON objects, waits
    are bounded, the case's outcome is that of its last send step. Returns the send files as
    (where, name, step outcome) for the prefix and existence checks."""
    files = []
    last_send = None
    steps = case["steps"]
    if len(steps) < 2:
        lint.fail(manifest, f"{at}.steps", "a sequence has at least two steps")
    for k, step in enumerate(steps):
        where = f"steps[{k}]"
        if "send" in step:
            files.append((f"{where}.send", step["send"], step["expect"]["outcome"]))
            last_send = step
            check_expect(lint, manifest, f"{at}.{where}", step["expect"], errc)
        elif "control" in step:
            path = manifest.parent / step["control"]
            if not path.is_file():
                lint.fail(manifest, f"{at}.{where}.control", f"missing file {step['control']}")
            elif not isinstance(load_json(lint, path), dict):
                lint.fail(manifest, f"{at}.{where}.control", "a control file is a JSON object")
        elif "await_unsolicited" in step:
            if step["await_unsolicited"].get("within_ms", 0) > 60000:
                lint.fail(manifest, f"{at}.{where}.await_unsolicited.within_ms", "above 60000")
        elif step.get("wait_ms", 0) > 60000:
            lint.fail(manifest, f"{at}.{where}.wait_ms", "above 60000")
    if last_send is None:
        lint.fail(manifest, f"{at}.steps", "a sequence has at least one send step")
    elif last_send["expect"]["outcome"] != case["expect"]["outcome"]:
        lint.fail(manifest, f"{at}.expect.outcome",
                  "differs from the outcome of the last send step "
                  f"('{last_send['expect']['outcome']}')")
    return files


def check_message_fields(lint, manifest, at, case, reqs, known_profiles, canon_validator):
    """The optional message-level fields (vectors/README.md, "Message-level cases")."""
    expect = case["expect"]
    p = expect.get("pass", {})
    if "profile" in case and case["profile"] not in known_profiles:
        lint.fail(manifest, f"{at}.profile", f"no specs/profiles/{case['profile']}.json")
    for key in ("requirements", "warning_requirements"):
        for k, r in enumerate(p.get(key, [])):
            if r not in reqs:
                lint.fail(manifest, f"{at}.expect.pass.{key}[{k}]", f"unknown requirement {r}")
    if "set_outcome" in p and "parts" not in case:
        lint.fail(manifest, f"{at}.expect.pass.set_outcome", "set_outcome needs parts")
    if p.get("requirements") and expect["outcome"] == "accept":
        lint.fail(manifest, f"{at}.expect.pass.requirements", "an accept case lists error findings")
    # expect.cusres: only an iAPI request is answered with a CUSRES (API-IAPI-FLOW-003); the
    # harness sends edifact/messages/iapi* to the iAPI endpoint (C++ lint: LINT-CUSRES).
    with_cusres = "cusres" in expect or any(
        "cusres" in st.get("expect", {}) for st in case.get("steps", []))
    if with_cusres and not case["id"].startswith("edifact/messages/iapi"):
        lint.fail(manifest, f"{at}.expect.cusres", "a CUSRES expectation on a case not sent as iAPI")
    for k, name in enumerate(case.get("requires", [])):
        if not (lint.root / "vectors" / "fixtures" / f"{name}.json").is_file():
            lint.fail(manifest, f"{at}.requires[{k}]", f"no fixture vectors/fixtures/{name}.json")
    # Issue 3: accept cases carry their expected canonical JSON; where the sources allow two
    # readings the case says so in notes instead (vectors/README.md "Message-level cases").
    if (case["id"].startswith(("edifact/messages/", "xml/")) and expect["outcome"] == "accept"
            and "canonical" not in expect and not case.get("notes")):
        lint.fail(manifest, f"{at}.expect", "accept case without expect.canonical and without "
                  "notes saying why")
    if "canonical" in expect:
        if expect["outcome"] == "reject":
            lint.fail(manifest, f"{at}.expect.canonical", "a canonical file is for accept cases")
        path = manifest.parent / expect["canonical"]
        if not path.is_file():
            lint.fail(manifest, f"{at}.expect.canonical", f"missing file {expect['canonical']}")
        elif canon_validator is not None:
            doc = load_json(lint, path)
            if doc is not None:
                validate(lint, canon_validator, doc, path)


def check_expect(lint, manifest, at, expect, errc):
    if errc is None:
        return
    p = expect.get("pass", {})
    for key in ("errors", "warnings"):
        for k, e in enumerate(p.get(key, [])):
            if e.startswith("EDI-") and e not in errc:
                lint.fail(manifest, f"{at}.expect.pass.{key}[{k}]", f"unknown diagnostic {e}")
    for k, e in enumerate(expect.get("tolerant", {}).get("warnings", [])):
        if e.startswith("EDI-") and e not in errc:
            lint.fail(manifest, f"{at}.expect.tolerant.warnings[{k}]", f"unknown diagnostic {e}")
    errors = [e for e in p.get("errors", []) if e in errc]
    if "syntax_errors" in p and errors and len(errors) == len(p.get("errors", [])):
        want = {errc[e][0] for e in errors if errc[e][0]}
        if set(p["syntax_errors"]) - want:
            lint.fail(manifest, f"{at}.expect.pass.syntax_errors",
                      f"{sorted(set(p['syntax_errors']) - want)} not the 0085 code of any "
                      f"listed error ({sorted(want)})")
    if expect["outcome"] == "accept" and p.get("errors"):
        lint.fail(manifest, f"{at}.expect.pass.errors", "an accept case lists errors")


FIXTURE_SCHEMAS = {"apipnr-iapi-watchlist": "watchlist.schema.json",
                   "apipnr-iapi-authorisations": "authorisations.schema.json"}


def check_fixtures(lint, root):
    """vectors/fixtures/*.json and the specs/iapi examples validate against the schema their
    `format` names (specs/iapi/*.schema.json, draft 2020-12)."""
    files = sorted((root / "vectors" / "fixtures").glob("*.json"))
    files += sorted((root / "specs" / "iapi").glob("*.example.json"))
    for path in files:
        doc = load_json(lint, path)
        if doc is None:
            continue
        name = FIXTURE_SCHEMAS.get(doc.get("format") if isinstance(doc, dict) else None)
        if name is None:
            lint.fail(path, "$.format", f"unknown fixture format (known: {sorted(FIXTURE_SCHEMAS)})")
            continue
        schema = load_json(lint, root / "specs" / "iapi" / name)
        if schema is not None:
            validate(lint, jsonschema.Draft202012Validator(schema), doc, path)


def check_profiles(lint, root, ids, profiles):
    pdir = root / "vectors" / "profiles"
    listed = {}
    for path in sorted(pdir.glob("*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        listed[path.stem] = set()
        for n, ln in enumerate(lines, 1):
            if not ln or ln.startswith("#"):
                continue
            if ln not in ids:
                lint.fail(path, f"line {n}", f"unknown case ID {ln}")
            listed[path.stem].add(ln)
    for p, cases in sorted(profiles.items()):
        path = pdir / f"{p}.txt"
        if p not in listed:
            lint.fail(path, "$", f"missing profile list ({len(cases)} cases name it)")
            continue
        for cid in sorted(cases - listed[p]):
            lint.fail(path, "$", f"{cid} names this profile but is not listed")
        for cid in sorted(listed[p] - cases):
            if cid in ids:
                lint.fail(path, "$", f"{cid} is listed but does not name this profile")


TEST_RX = re.compile(r"^TEST(?:_F|_P)?\((\w+),\s*(\w+)\)", re.MULTILINE)


def check_exemptions(lint, root, reqs):
    """vectors/coverage-exemptions.json against its schema; every covered_by names a GTest
    TEST in the tree (CTest runs each TEST as `Suite.Name`) or an existing file."""
    path = root / "vectors" / "coverage-exemptions.json"
    if not path.exists():
        return
    schema = load_json(lint, root / "vectors" / "coverage-exemptions.schema.json")
    doc = load_json(lint, path)
    if schema is None or doc is None:
        return
    if not validate(lint, jsonschema.Draft7Validator(schema), doc, path):
        return
    tests = set()
    for top in ("reference", "common", "harness", "tests", "bench", "fuzz"):
        for src in (root / top).rglob("*_test.cpp") if (root / top).exists() else []:
            tests.update(f"{a}.{b}" for a, b in TEST_RX.findall(src.read_text(errors="replace")))
    for i, e in enumerate(doc["exemptions"]):
        if e["requirement"] not in reqs:
            lint.fail(path, f"$.exemptions[{i}].requirement",
                      f"{e['requirement']} is not in specs/requirements")
        for j, t in enumerate(e.get("covered_by", [])):
            if t not in tests and not (root / t).exists():
                lint.fail(path, f"$.exemptions[{i}].covered_by[{j}]",
                          f"{t} is neither a TEST in the tree nor a file")


def check_coverage_matrix(lint, root, path, reqs):
    """A matrix written by `apipnr-lint-corpus --coverage` / `apipnr-harness lint --coverage`:
    valid against specs/schemas/coverage-matrix.schema.json, one row per active requirement,
    totals equal to the rows."""
    schema = load_json(lint, root / "specs" / "schemas" / "coverage-matrix.schema.json")
    doc = load_json(lint, path)
    if schema is None or doc is None:
        return
    if not validate(lint, jsonschema.Draft7Validator(schema), doc, path):
        return
    rows = {r["id"]: r for r in doc["requirements"]}
    for i, (fname, r) in sorted(reqs.items()):
        if r["status"] == "active" and i not in rows:
            lint.fail(path, "$.requirements", f"no row for {i}")
    for status in ("complete", "exempt", "missing"):
        n = sum(1 for r in doc["requirements"] if r["status"] == status)
        if doc["totals"][status] != n:
            lint.fail(path, f"$.totals.{status}", f"{doc['totals'][status]} but {n} rows")
    for i, r in enumerate(doc["requirements"]):
        if (r["status"] == "exempt") != ("exemption" in r):
            lint.fail(path, f"$.requirements[{i}]", "exempt rows and only those carry exemption")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--coverage", type=Path,
                    help="also validate this coverage matrix (apipnr-lint-corpus --coverage)")
    args = ap.parse_args()
    root = args.root.resolve()
    lint = Lint(root, args.quiet)
    reqs = check_catalogues(lint, root)
    check_exemptions(lint, root, reqs)
    if args.coverage:
        check_coverage_matrix(lint, root, args.coverage.resolve(), reqs)
    errc = load_errc(root)
    if errc is not None:
        cpp = root / "reference" / "src" / "edifact" / "errc.cpp"
        for diag, (_, req) in sorted(errc.items()):
            if req not in reqs:
                lint.fail(cpp, diag, f"requirement {req} is not in specs/requirements")
    ids, profiles, covered, sides = check_cases(lint, root, reqs, errc)
    check_profiles(lint, root, ids, profiles)
    check_fixtures(lint, root)
    uncovered = {}
    for i, (fname, r) in sorted(reqs.items()):
        if r["level"] == "MUST" and r["status"] == "active" and i not in covered:
            uncovered.setdefault(fname, []).append(i)
    lint.info(f"check.py: {len(reqs)} requirements, {len(covered)} covered by a case")
    both = {}
    for i, (fname, r) in sorted(reqs.items()):
        if r["level"] == "MUST" and r["status"] == "active":
            t = both.setdefault(fname, [0, 0])
            t[1] += 1
            if {"accept", "reject"} <= sides.get(i, set()):
                t[0] += 1
    for fname, (n, total) in sorted(both.items()):
        if n:
            lint.info(f"check.py: {fname}: {n} of {total} MUST requirement(s) cited by both an "
                      "accept and a reject case")
    for fname, ids_ in sorted(uncovered.items()):
        lint.info(f"check.py: {fname}: {len(ids_)} MUST requirement(s) without a case: "
                  f"{', '.join(ids_[:8])}{' ...' if len(ids_) > 8 else ''}")
    if lint.failures:
        print(f"check.py: {lint.failures} failure(s)")
        return 1
    lint.info("check.py: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
