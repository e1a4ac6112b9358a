#!/usr/bin/python3
"""Validate specs/messages/*.json and specs/profiles/*.json against their JSON Schemas and
cross-check them (code-list references, trigger segments, profile select paths, overlay ids).
Usage: /usr/bin/python3 specs/profiles/lint.py   (run from the repository root). Exit 1 on error."""
import json, os, re, sys, glob
import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
errors = []

def err(f, msg): errors.append("%s: %s" % (os.path.relpath(f, ROOT), msg))

def load(p):
    with open(p) as fh: return json.load(fh)

def validate(files, schema_path):
    schema = load(schema_path)
    jsonschema.Draft7Validator.check_schema(schema)
    v = jsonschema.Draft7Validator(schema)
    docs = {}
    for f in files:
        d = load(f)
        for e in sorted(v.iter_errors(d), key=lambda e: list(e.path)):
            err(f, "schema: %s at /%s" % (e.message[:200], "/".join(map(str, e.path))))
        docs[f] = d
    return docs

def walk(nodes, parent=None):
    for n in nodes:
        yield n, parent
        if "group" in n: yield from walk(n["content"], n)

def check_message(f, d):
    segs, cls = d["segments"], d["code_lists"]
    def fields(sd):
        for e in sd["elements"]:
            yield e
            for c in e.get("components", []): yield c
    for key, sd in segs.items():
        if key.split("/")[0] != sd["tag"]: err(f, "segment key %s does not match tag %s" % (key, sd["tag"]))
        pos = [e["pos"] for e in sd["elements"]]
        if pos != sorted(set(pos)): err(f, "%s: element positions not strictly increasing" % key)
        for e in sd["elements"]:
            cp = [c["pos"] for c in e.get("components", [])]
            if cp != sorted(set(cp)): err(f, "%s/%s: component positions not strictly increasing" % (key, e["id"]))
        for x in fields(sd):
            names = [x["codes"]] if "codes" in x else []
            names += list(x.get("codes_by_qualifier", {}).values())
            for n in names:
                if n not in cls: err(f, "%s/%s: unknown code list %s" % (key, x["id"], n))
    seen_groups = set()
    for n, parent in walk(d["structure"]):
        if "group" in n:
            if n["group"] in seen_groups: err(f, "duplicate group id %s" % n["group"])
            seen_groups.add(n["group"])
            first = n["content"][0]
            if "segment" not in first or first["segment"] != n["trigger"]["segment"] or first["status"] != "M" or first["max"] != 1:
                err(f, "%s: first content node must be the trigger segment %s, M, max 1" % (n["group"], n["trigger"]["segment"]))
        else:
            key = n.get("def", n["segment"])
            if key not in segs: err(f, "no segment definition for %s" % key)
            elif segs[key]["tag"] != n["segment"]: err(f, "def %s is not a %s" % (key, n["segment"]))
    for c in d.get("constraints", []):
        for g in c["groups"]:
            if g not in seen_groups: err(f, "constraint names unknown group %s" % g)

# ---- profile select paths (grammar in specs/profiles/README.md) ----
STEP_GROUP = re.compile(r"^(SG[A-Z0-9_]+)(?:\[([A-Z0-9]{3})\+([^\]]+)\])?$")
STEP_SEG = re.compile(r"^([A-Z][A-Z0-9]{2})(?:\[([^\]]+)\])?$")
STEP_EL = re.compile(r"^(?:@(\d+)(?:\.(\d+))?|([0-9]{4}|[CS][0-9]{3})(?:\.([0-9]{4}))?)$")

def resolve(msgdef, path):
    """Return None when the path resolves, else a reason."""
    steps = path.split("/")
    nodes = msgdef["structure"]
    seg = None
    i = 0
    if steps and steps[0] in ("", "*"): return "empty path"
    while i < len(steps):
        s = steps[i]
        m = STEP_GROUP.match(s)
        if m and seg is None:
            g = [n for n in nodes if n.get("group") == m.group(1)]
            if not g: return "no group %s here" % m.group(1)
            if m.group(2) and m.group(2) != g[0]["trigger"]["segment"]: return "predicate tag %s is not the trigger of %s" % (m.group(2), m.group(1))
            nodes = g[0]["content"]; i += 1; continue
        m = STEP_SEG.match(s)
        if m and seg is None:
            cand = [n for n in nodes if n.get("segment") == m.group(1)]
            if not cand: return "no segment %s here" % m.group(1)
            seg = msgdef["segments"][cand[0].get("def", cand[0]["segment"])]
            i += 1; continue
        m = STEP_EL.match(s)
        if m and seg is not None and i == len(steps) - 1:
            if m.group(1):
                e = [x for x in seg["elements"] if x["pos"] == int(m.group(1))]
                if not e: return "no element @%s in %s" % (m.group(1), seg["tag"])
                if m.group(2) and not [c for c in e[0].get("components", []) if c["pos"] == int(m.group(2))]:
                    return "no component %s.%s in %s" % (m.group(1), m.group(2), seg["tag"])
                return None
            ident, sub = m.group(3), m.group(4)
            hits = []
            for e in seg["elements"]:
                if e["id"] == ident and not sub: hits.append(e)
                for c in e.get("components", []):
                    if (sub and e["id"] == ident and c["id"] == sub) or (not sub and c["id"] == ident): hits.append(c)
            if not hits: return "no element %s in %s" % (s, seg["tag"])
            if len(hits) > 1: return "element id %s is ambiguous in %s: use @pos.comp" % (s, seg["tag"])
            return None
        return "bad step '%s'" % s
    return None

def main():
    msgs = validate(sorted(glob.glob(os.path.join(ROOT, "specs/messages/*.json"))), os.path.join(ROOT, "specs/schemas/message-definition.schema.json"))
    for f, d in msgs.items(): check_message(f, d)
    by_type = {}
    for d in msgs.values(): by_type.setdefault(d["message"], []).append(d)
    profs = validate(sorted(glob.glob(os.path.join(ROOT, "specs/profiles/*.json"))), os.path.join(ROOT, "specs/schemas/profile.schema.json"))
    known_reqs = set()
    for rf in glob.glob(os.path.join(ROOT, "specs/requirements/*.json")):
        if rf.endswith(".schema.json"): continue
        try:
            rd = load(rf)
        except ValueError:
            continue
        for q in (rd if isinstance(rd, list) else rd.get("requirements", [])):
            if isinstance(q, dict) and "id" in q: known_reqs.add(q["id"])
    ids = {}
    byname = {d["profile"]: (f, d) for f, d in profs.items()}
    for f, d in profs.items():
        if os.path.basename(f) != d["profile"] + ".json": err(f, "file name must be <profile>.json")
        if "extends" in d and d["extends"] not in byname: err(f, "extends unknown profile %s" % d["extends"])
        local = set()
        for r in d.get("rules", []):
            if r["id"] in local: err(f, "duplicate rule id %s" % r["id"])
            local.add(r["id"])
            if r["applies_to"] in by_type:
                paths = [r["select"]] + [c["select"] for c in r.get("when", [])]
                if r["check"] == "total_matches": paths.append(r["args"]["count"])
                for path in paths:
                    reasons = [resolve(md, path) for md in by_type[r["applies_to"]]]
                    if all(reasons): err(f, "%s: path %s does not resolve: %s" % (r["id"], path, reasons[0]))
            else:
                err(f, "%s: no message definition for %s" % (r["id"], r["applies_to"]))
            if "requirement" in r and known_reqs and r["requirement"] not in known_reqs:
                err(f, "%s: requirement %s not found in specs/requirements" % (r["id"], r["requirement"]))
        push = d.get("pnr_push", {})
        for q in list(push.get("severity", {})) + [push.get("window", {}).get("requirement")]:
            if q and known_reqs and q not in known_reqs:
                err(f, "pnr_push: requirement %s not found in specs/requirements" % q)
        w = push.get("window", {})
        if w and w.get("earliest_hours", 48) <= w.get("latest_hours", 24):
            err(f, "pnr_push.window: earliest_hours must exceed latest_hours")
        for o in d.get("overrides", []):
            base = byname.get(d.get("extends"), (None, {}))[1]
            if o["id"] not in {r["id"] for r in base.get("rules", [])}: err(f, "override of unknown baseline rule %s" % o["id"])
        ids[f] = local
    for e in errors: print(e)
    print("%d message definitions, %d profiles, %d errors" % (len(msgs), len(profs), len(errors)))
    return 1 if errors else 0

if __name__ == "__main__":
    sys.exit(main())
