#!/usr/bin/env python3
"""Generates the EDIFACT syntax corpus under vectors/edifact/syntax/.

Every input file and every cases.json there is written by this script, so bytes are exact and
control counts are computed, not typed. Re-run after editing a case:

    python3 scripts/vectors/gen_syntax.py          # write inputs and cases.json
    python3 scripts/vectors/make_trees.py          # write the expected parse trees
    python3 scripts/vectors/check.py               # lint the corpus

Case IDs are given explicitly (never derived from list order) so that they stay stable; a case
that is no longer wanted is kept with "retired": true rather than deleted. All data is synthetic.

Diagnostic IDs, 0085 codes, default scopes and the tolerable flag are read from
reference/src/edifact/errc.cpp so that the expectations follow the single errc table.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "vectors" / "edifact" / "syntax"
ERRC_CPP = ROOT / "reference" / "src" / "edifact" / "errc.cpp"

# --------------------------------------------------------------------------------------------
# errc table (read from the C++ source)


def load_errc():
    text = ERRC_CPP.read_text(encoding="utf-8")
    rx = re.compile(
        r'\{errc::\w+,\s*"(EDI-[A-Z0-9-]+)",\s*(\d+),\s*"([A-Z0-9-]+)",\s*scope::(\w+),\s*(true|false)')
    table = {}
    for m in rx.finditer(text):
        table[m.group(1)] = {"code": int(m.group(2)), "req": m.group(3), "scope": m.group(4),
                             "tolerable": m.group(5) == "true"}
    if len(table) < 40:
        sys.exit(f"gen_syntax: could not read the errc table from {ERRC_CPP}")
    return table


ERRC = load_errc()

# --------------------------------------------------------------------------------------------
# Where each requirement is stated: (ISO 9735 clause, digest section). Clause numbers other than
# §7 (UNA) are given by topic because the digest does not number them.

CLAUSES = {
    "SYN-UNA-001": ("9735-1 §7 (service string advice)", "STANDARDS.md §1.1"),
    "SYN-UNA-002": ("9735-1 §7 (service string advice)", "STANDARDS.md §1.1"),
    "SYN-UNA-003": ("9735-1 §7 (service string advice)", "STANDARDS.md §1.1, §1.8"),
    "SYN-UNA-004": ("9735-1 §7 (service string advice)", "STANDARDS.md §1.1"),
    "SYN-UNA-005": ("9735-1 §7 (service string advice)", "STANDARDS.md §1.1"),
    "SYN-UNA-006": ("9735-1 §7 (service string advice)", "STANDARDS.md §1.1"),
    "SYN-UNA-007": ("9735-1 §7 (service string advice)", "STANDARDS.md §1.1, §1.8"),
    "SYN-UNA-008": ("9735-1 §7 (service string advice)", "STANDARDS.md §1.1, §1.6"),
    "SYN-REL-001": ("9735-1 (release character)", "STANDARDS.md §1.2"),
    "SYN-REL-002": ("9735-1 (release character)", "STANDARDS.md §1.2"),
    "SYN-SEG-001": ("9735-1 (segment structure, segment tag)", "STANDARDS.md §1.2, §1.8"),
    "SYN-SEG-002": ("9735-1 (omission of data, trailing separators)", "STANDARDS.md §1.2, §4.4"),
    "SYN-SEG-003": ("9735-1 (segment structure)", "STANDARDS.md §1.2"),
    "SYN-SEG-004": ("9735-1 (segment terminator)", "STANDARDS.md §1.2"),
    "SYN-SEG-005": ("9735-2 (service segment specifications)", "STANDARDS.md §1.4, §4.4"),
    "SYN-WS-001": ("9735-1 (segment terminator)", "STANDARDS.md §1.2"),
    "SYN-CHR-001": ("9735-1 (character repertoires)", "STANDARDS.md §1.3"),
    "SYN-CHR-002": ("9735-1 (level A repertoire)", "STANDARDS.md §1.3"),
    "SYN-CHR-003": ("9735-1 (character repertoires)", "STANDARDS.md §1.2"),
    "SYN-CHR-004": ("9735-1 (level A repertoire)", "STANDARDS.md §1.3"),
    "SYN-SID-001": ("9735-2 UNB S001/0001", "STANDARDS.md §1.3"),
    "SYN-SID-002": ("9735-2 UNB S001/0002", "STANDARDS.md §1.3"),
    "SYN-SID-003": ("9735-2 UNB S001/0001", "STANDARDS.md §1.3"),
    "SYN-REP-001": ("9735-1 (repetition)", "STANDARDS.md §1.1, §1.6"),
    "SYN-REP-002": ("9735-1 (repetition)", "STANDARDS.md §1.6, §7"),
    "SYN-REP-003": ("9735-1 (repetition)", "STANDARDS.md §1.6, §7"),
    "SYN-ENV-001": ("9735-1 (interchange structure)", "STANDARDS.md §1.4"),
    "SYN-ENV-002": ("9735-2 UNB", "STANDARDS.md §1.4"),
    "SYN-ENV-003": ("9735-2 UNZ 0036", "STANDARDS.md §1.4, §1.5"),
    "SYN-ENV-004": ("9735-2 UNZ 0020", "STANDARDS.md §1.5"),
    "SYN-ENV-005": ("9735-1 (interchange structure)", "STANDARDS.md §1.4, §1.5"),
    "SYN-ENV-006": ("9735-2 UNT 0074", "STANDARDS.md §1.4, §1.5"),
    "SYN-ENV-007": ("9735-2 UNT 0062", "STANDARDS.md §1.5"),
    "SYN-ENV-008": ("9735-1 (functional group)", "STANDARDS.md §1.4"),
    "SYN-ENV-009": ("9735-2 UNE 0060", "STANDARDS.md §1.5"),
    "SYN-ENV-010": ("9735-2 UNE 0048", "STANDARDS.md §1.5"),
    "SYN-ENV-011": ("9735-1 (interchange structure)", "STANDARDS.md §1.5"),
    "SYN-ENV-012": ("9735-1 (functional group)", "STANDARDS.md §1.5"),
    "SYN-ENV-013": ("9735-1 (interchange structure)", "STANDARDS.md §1.5"),
    "SYN-ENV-014": ("9735-1 (interchange structure)", "STANDARDS.md §1.5"),
    "SYN-ENV-015": ("9735-2 UNB S004", "STANDARDS.md §1.4, §7"),
    "SYN-ENV-016": ("9735-2 (control references)", "STANDARDS.md §1.5"),
    "SYN-ENV-017": ("9735-1 (service segments)", "STANDARDS.md §4.4"),
    "SYN-DAT-001": ("9735-1 (data element formats)", "STANDARDS.md §1.7"),
    "SYN-DAT-002": ("9735-1 (data element formats)", "STANDARDS.md §1.7"),
    "SYN-DAT-003": ("9735-2 UNT 0074", "STANDARDS.md §1.5"),
    "SYN-TYB-001": ("IATA/SITA Type B envelope (not ISO 9735)", "STANDARDS.md §1.1, §1.8"),
    "TRN-TYB-002": ("IATA/SITA Type B envelope (not ISO 9735)", "STANDARDS.md §5.1"),
    "SYN-LIM-001": ("receiver robustness (not ISO 9735)", "STANDARDS.md §5.2"),
    "SYN-CTL-001": ("9735 CONTRL UCS", "STANDARDS.md §4.2"),
    "SYN-CTL-002": ("9735 CONTRL UCI 0083", "STANDARDS.md §4.3"),
    "SYN-CTL-003": ("9735 CONTRL UCI 0083", "STANDARDS.md §4.3"),
    "SYN-CTL-005": ("9735 CONTRL", "STANDARDS.md §4.1"),
    "SYN-CTL-011": ("9735 CONTRL UCD S011", "STANDARDS.md §4.2"),
    "SYN-CTL-008": ("9735 CONTRL UCI/UCF/UCM", "STANDARDS.md §4.2"),
    "SYN-CTL-009": ("9735 CONTRL 0085", "STANDARDS.md §4.4"),
    "SYN-CTL-010": ("9735 CONTRL structure", "STANDARDS.md §4.1"),
}

# --------------------------------------------------------------------------------------------
# Delimiters and rendering


class Delims:
    def __init__(self, comp=":", elem="+", dec=".", rel="?", rep=None, term="'"):
        self.comp, self.elem, self.dec, self.rel, self.rep, self.term = comp, elem, dec, rel, rep, term

    def una(self):
        return "UNA" + self.comp + self.elem + self.dec + (self.rel or " ") + (self.rep or " ") + self.term

    def service(self):
        s = {self.comp, self.elem, self.term}
        if self.rel:
            s.add(self.rel)
        if self.rep:
            s.add(self.rep)
        return s


DEF = Delims()
V4 = Delims(rep="*")


class Raw(str):
    """A component written as is (no escaping), e.g. APIS*ABE with a repetition separator."""


def esc(value, d):
    if isinstance(value, Raw):
        return str(value)
    out = []
    for ch in value:
        if ch in d.service():
            if not d.rel:
                raise ValueError(f"cannot escape {ch!r} without a release character: {value!r}")
            out.append(d.rel)
        out.append(ch)
    return "".join(out)


def seg(tag, *elements):
    return (tag, [e if isinstance(e, (list, tuple)) else [e] for e in elements])


def render(s, d):
    tag, elements = s
    return tag + "".join(d.elem + d.comp.join(esc(c, d) for c in e) for e in elements)


def paxlst_body(surname="OBRIEN", given="ANNE", extra=()):
    """A small PAXLST body (no UNH/UNT): 12 segments, one synthetic passenger."""
    return [
        seg("BGM", "745"),
        seg("NAD", "MS", "", "", "OPS CONTROL"),
        seg("TDT", "20", "XX123", "", "", "XX"),
        seg("LOC", "125", "LHR"),
        seg("DTM", ["189", "2503011100", "201"]),
        seg("LOC", "87", "JFK"),
        seg("DTM", ["232", "2503011400", "201"]),
        seg("NAD", "FL", "", "", [surname, given]),
        seg("ATT", "2", "", "F"),
        seg("DTM", ["329", "850412"]),
        *extra,
        seg("DOC", ["P", "110", "111"], "PA1234567"),
        seg("CNT", ["42", "1"]),
    ]


def pnrgov_body():
    return [
        seg("MSG", ["", "22"]),
        seg("ORG", ["XX", "LHR"]),
        seg("TVL", ["010325", "1100", "010325", "1400"], "LHR", "JFK", "XX", "123"),
        seg("EQN", "1"),
        seg("SRC"),
        seg("RCI", ["XX", "ABC123", "", "150125", "0915"]),
        seg("TIF", "OBRIEN", ["ANNEMS", "A", "1"]),
    ]


MSGID = {
    "PAXLST": ["PAXLST", "D", "05B", "UN", "IATA"],
    "CUSRES": ["CUSRES", "D", "05B", "UN", "IATA"],
    "PNRGOV": ["PNRGOV", "11", "1", "IA"],
    "CONTRL": ["CONTRL", "4", "1", "UN"],
}
GROUP = {"PAXLST": ("UN", ["D", "05B"]), "CUSRES": ("UN", ["D", "05B"]),
         "PNRGOV": ("IA", ["11", "1"])}


def msg(ref="1", mtype="PAXLST", body=None, car="XX123/250301/1100"):
    """Item for build(): one message."""
    return ("msg", ref, mtype, paxlst_body() if body is None else body, car)


def group(ref="1", gtype="PAXLST", messages=None):
    return ("group", ref, gtype, [msg()] if messages is None else messages)


def render_msg(item, d):
    _, ref, mtype, body, car = item
    unh = seg("UNH", ref, MSGID[mtype], car, ["01", "F"]) if car else seg("UNH", ref, MSGID[mtype])
    segs = [unh] + list(body)
    segs.append(seg("UNT", str(len(segs) + 1), ref))
    return [render(s, d) for s in segs]


def build(items=None, *, d=DEF, sid="UNOA", ver="4", ref="1001", sender=("XXAPI", "ZZ"),
          recipient=("PIUTEST", "ZZ"), date=("250301", "0930"), unb_extra=("", "APIS")):
    """Rendered segments (without terminators) of a count-consistent interchange."""
    items = [msg()] if items is None else items
    sender = [sender] if isinstance(sender, str) else list(sender)
    recipient = [recipient] if isinstance(recipient, str) else list(recipient)
    out = [render(seg("UNB", [sid, ver], sender, recipient, list(date), ref, *unb_extra), d)]
    groups = 0
    messages = 0
    for it in items:
        if it[0] == "msg":
            out += render_msg(it, d)
            messages += 1
        else:
            _, gref, gtype, msgs = it
            agency, version = GROUP[gtype]
            out.append(render(seg("UNG", gtype, "XX AIRLINE", "PIUTEST", list(date), gref, agency,
                                  version), d))
            for m in msgs:
                out += render_msg(m, d)
            out.append(render(seg("UNE", str(len(msgs)), gref), d))
            groups += 1
    out.append(render(seg("UNZ", str(groups if groups else messages), ref), d))
    return out


def emit(segs, d=DEF, *, una=False, sep="", enc="ascii", before=b"", after=b""):
    text = (d.una() if una else "") + "".join(s + d.term + sep for s in segs)
    return before + text.encode(enc) + after


def idx(segs, prefix, nth=1):
    """1-based segment number (UNB = 1) of the nth segment starting with prefix."""
    seen = 0
    for i, s in enumerate(segs, 1):
        if s.startswith(prefix):
            seen += 1
            if seen == nth:
                return i
    raise KeyError(prefix)


def msg_idx(segs, prefix):
    """Segment number within its message (UNH = 1) of the first segment starting with prefix."""
    i = idx(segs, prefix)
    unh = max(j for j, s in enumerate(segs[:i], 1) if s.startswith("UNH"))
    return i - unh + 1


def replace(segs, old, new):
    hits = [i for i, s in enumerate(segs) if s == old]
    if len(hits) != 1:
        raise KeyError(f"{old!r} found {len(hits)} times")
    segs = list(segs)
    segs[hits[0]] = new
    return segs


def find(segs, prefix):
    return next(s for s in segs if s.startswith(prefix))


# --------------------------------------------------------------------------------------------
# Case registry

FOLDERS = {}
V3 = ["syntax-v3"]
V4P = ["syntax-v4"]
BOTH = ["syntax-v3", "syntax-v4"]
SCOPE_ACTION = {"interchange": 4, "group": 7, "message": 7}


# Interchange keys (vectors/README.md): a receiver treats a second interchange with the same UNB
# sender and control reference as a resend (RCV-DUP-001), so each case gets its own reference.
# The inputs are built with the placeholder 1001; add() replaces every occurrence of it by
# <area code, 2 digits><case number, 2 digits>, the same length, so that byte offsets, segment
# sizes and limit cases do not move, and a fault in the reference (UNZ+1+1002) stays a fault.
# Cases in a duplicate_group (the appendix examples, reproduced byte for byte in
# edifact/messages/) keep their bytes.
AREA_CODE = {"una": 40, "release": 41, "syntax-identifier": 42, "repertoire": 43,
             "whitespace": 44, "type-b": 45, "input": 46, "envelope-unb-unz": 47,
             "envelope-ung-une": 48, "envelope-unh-unt": 49, "counts-references": 50,
             "trailing-separators": 51, "limits": 52, "repetition": 53, "segment-tag": 54,
             "contrl": 55, "appendix-a": 56}  # from 40: clear of 1001, 2001, 3001 and 9001
PLACEHOLDER_REF = b"1001"


def case_ref(area, n):
    if area not in AREA_CODE:
        raise KeyError(f"area {area} has no AREA_CODE (interchange reference prefix)")
    if not 0 < n < 100:
        raise ValueError(f"{area}/{n} does not fit the reference scheme")
    return f"{AREA_CODE[area]}{n:02d}".encode("ascii")


def add(folder, area, n, fname, data, desc, reqs, *, profiles, level="MUST", conf="C",
        errors=None, warnings=None, scope=None, position=None, action="auto", tolerant="auto",
        tree=False, notes=None, transports=("http", "mq"), retired=False, duplicate_group=None,
        contrl=None):
    if duplicate_group is None and PLACEHOLDER_REF in data and area != "contrl":
        data = data.replace(PLACEHOLDER_REF, case_ref(area, n))
        if contrl and contrl.get("interchange", {}).get("reference") == PLACEHOLDER_REF.decode():
            contrl["interchange"]["reference"] = case_ref(area, n).decode()
    prefix = fname[:2]
    outcome = {"y_": "accept", "n_": "reject", "i_": "either"}[prefix]
    reqs = list(reqs)
    # The CONTRL a receiver sends for the case exercises the CONTRL generation requirements.
    if action == 4 or (action == "auto" and errors and not scope
                       and ERRC[errors[0]]["scope"] == "interchange"):
        reqs.append("SYN-CTL-002")
    elif action == 7 or (action == "auto" and errors and not scope
                         and ERRC[errors[0]]["scope"] in ("group", "message")):
        reqs.append("SYN-CTL-003")
    if position and "message_segment" in position:
        reqs.append("SYN-CTL-001")
    if position and "element" in position:
        reqs.append("SYN-CTL-011")
    # expect.pass.contrl: what UCI/UCF/UCM copy (SYN-CTL-008), ISO codes only (SYN-CTL-009),
    # identifier and level structure (SYN-CTL-010).
    if contrl and ("interchange" in contrl or "levels" in contrl):
        reqs.append("SYN-CTL-008")
    if contrl and contrl.get("iso_codes_only"):
        reqs.append("SYN-CTL-009")
    if contrl and ("identifier" in contrl or "levels" in contrl):
        reqs.append("SYN-CTL-010")
    spec = []
    for r in reqs:
        iso, digest = CLAUSES[r]
        spec.append({"iso9735": iso, "digest": digest, "req": r})
    expect = {"outcome": outcome}
    passed = {}
    if errors:
        for e in errors:
            if e not in ERRC:
                raise KeyError(f"unknown diagnostic {e}")
        passed["errors"] = list(errors)
        passed["syntax_errors"] = sorted({ERRC[e]["code"] for e in errors if ERRC[e]["code"]})
        first = ERRC[errors[0]]
        passed["scope"] = scope or [first["scope"]]
        if position:
            passed["position"] = position
        if action == "auto":
            action = SCOPE_ACTION.get(passed["scope"][0]) if len(passed["scope"]) == 1 else None
        if action:
            passed["contrl_action"] = action
    if warnings:
        passed["warnings"] = list(warnings)
    if contrl:
        passed["contrl"] = contrl
    if passed:
        expect["pass"] = passed
    if outcome == "reject":
        expect["non_strict"] = {"http_status": [400, 422]}
        if tolerant == "auto":
            if errors and all(ERRC[e]["tolerable"] for e in errors):
                tolerant = {"outcome": "accept", "warnings": list(errors)}
            else:
                tolerant = None
    elif tolerant == "auto":
        tolerant = None
    if tolerant:
        expect["tolerant"] = tolerant
    case = {
        "id": f"edifact/syntax/{area}/{n}",
        "description": desc,
        "specification": spec,
        "input": fname,
        "transports": list(transports),
        "profiles": list(profiles),
        "level": level,
        "confidence": conf,
        "expect": expect,
    }
    if tree:
        if outcome != "accept":
            raise ValueError("trees only for accept cases")
        case["tree"] = fname.rsplit(".", 1)[0] + ".tree.json"
    if notes:
        case["notes"] = notes
    if retired:
        case["retired"] = True
    if duplicate_group:
        case["duplicate_group"] = duplicate_group
    FOLDERS.setdefault(folder, []).append((case, fname, data))


# --------------------------------------------------------------------------------------------
# The corpus


def una_cases():
    f, a = "iso9735-1_una", "una"
    std = build()
    add(f, a, 1, "y_una_default_v3.edi", emit(build(ver="3"), una=True),
        "UNA with the default level A set and a space at position 7 (syntax version 3) is accepted",
        ["SYN-UNA-006", "SYN-UNA-001", "SYN-UNA-005"], profiles=V3, tree=True)
    add(f, a, 2, "y_una_default_v4.edi", emit(build(d=V4), V4, una=True),
        "UNA with the version 4 default set including repetition separator '*' is accepted",
        ["SYN-UNA-006", "SYN-UNA-001", "SYN-UNA-002", "SYN-REP-001"], profiles=V4P, tree=True)
    add(f, a, 3, "y_una_absent.edi", emit(std),
        "An interchange without UNA uses the default service characters and is accepted",
        ["SYN-UNA-006", "SYN-ENV-001", "SYN-SEG-001", "SYN-SEG-004"], profiles=V4P, tree=True)
    d = Delims(elem="*", term="$")
    add(f, a, 4, "y_una_star_dollar.edi", emit(build(d=d), d, una=True, sep="\n"),
        "UNA declaring '*' as element separator and '$' as segment terminator is honoured",
        ["SYN-UNA-007"], profiles=V4P, tree=True)
    d = Delims(elem="-", term="*")
    add(f, a, 5, "y_una_dash_star.edi", emit(build(d=d), d, una=True),
        "UNA declaring '-' as element separator and '*' as segment terminator is honoured",
        ["SYN-UNA-007"], profiles=V4P, tree=True)
    d = Delims(elem="(", rel=")", term="-")
    add(f, a, 6, "y_una_paren_dash.edi", emit(build(d=d), d, una=True),
        "UNA declaring '(' element separator, ')' release and '-' terminator is honoured",
        ["SYN-UNA-007"], profiles=V4P, tree=True)
    d = Delims(rel="\\", rep="*")
    segs = build([msg(body=paxlst_body(surname="O'BRIEN"))], d=d)
    add(f, a, 7, "y_una_backslash_release.edi", emit(segs, d, una=True),
        "A backslash declared as release character escapes the apostrophe in O\\'BRIEN",
        ["SYN-UNA-007", "SYN-REL-001"], profiles=V4P, tree=True)
    add(f, a, 8, "n_una_duplicate.edi", b"UNA++.? '" + emit(std),
        "UNA declaring '+' both as component and as element separator is rejected",
        ["SYN-UNA-002"], profiles=BOTH, errors=["EDI-UNA-DUPLICATE"])
    add(f, a, 9, "n_una_truncated.edi", b"UNA:+.?",
        "Input ending after seven characters of UNA is rejected as a truncated UNA",
        ["SYN-UNA-001"], profiles=BOTH, errors=["EDI-UNA-TRUNCATED"])
    add(f, a, 10, "n_una_letter_separator.edi", b"UNA:X.? '" + emit(std),
        "UNA declaring the letter X as element separator is rejected",
        ["SYN-UNA-003"], profiles=BOTH, errors=["EDI-UNA-INVALID-CHAR"])
    d = Delims(rel="\\", rep="*")
    body = emit(build(d=d), d).replace(b"'", "\u2019".encode("utf-8"))
    add(f, a, 11, "n_una_typographic_quote.edi", "UNA:+.\\*\u2019".encode("utf-8") + body,
        "UNA whose terminator is a UTF-8 typographic quote (E2 80 99) is rejected",
        ["SYN-UNA-003"], profiles=BOTH, errors=["EDI-UNA-INVALID-CHAR"],
        notes="A PDF-copied UNA; position 8 is the first byte of a multi-byte character.")
    add(f, a, 12, "n_una_decimal_mark.edi", b"UNA:+;? '" + emit(std),
        "UNA declaring ';' as decimal mark is rejected", ["SYN-UNA-004"], profiles=BOTH,
        errors=["EDI-UNA-DECIMAL-MARK"])
    add(f, a, 13, "y_una_comma_decimal.edi", emit(std, Delims(dec=","), una=True),
        "UNA declaring ',' as decimal mark is accepted", ["SYN-UNA-004"], profiles=V4P, tree=True)
    d = Delims(rel=None)
    body = paxlst_body(extra=[seg("RFF", ["AVF", "AB?123"])])
    add(f, a, 14, "y_una_no_release.edi", emit(build([msg(body=body)], d=d), d, una=True),
        "A space at UNA position 6 means no release character, so '?' is ordinary data",
        ["SYN-UNA-007"], profiles=V4P, tree=True)
    segs = build()
    segs.insert(1, "UNA:+.? ")  # rendered as 'UNA:+.? ' + terminator
    add(f, a, 15, "n_una_misplaced.edi", emit(segs),
        "UNA after UNB is rejected as a misplaced service string advice",
        ["SYN-UNA-001"], profiles=V4P, errors=["EDI-UNA-MISPLACED"], position={"segment": 2},
        action=None, conf="I")
    d = Delims(comp="\x1f", elem="\x1d", term="\x1c")
    body = paxlst_body(surname="Obrien", given="Anne")
    add(f, a, 16, "y_una_information_separators.edi",
        emit(build([msg(body=body)], d=d, sid="UNOB", ver="3"), d, una=True),
        "UNA declaring the level B information separators IS1 IS3 IS4 is accepted",
        ["SYN-UNA-003", "SYN-UNA-007"], profiles=V3, tree=True, conf="I")
    add(f, a, 17, "n_una_tab_character.edi", b"UNA:+.?\t'" + emit(std),
        "UNA declaring a horizontal tab as a service character is rejected",
        ["SYN-UNA-003"], profiles=BOTH, errors=["EDI-UNA-INVALID-CHAR"])


def release_cases():
    f, a = "iso9735-1_release", "release"
    segs = build([msg(body=paxlst_body(surname="O'BRIEN"))])
    add(f, a, 1, "y_release_apostrophe_name.edi", emit(segs, una=True),
        "A released apostrophe in O?'BRIEN is data, not a segment terminator",
        ["SYN-REL-001"], profiles=V4P, tree=True)
    body = paxlst_body(extra=[seg("COM", ["ANNE+API//EXAMPLE.ORG", "EM"])])
    add(f, a, 2, "y_release_plus_in_email.edi", emit(build([msg(body=body)]), una=True),
        "A released plus sign inside an e-mail address is data, not an element separator",
        ["SYN-REL-001"], profiles=V4P, tree=True)
    body = paxlst_body(extra=[seg("FTX", "AAI", "", "", "A?B"), seg("RFF", ["AVF", "ABC?"])])
    add(f, a, 3, "y_release_double_release.edi", emit(build([msg(body=body)]), una=True),
        "A run '??' is one literal '?', and '??' before the terminator ends the segment",
        ["SYN-REL-001", "SYN-REL-002"], profiles=V4P, tree=True)
    body = paxlst_body(surname="SMITH:JONES")
    add(f, a, 4, "y_release_component_separator.edi", emit(build([msg(body=body)]), una=True),
        "A released colon inside a surname does not split the component",
        ["SYN-REL-001"], profiles=V4P, tree=True)
    text = emit(build(), una=True)
    assert text.endswith(b"'")
    add(f, a, 5, "n_release_escaped_final_terminator.edi", text[:-1] + b"?'",
        "A released terminator at the very end leaves the last segment unterminated",
        ["SYN-SEG-004", "SYN-REL-001"], profiles=V4P, errors=["EDI-SEG-UNTERMINATED"],
        action=4)
    add(f, a, 6, "n_release_dangling.edi", text[:-1] + b"?",
        "A release character as the last byte of the input escapes nothing and is rejected",
        ["SYN-REL-002"], profiles=V4P, errors=["EDI-REL-DANGLING"], action=4)
    body = paxlst_body(extra=[seg("FTX", "AAI", "", "", "FRED SAMPLES")])
    segs = build([msg(body=body)])
    segs = replace(segs, find(segs, "FTX"), "FTX+AAI+++FRED? SAMPLES")
    add(f, a, 7, "y_release_escaped_space.edi", emit(segs, una=True),
        "A released space is a literal space", ["SYN-REL-001"], profiles=V4P, tree=True)
    segs = build()
    segs = replace(segs, find(segs, "NAD+FL"), "NAD+FL+++O'BRIEN:ANNE")
    add(f, a, 8, "n_release_unescaped_apostrophe.edi", emit(segs, una=True),
        "An unreleased apostrophe in a name ends the segment and leaves an invalid tag BRIEN",
        ["SYN-SEG-001", "SYN-REL-001"], profiles=V4P, errors=["EDI-SEG-TAG"],
        scope=["segment"], action=7)


def sid_cases():
    f, a = "iso9735-1_syntax-identifier", "syntax-identifier"
    for n, ver in ((1, "1"), (2, "2"), (3, "3"), (4, "4")):
        add(f, a, n, f"y_sid_unoa_v{ver}.edi", emit(build(ver=ver)),
            f"Syntax identifier UNOA with version {ver} is accepted", ["SYN-SID-001", "SYN-SID-002"],
            profiles=V4P if ver == "4" else V3, tree=(ver == "1"))
    body = paxlst_body(surname="Obrien", given="Anne")
    add(f, a, 5, "y_sid_unob_lower_case.edi", emit(build([msg(body=body)], sid="UNOB", ver="3")),
        "Lower-case names are accepted under UNOB", ["SYN-SID-001", "SYN-CHR-001"],
        profiles=V3, tree=True)
    body = paxlst_body(surname="LEFEVRE", given="REN\u00c9E")
    add(f, a, 6, "y_sid_unoc_latin1.edi",
        emit(build([msg(body=body)], sid="UNOC", ver="3"), enc="latin-1"),
        "A Latin-1 byte C9 (E acute) is accepted under UNOC", ["SYN-SID-001", "SYN-CHR-001"],
        profiles=V3)
    add(f, a, 7, "y_sid_unoy_utf8.edi",
        emit(build([msg(body=body)], sid="UNOY", ver="4"), enc="utf-8"),
        "UTF-8 E acute (C3 89) is accepted under UNOY", ["SYN-SID-001", "SYN-CHR-001"],
        profiles=V4P, tree=True, conf="U",
        notes="The digest marks the exact UNOW/UNOY assignments [U]; both are treated as UTF-8.")
    pnr = [msg(mtype="PNRGOV", body=pnrgov_body(), car="XX123/010325/1100/24")]
    add(f, a, 8, "y_sid_iata_1.edi",
        emit(build(pnr, sid="IATA", ver="1", sender="XX", recipient="PIUPNR", unb_extra=())),
        "Syntax identifier IATA version 1 (PNRGOV) is accepted", ["SYN-SID-001"],
        profiles=V3, tree=True)
    add(f, a, 9, "y_sid_iatb_1.edi",
        emit(build(pnr, sid="IATB", ver="1", sender="XX", recipient="PIUPNR", unb_extra=())),
        "Syntax identifier IATB version 1 is accepted", ["SYN-SID-001"], profiles=V3, conf="I")
    add(f, a, 10, "n_sid_unsupported.edi", emit(build(sid="XXXX")),
        "An unknown syntax identifier XXXX is rejected", ["SYN-SID-001"], profiles=BOTH,
        errors=["EDI-SID-UNSUPPORTED"], position={"segment": 1, "element": 1, "component": 1})
    add(f, a, 11, "n_sid_version_5.edi", emit(build(ver="5")),
        "Syntax version number 5 is rejected", ["SYN-SID-002"], profiles=BOTH,
        errors=["EDI-SID-VERSION"], position={"segment": 1, "element": 1, "component": 2})
    text = emit(build([msg(body=paxlst_body(surname="LEFEVRE", given="REN\u00c9E"))],
                      sid="UNOY", ver="4"), enc="latin-1")
    add(f, a, 12, "n_sid_unoy_invalid_utf8.edi", text,
        "A lone Latin-1 byte C9 is invalid UTF-8 and rejected under UNOY", ["SYN-CHR-001"],
        profiles=V4P, errors=["EDI-CHR-REPERTOIRE"], action=7)


def repertoire_cases():
    f, a = "iso9735-1_repertoire", "repertoire"
    segs = build([msg(body=paxlst_body(surname="OBrien"))])
    add(f, a, 1, "n_rep_lower_case_unoa.edi", emit(segs),
        "Lower case in a UNOA interchange is an error in a strict parse",
        ["SYN-CHR-002"], profiles=V4P, errors=["EDI-CHR-LOWERCASE"], action=7,
        position={"segment": idx(segs, "NAD+FL"), "element": 4, "component": 1})
    body = paxlst_body(extra=[seg("COM", ["ANNE@EXAMPLE.ORG", "EM"])])
    segs = build([msg(body=body)])
    add(f, a, 2, "n_rep_at_sign_unoa.edi", emit(segs),
        "The at sign is outside the UNOA repertoire and rejected", ["SYN-CHR-001", "SYN-CHR-004"],
        profiles=V4P, errors=["EDI-CHR-REPERTOIRE"], action=7, conf="I",
        position={"segment": idx(segs, "COM"), "element": 1, "component": 1},
        notes="The digest marks the exact UNOA list [U]; '@' is absent from every version of it.")
    segs = build([msg(body=paxlst_body(surname="LEFEVRE", given="REN\u00c9E"))])
    add(f, a, 3, "n_rep_latin1_in_unoa.edi", emit(segs, enc="latin-1"),
        "A Latin-1 byte C9 is outside the UNOA repertoire and rejected", ["SYN-CHR-001"],
        profiles=V4P, errors=["EDI-CHR-REPERTOIRE"], action=7,
        position={"segment": idx(segs, "NAD+FL"), "element": 4, "component": 2})
    body = paxlst_body(extra=[seg("FTX", "AAI", "", "", ["A-Z 0.9,(X)/=!\"%&*;<>", "?'+:"])])
    add(f, a, 4, "y_rep_unoa_full_set.edi", emit(build([msg(body=body)])),
        "Every UNOA special character, released where needed, is accepted",
        ["SYN-CHR-001", "SYN-CHR-002", "SYN-CHR-004", "SYN-REL-001"], profiles=V4P, tree=True, conf="I")
    pnr = [msg(mtype="PNRGOV", body=pnrgov_body() + [seg("SSR", "CTCE", ["anne.obrien//example.org"])],
               car="XX123/010325/1100/24")]
    add(f, a, 5, "y_rep_iata_lower_case.edi",
        emit(build(pnr, sid="IATA", ver="1", sender="XX", recipient="PIUPNR", unb_extra=())),
        "Lower case is accepted under IATA", ["SYN-CHR-001", "SYN-SID-001"], profiles=V3,
        conf="I")


def whitespace_cases():
    f, a = "iso9735-1_whitespace", "whitespace"
    std = build()
    add(f, a, 1, "y_ws_crlf_between_segments.edi", emit(std, una=True, sep="\r\n"),
        "CR LF after each segment terminator is ignored", ["SYN-WS-001"], profiles=V4P,
        tree=True)
    add(f, a, 2, "y_ws_lf_between_segments.edi", emit(std, sep="\n"),
        "LF after each segment terminator is ignored", ["SYN-WS-001", "SYN-ENV-014"], profiles=V4P, tree=True)
    segs = replace(std, find(std, "UNH"), find(std, "UNH").replace("250301/", "250301\r\n/"))
    add(f, a, 3, "n_ws_line_break_in_value.edi", emit(segs, sep="\r\n"),
        "CR LF inside the UNH common access reference is an error in a strict parse",
        ["SYN-CHR-003"], profiles=V4P, errors=["EDI-CHR-LINE-BREAK"], action=7, conf="I",
        level="SHOULD",
        position={"segment": 2, "element": 3})
    segs = replace(std, find(std, "TDT"), "  " + find(std, "TDT"))
    add(f, a, 4, "n_ws_leading_space.edi", emit(segs),
        "Spaces before a segment tag are an error in a strict parse", ["SYN-SEG-003"],
        profiles=V4P, errors=["EDI-SEG-LEADING-SPACE"], action=7, conf="I", level="SHOULD",
        position={"segment": idx(segs, "  TDT")})
    d = Delims(elem="*", term="$")
    segs = build([group()], d=d)
    segs = replace(segs, find(segs, "UNG"), find(segs, "UNG").replace("UNG*", "UNG *", 1))
    add(f, a, 5, "n_ws_space_after_tag.edi", emit(segs, d, una=True, sep="\n"),
        "A space between the tag and the separator in 'UNG *PAXLST' is an invalid tag",
        ["SYN-SEG-001"], profiles=V4P, errors=["EDI-SEG-TAG"], scope=["segment", "group"],
        position={"segment": 2}, action=None)
    add(f, a, 6, "i_ws_space_before_unb.edi", b"  " + emit(std),
        "Spaces before UNB at the start of the input are tolerated or rejected",
        ["SYN-SEG-003", "SYN-ENV-014"], profiles=V4P, level="SHOULD", conf="I")


def type_b_cases():
    f, a = "sita_type-b", "type-b"
    head = b"\x01QK LONPPXS\n.MUCKMTS 250521\n"
    d = Delims(elem="(", rel=")", term="-")
    pnr = [group(gtype="PNRGOV", messages=[msg(mtype="PNRGOV", body=pnrgov_body(),
                                                 car="XX123/010325/1100/24")])]
    segs = build(pnr, d=d, sid="IATA", ver="1", sender="XX", recipient="PIUPNR", unb_extra=())
    add(f, a, 1, "y_typeb_paren_dash.edi", emit(segs, d, una=True, before=head + b"\x02",
                                                 after=b"\x03"),
        "An interchange with UNA:(.) - inside a SITA Type B envelope is accepted",
        ["SYN-TYB-001", "SYN-UNA-007", "TRN-TYB-002"], profiles=["type-b", "syntax-v3"], tree=True,
        conf="I", level="SHOULD")
    add(f, a, 2, "n_typeb_soh_without_stx.edi", emit(segs, d, una=True, before=head,
                                                      after=b"\x03"),
        "A Type B heading with SOH but no STX is rejected", ["SYN-TYB-001"],
        profiles=["type-b", "syntax-v3"], errors=["EDI-TYPEB-MALFORMED"], conf="I", level="SHOULD")
    add(f, a, 3, "y_typeb_default_delimiters.edi",
        emit(build(), sep="\n", before=head + b"\x02", after=b"\x03"),
        "A Type B envelope around a default-delimiter interchange with LF lines is accepted",
        ["SYN-TYB-001", "SYN-WS-001"], profiles=["type-b", "syntax-v4"], tree=True, conf="I", level="SHOULD")
    add(f, a, 4, "n_typeb_no_edifact.edi", head + b"\x02\x03",
        "A Type B envelope with no EDIFACT text between STX and ETX is rejected",
        ["SYN-TYB-001"], profiles=["type-b", "syntax-v3", "syntax-v4"],
        errors=["EDI-TYPEB-MALFORMED"], conf="I", level="SHOULD")


def input_cases():
    f, a = "iso9735-1_input", "input"
    add(f, a, 1, "n_input_empty.edi", b"", "An empty input is rejected", ["SYN-ENV-001"],
        profiles=BOTH, errors=["EDI-INPUT-EMPTY"])
    add(f, a, 2, "n_input_whitespace_only.edi", b"\r\n  \r\n",
        "An input of only spaces and line breaks is rejected as empty", ["SYN-ENV-001"],
        profiles=BOTH, errors=["EDI-INPUT-EMPTY"], conf="I")
    add(f, a, 3, "n_input_binary.edi", b"\x00\x10\x00\x00\xfe\xffGARBAGE\x00\x00\x01",
        "Binary garbage starting with NUL bytes is rejected", ["SYN-CHR-001"], profiles=BOTH,
        errors=["EDI-INPUT-BINARY"])
    text = emit(build(), una=True)
    add(f, a, 4, "n_input_nul_in_value.edi", text.replace(b"OBRIEN", b"OBR\x00IEN"),
        "A NUL byte inside a name value is rejected as binary input", ["SYN-CHR-001"],
        profiles=V4P, errors=["EDI-INPUT-BINARY"], conf="I")
    add(f, a, 5, "n_input_leading_data.edi", b"XX API BATCH 0001\r\n" + emit(build(), sep="\r\n"),
        "A text line before UNB is rejected as data before the interchange", ["SYN-ENV-014"],
        profiles=V4P, errors=["EDI-INPUT-LEADING-DATA"], conf="I")
    add(f, a, 6, "n_input_trailing_data.edi", emit(build() + ["BGM+745"]),
        "A segment after UNZ is rejected as data after the interchange", ["SYN-ENV-014"],
        profiles=V4P, errors=["EDI-INPUT-TRAILING-DATA"], conf="I")


def unb_unz_cases():
    f, a = "iso9735-1_envelope-unb-unz", "envelope-unb-unz"
    std = build()
    add(f, a, 1, "n_env_no_unb.edi", emit(std[1:-1]),
        "A message without UNB and UNZ is rejected for the missing UNB", ["SYN-ENV-001"],
        profiles=BOTH, errors=["EDI-ENV-NO-UNB"])
    add(f, a, 2, "n_env_no_unz.edi", emit(std[:-1]),
        "An interchange cut off after UNT is rejected for the missing UNZ", ["SYN-ENV-001"],
        profiles=V4P, errors=["EDI-ENV-NO-UNZ"])
    segs = list(std)
    segs.insert(len(segs) - 1, std[0])
    add(f, a, 3, "n_env_second_unb.edi", emit(segs),
        "A second UNB before UNZ is a misplaced service segment", ["SYN-ENV-005"],
        profiles=V4P, errors=["EDI-ENV-MISPLACED"], scope=["segment", "interchange"],
        position={"segment": len(segs) - 1}, action=4)
    body = paxlst_body(extra=[seg("UNX", "1")])
    segs = build([msg(body=body)])
    add(f, a, 4, "n_env_unknown_service_segment.edi", emit(segs),
        "An undefined service segment tag UNX is rejected", ["SYN-ENV-017"], profiles=V4P,
        errors=["EDI-ENV-UNKNOWN-SERVICE"], action=7,
        position={"segment": idx(segs, "UNX"), "message_segment": msg_idx(segs, "UNX")})
    segs = build(unb_extra=("", "APIS", "", "", "", "", "X"))
    add(f, a, 5, "n_env_unb_too_many_elements.edi", emit(segs),
        "A UNB with twelve data elements is rejected", ["SYN-SEG-005"], profiles=V4P,
        errors=["EDI-SEG-TOO-MANY-ELEMENTS"], scope=["segment", "interchange"], action=4,
        position={"segment": 1})
    add(f, a, 6, "n_env_empty_interchange.edi", emit(build([])),
        "An interchange with no message (UNZ+0) is rejected", ["SYN-ENV-013"], profiles=V4P,
        errors=["EDI-ENV-EMPTY-INTERCHANGE"])
    segs = replace(std, std[0], std[0].replace("+XXAPI:ZZ+", "++"))
    add(f, a, 7, "n_env_unb_no_sender.edi", emit(segs),
        "A UNB without interchange sender is rejected", ["SYN-ENV-002"], profiles=V4P,
        errors=["EDI-ENV-MISSING-ELEMENT"], scope=["element", "segment", "interchange"],
        action=4, position={"segment": 1, "element": 2})
    segs = build(ref="100000000000001")
    add(f, a, 8, "n_env_unb_reference_too_long.edi", emit(segs),
        "An interchange control reference of fifteen characters exceeds an..14",
        ["SYN-DAT-002"], profiles=V4P, errors=["EDI-DAT-TOO-LONG"],
        scope=["element", "interchange"], action=4, position={"segment": 1, "element": 5})
    segs = build(unb_extra=("PASSWORD1:AA", "APIS", "A", "1", "AGREEMENT1", "1"))
    add(f, a, 9, "y_env_unb_all_elements.edi", emit(segs),
        "A UNB using all eleven data elements is accepted", ["SYN-ENV-002", "SYN-SEG-005"], profiles=V4P,
        tree=True)
    add(f, a, 10, "y_env_unb_date_ccyymmdd.edi", emit(build(date=("20250301", "0930"))),
        "A UNB preparation date with eight digits (CCYYMMDD) is accepted", ["SYN-ENV-015"],
        profiles=V4P, conf="U")
    add(f, a, 12, "y_env_unb_reference_14.edi", emit(build(ref="10000000000001")),
        "An interchange control reference of exactly fourteen characters is accepted",
        ["SYN-DAT-002"], profiles=V4P)
    add(f, a, 11, "y_env_unb_minimal.edi", emit(build(unb_extra=())),
        "A UNB with only its five mandatory data elements is accepted", ["SYN-ENV-002"],
        profiles=V4P, tree=True)


def ung_une_cases():
    f, a = "iso9735-1_envelope-ung-une", "envelope-ung-une"
    segs = build([group(messages=[msg("1"), msg("2")])])
    add(f, a, 1, "y_group_two_messages.edi", emit(segs, sep="\n"),
        "A functional group holding two PAXLST messages is accepted",
        ["SYN-ENV-008", "SYN-ENV-009", "SYN-ENV-011", "SYN-ENV-012", "SYN-ENV-013"],
        profiles=V4P, tree=True)
    segs = build([group()])
    add(f, a, 2, "n_group_no_une.edi", emit([s for s in segs if not s.startswith("UNE")]),
        "A functional group closed by UNZ without UNE is rejected", ["SYN-ENV-008"],
        profiles=V4P, errors=["EDI-ENV-NO-UNE"])
    segs = build([group(), msg("2")])
    add(f, a, 3, "n_group_mixed_with_message.edi", emit(segs),
        "A functional group next to an ungrouped message is rejected", ["SYN-ENV-011"],
        profiles=V4P, errors=["EDI-ENV-MIXED"])
    segs = build([group(messages=[msg("1"), msg("2", "CUSRES", body=paxlst_body())])])
    add(f, a, 4, "n_group_two_message_types.edi", emit(segs),
        "A functional group holding a PAXLST and a CUSRES message is rejected", ["SYN-ENV-012"],
        profiles=V4P, errors=["EDI-ENV-GROUP-TYPES"])
    add(f, a, 5, "n_group_empty.edi", emit(build([group(messages=[])])),
        "A functional group with no message (UNE+0) is rejected", ["SYN-ENV-013"],
        profiles=V4P, errors=["EDI-ENV-EMPTY-GROUP"])
    segs = build([group(gtype="CUSRES")])
    add(f, a, 6, "n_group_type_mismatch.edi", emit(segs),
        "A CUSRES group holding a PAXLST message is an error in a strict parse", ["SYN-ENV-012"],
        profiles=V4P, errors=["EDI-ENV-GROUP-MISMATCH"], conf="I")
    segs = build([group()])
    segs = replace(segs, find(segs, "UNG"), find(segs, "UNG") + "+PASSWORD+X")
    add(f, a, 7, "n_group_ung_too_many_elements.edi", emit(segs),
        "A UNG with nine data elements is rejected", ["SYN-SEG-005"], profiles=V4P,
        errors=["EDI-SEG-TOO-MANY-ELEMENTS"], scope=["segment", "group"], action=None,
        position={"segment": 2})


def unh_unt_cases():
    f, a = "iso9735-1_envelope-unh-unt", "envelope-unh-unt"
    std = build()
    add(f, a, 1, "n_msg_no_unt.edi", emit([s for s in std if not s.startswith("UNT")]),
        "A message closed by UNZ without UNT is rejected", ["SYN-ENV-005"], profiles=V4P,
        errors=["EDI-ENV-NO-UNT"])
    segs = build([msg("1"), msg("2")])
    segs.insert(idx(segs, "UNH", 2) - 1, "BGM+745")
    add(f, a, 2, "n_msg_segment_between_messages.edi", emit(segs),
        "A BGM segment between UNT and the next UNH is rejected", ["SYN-ENV-005"],
        profiles=V4P, errors=["EDI-ENV-OUTSIDE-MESSAGE"], scope=["segment", "interchange"],
        action=None, position={"segment": idx(segs, "UNH", 2) - 1})
    segs = replace(std, find(std, "UNH"), find(std, "UNH") + "+X+Y+Z+W")
    add(f, a, 3, "n_msg_unh_too_many_elements.edi", emit(segs),
        "A UNH with eight data elements is rejected", ["SYN-SEG-005"], profiles=V4P,
        errors=["EDI-SEG-TOO-MANY-ELEMENTS"], scope=["segment", "message"], action=7,
        position={"segment": 2})
    segs = replace(std, find(std, "UNT"), find(std, "UNT") + "+X")
    add(f, a, 4, "n_msg_unt_too_many_elements.edi", emit(segs),
        "A UNT with three data elements is rejected", ["SYN-SEG-005"], profiles=V4P,
        errors=["EDI-SEG-TOO-MANY-ELEMENTS"], scope=["segment", "message"], action=7,
        position={"segment": idx(segs, "UNT")})
    add(f, a, 5, "y_msg_two_messages.edi", emit(build([msg("1"), msg("2")]), sep="\n"),
        "Two ungrouped messages counted by UNZ+2 are accepted", ["SYN-ENV-003"],
        profiles=V4P, tree=True)
    add(f, a, 6, "y_msg_unh_two_elements.edi", emit(build([msg(car=None)])),
        "A UNH with only reference and message identifier is accepted", ["SYN-ENV-005"],
        profiles=V4P)


def counts_cases():
    f, a = "iso9735-1_counts-references", "counts-references"
    std = build()
    unt = find(std, "UNT")  # UNT+14+1
    n = int(unt.split("+")[1])
    for num, delta, fname, desc in (
            (1, 1, "n_cnt_unt_plus_one.edi", "A UNT count one higher than the segments is an error"),
            (2, -1, "n_cnt_unt_minus_one.edi", "A UNT count one lower than the segments is an error")):
        segs = replace(std, unt, f"UNT+{n + delta}+1")
        # No UNG: the CONTRL (v4 identifier) reports the message in a UCM copying UNH 0062 and
        # the message type, under a UCI copying UNB 0020, S002 and S003.
        add(f, a, num, fname, emit(segs), desc, ["SYN-ENV-006"], profiles=V4P,
            errors=["EDI-UNT-COUNT"], position={"segment": idx(segs, "UNT"), "element": 1},
            contrl=None if num != 1 else {
                "identifier": "CONTRL:4:1:UN",
                "interchange": {"reference": "1001", "sender": "XXAPI", "recipient": "PIUTEST"},
                "levels": [{"segment": "UCM", "reference": "1", "message_type": "PAXLST",
                            "action": 4}],
                "iso_codes_only": True})
    segs = replace(std, unt, f"UNT+{n}+2")
    add(f, a, 3, "n_cnt_unt_reference.edi", emit(segs),
        "A UNT reference differing from the UNH reference is rejected", ["SYN-ENV-007"],
        profiles=V4P, errors=["EDI-UNT-REFERENCE"],
        position={"segment": idx(segs, "UNT"), "element": 2})
    g = build([group()])
    segs = replace(g, "UNE+1+1", "UNE+2+1")
    # With UNG the CONTRL reports on the group in a UCF copying UNG 0048 (SYN-CTL-010).
    add(f, a, 4, "n_cnt_une_count.edi", emit(segs),
        "A UNE message count differing from the messages in the group is an error",
        ["SYN-ENV-009"], profiles=V4P, errors=["EDI-UNE-COUNT"],
        contrl={"interchange": {"reference": "1001", "sender": "XXAPI", "recipient": "PIUTEST"},
                "levels": [{"segment": "UCF", "reference": "1", "action": 4}]})
    segs = replace(g, "UNE+1+1", "UNE+1+2")
    add(f, a, 5, "n_cnt_une_reference.edi", emit(segs),
        "A UNE reference differing from the UNG reference is rejected", ["SYN-ENV-010"],
        profiles=V4P, errors=["EDI-UNE-REFERENCE"])
    segs = replace(std, "UNZ+1+1001", "UNZ+2+1001")
    add(f, a, 6, "n_cnt_unz_count.edi", emit(segs),
        "A UNZ count differing from the number of messages is an error", ["SYN-ENV-003"],
        profiles=V4P, errors=["EDI-UNZ-COUNT"])
    segs = replace(std, "UNZ+1+1001", "UNZ+1+1002")
    add(f, a, 7, "n_cnt_unz_reference.edi", emit(segs),
        "A UNZ reference differing from the UNB reference is rejected", ["SYN-ENV-004"],
        profiles=V4P, errors=["EDI-UNZ-REFERENCE"])
    segs = build([group(messages=[msg("1"), msg("2")])])
    segs = replace(segs, "UNZ+1+1001", "UNZ+2+1001")
    add(f, a, 8, "n_cnt_unz_counts_messages_with_ung.edi", emit(segs),
        "A UNZ counting messages instead of groups when UNG is present is an error",
        ["SYN-ENV-003"], profiles=V4P, errors=["EDI-UNZ-COUNT"])
    segs = replace(std, unt, "UNT+1O+1")
    add(f, a, 9, "n_cnt_unt_non_numeric.edi", emit(segs),
        "A UNT count with the letter O instead of a zero is rejected", ["SYN-DAT-001"],
        profiles=V4P, errors=["EDI-DAT-NUMERIC"], scope=["element", "message"], action=7,
        position={"segment": idx(segs, "UNT"), "element": 1})
    segs = replace(std, unt, f"UNT+{n:06d}+1")
    add(f, a, 10, "y_cnt_unt_zero_padded.edi", emit(segs),
        "A zero-padded UNT count 000014 is accepted", ["SYN-DAT-003", "SYN-DAT-001"], profiles=V4P, tree=True)
    segs = build([group("1", messages=[msg("11085B94E1F8FA")])], ref="XX10001")
    add(f, a, 11, "y_cnt_references_differ_across_levels.edi", emit(segs),
        "UNB, UNG and UNH references with different values are accepted",
        ["SYN-ENV-016", "SYN-ENV-004", "SYN-ENV-007", "SYN-ENV-010"],
        profiles=V4P)


def trailing_cases():
    f, a = "iso9735-1_trailing-separators", "trailing-separators"
    std = build()
    nad = find(std, "NAD+FL")
    for num, fname, new, desc in (
            (1, "n_trail_component.edi", nad + ":",
             "A component separator before the terminator is a trailing separator"),
            (2, "n_trail_element.edi", nad + "+",
             "An element separator before the terminator is a trailing separator")):
        segs = replace(std, nad, new)
        add(f, a, num, fname, emit(segs), desc, ["SYN-SEG-002"], profiles=V4P,
            errors=["EDI-SEG-TRAILING-SEP"], action=7,
            position={"segment": idx(segs, "NAD+FL")})
    d = Delims(elem="*", term="$")
    segs = build(d=d)
    nad = find(segs, "NAD*FL")
    segs = replace(segs, nad, nad + "::**")
    add(f, a, 3, "n_trail_several.edi", emit(segs, d, una=True, sep="\n"),
        "Several separators before the terminator are a trailing separator", ["SYN-SEG-002"],
        profiles=V4P, errors=["EDI-SEG-TRAILING-SEP"], action=7)
    add(f, a, 4, "y_trail_empty_middle_elements.edi", emit(std),
        "Empty data elements before a non-empty one are not trailing separators",
        ["SYN-SEG-002"], profiles=V4P, tree=True)
    body = paxlst_body(extra=[seg("FTX", "AAI", "", "", "A+")])
    add(f, a, 5, "y_trail_released_separator_at_end.edi", emit(build([msg(body=body)])),
        "A released separator before the terminator is data, not a trailing separator",
        ["SYN-SEG-002", "SYN-REL-001"], profiles=V4P, tree=True)


def limit_cases():
    f, a = "iso9735-1_limits", "limits"
    prof = ["syntax-v4", "reference-limits"]

    def with_ftx(ftx):
        segs = build([msg(body=paxlst_body(extra=[("FTX", [])]))])
        return replace(segs, "FTX", ftx)

    segs = with_ftx("FTX+AAI+++" + "A" * 4097)
    add(f, a, 1, "n_limit_element_length.edi", emit(segs),
        "A data element of 4097 bytes exceeds the default element length limit",
        ["SYN-LIM-001"], profiles=prof, level="SHOULD", conf="I",
        errors=["EDI-LIMIT-ELEMENT-LENGTH"], action=4)
    segs = with_ftx("FTX+AAI+++" + "A" * 4096)
    add(f, a, 2, "y_limit_element_length_4096.edi", emit(segs),
        "A data element of exactly 4096 bytes is within the default limit", ["SYN-LIM-001"],
        profiles=prof, level="SHOULD", conf="I")
    segs = with_ftx("FTX" + "+A" * 100)
    add(f, a, 3, "n_limit_elements_100.edi", emit(segs),
        "A segment with 100 data elements exceeds the default element limit", ["SYN-LIM-001"],
        profiles=prof, level="SHOULD", conf="I", errors=["EDI-LIMIT-ELEMENTS"], action=4)
    segs = with_ftx("FTX" + "+A" * 99)
    add(f, a, 4, "y_limit_elements_99.edi", emit(segs),
        "A segment with 99 data elements is within the default limit", ["SYN-LIM-001"],
        profiles=prof, level="SHOULD", conf="I")
    segs = with_ftx("FTX+" + ":".join(["A"] * 100))
    add(f, a, 5, "n_limit_components_100.edi", emit(segs),
        "A data element with 100 components exceeds the default component limit",
        ["SYN-LIM-001"], profiles=prof, level="SHOULD", conf="I",
        errors=["EDI-LIMIT-COMPONENTS"], action=4)
    segs = with_ftx("FTX+" + ":".join(["A"] * 99))
    add(f, a, 6, "y_limit_components_99.edi", emit(segs),
        "A data element with 99 components is within the default limit", ["SYN-LIM-001"],
        profiles=prof, level="SHOULD", conf="I")
    segs = with_ftx("FTX" + ("+" + "A" * 4000) * 20)
    add(f, a, 7, "n_limit_segment_length.edi", emit(segs),
        "A segment of about 80 000 bytes exceeds the default segment length limit",
        ["SYN-LIM-001"], profiles=prof, level="SHOULD", conf="I",
        errors=["EDI-LIMIT-SEGMENT-LENGTH"], action=4)


def repetition_cases():
    f, a = "iso9735-1_repetition", "repetition"
    body = paxlst_body(extra=[seg("COM", [Raw("442000000000"), Raw("TE*442000000001"),
                                          Raw("FX")])])
    add(f, a, 1, "y_rep_v4_repeated_element.edi", emit(build([msg(body=body)], d=V4), V4,
                                                       una=True),
        "A v4 repeat COM+a:TE*b:FX with repetition separator '*' is accepted",
        ["SYN-REP-003", "SYN-REP-001"], profiles=V4P, conf="I")
    body = paxlst_body(extra=[seg("COM", ["442000000000", "TE"], ["442000000001", "FX"])])
    add(f, a, 2, "y_rep_positional_repeats.edi", emit(build([msg(body=body)]), una=True),
        "Positional repeats COM+a:TE+b:FX under UNOA:4 are accepted", ["SYN-REP-003"],
        profiles=V4P, tree=True, conf="I")
    segs = build(d=V4, sender=(Raw("APIS*ABE"),), recipient=("USCSAPIS", "ZZ"))
    add(f, a, 3, "y_rep_apis_star_sender.edi", emit(segs, V4, una=True),
        "Sender APIS*ABE under UNA:+.?*' is one sender id, not a repetition",
        ["SYN-REP-002"], profiles=V4P, tree=True, conf="I")
    add(f, a, 4, "n_rep_declared_in_v3.edi", emit(build(d=V4, ver="3"), V4, una=True),
        "A repetition separator in UNA position 7 with syntax version 3 is an error in a strict parse",
        ["SYN-UNA-005", "SYN-REP-001"], profiles=V3, errors=["EDI-UNA-RESERVED"])
    body = paxlst_body(extra=[seg("FTX", "AAI", "", "", "5*3")])
    add(f, a, 5, "y_rep_released_repetition.edi", emit(build([msg(body=body)], d=V4), V4,
                                                       una=True),
        "A released repetition separator is data", ["SYN-REL-001", "SYN-REP-003"],
        profiles=V4P, conf="I")
    add(f, a, 6, "y_rep_star_without_una_v3.edi", emit(build([msg(body=body)], ver="3")),
        "Without UNA an asterisk in data is ordinary text in syntax version 3",
        ["SYN-UNA-006", "SYN-UNA-008"], profiles=V3, tree=True)


A1 = """UNA:+.? '
UNB+UNOA:4+XXAPI:ZZ+PIUTEST:ZZ+250301:0930+1001++APIS'
UNG+PAXLST+XX AIRLINE+PIUTEST+250301:0930+1+UN+D:05B'
UNH+1+PAXLST:D:05B:UN:IATA+XX123/250301/1100+01:F'
BGM+745'
RFF+TN:XX1232503011:::1'
NAD+MS+++OPS CONTROL'
COM+44 20 0000 0000:TE'
TDT+20+XX123+++XX'
LOC+125+LHR'
DTM+189:2503011100:201'
LOC+87+JFK'
DTM+232:2503011400:201'
NAD+FL+++O?'BRIEN:ANNE:MARIE'
ATT+2++F'
DTM+329:850412'
LOC+178+LHR'
LOC+179+JFK'
NAT+2+IRL'
RFF+AVF:ABC123'
RFF+ABO:0001'
DOC+P:110:111+PA1234567'
DTM+36:300101'
LOC+91+IRL'
CNT+42:1'
UNT+23+1'
UNE+1+1'
UNZ+1+1001'
"""

A2 = """UNB+UNOA:4+PIUTEST+XXAPI+250301:0931+2001++IAPI'
UNG+CUSRES+PIUTEST+XX AIRLINE+250301:0931+1+UN+D:05B'
UNH+1+CUSRES:D:05B:UN:IATA+XX123/250301/1100+01:F'
BGM+962'
RFF+TN:XX1232503011'
RFF+AF:XX123'
DTM+189:2503011100:201'
DTM+232:2503011400:201'
LOC+125+LHR'
LOC+87+JFK'
ERP+2'
RFF+AVF:ABC123'
RFF+ABO:0001'
ERC+0Z'
FTX+AAP+++OK TO BOARD'
UNT+14+1'
UNE+1+1'
UNZ+1+2001'
"""

A3 = """UNA:+.?*'
UNB+IATA:1+XX+PIUPNR+250228:1100+3001'
UNG+PNRGOV+XX+PIUPNR+250228:1100+1+IA+13:1'
UNH+1+PNRGOV:13:1:IA+XX123/010325/1100/24+01:F'
MSG+:22'
ORG+XX:LHR'
TVL+010325:1100:010325:1400+LHR+JFK+XX+123'
EQN+1'
SRC'
RCI+XX:ABC123::150125:0915'
DAT+700:270225:1010'
ORG+XX:LHR+12345678:LON+++A+GB:GBP'
TIF+OBRIEN+ANNEMS:A:1'
SSR+DOCS:HK:1:XX:::::/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE+::1'
TKT+9992123456789:T:1'
MON+T:450.00:GBP'
FOP+CC:::VI:XXXXXXXXXXXX1234:0127'
TVL+010325:1100:010325:1400+LHR+JFK+XX+123:Y'
RPI+1+HK'
APD+77W'
UNT+18+1'
UNE+1+1'
UNZ+1+3001'
"""


def check_counts(text):
    """Asserts that a literal message has a consistent UNT count."""
    segs = [s.strip() for s in text.split("'\n") if s.strip()]
    start = next(i for i, s in enumerate(segs) if s.startswith("UNH"))
    end = next(i for i, s in enumerate(segs) if s.startswith("UNT"))
    assert int(segs[end].split("+")[1]) == end - start + 1, segs[end]


def segment_tag_cases():
    f, a = "iso9735-1_segment-tag", "segment-tag"
    std = build()
    tdt = find(std, "TDT")
    for n, fname, new, desc in (
            (1, "n_tag_lower_case.edi", "tdt" + tdt[3:], "A lower-case segment tag tdt is invalid"),
            (2, "n_tag_two_letters.edi", "TD" + tdt[3:], "A two-letter segment tag TD is invalid"),
            (3, "n_tag_four_letters.edi", "TDTX" + tdt[3:], "A four-letter segment tag TDTX is invalid"),
            (4, "n_tag_empty_segment.edi", tdt + "'", "An empty segment between two terminators is invalid")):
        segs = replace(std, tdt, new)
        add(f, a, n, fname, emit(segs), desc, ["SYN-SEG-001"], profiles=V4P,
            errors=["EDI-SEG-TAG"], scope=["segment"], action=7, conf="I",
            position={"segment": idx(segs, new) + (1 if n == 4 else 0)})
    add(f, a, 5, "y_tag_digits.edi", emit(build([msg(body=paxlst_body(extra=[seg("Z99", "1")]))])),
        "A tag of a letter and two digits (Z99) is syntactically valid", ["SYN-SEG-001"],
        profiles=V4P, tree=True, conf="I")
    segs = build()
    segs.insert(len(segs) - 1, "UNE+1+1")
    add(f, a, 6, "n_tag_une_without_ung.edi", emit(segs),
        "A UNE without a preceding UNG is a misplaced service segment", ["SYN-ENV-005"],
        profiles=V4P, errors=["EDI-ENV-MISPLACED"], scope=["segment", "group", "interchange"],
        action=None, conf="I", position={"segment": len(segs) - 1})


def extra_cases():
    f, a = "iso9735-1_whitespace", "whitespace"
    add(f, a, 7, "y_ws_cr_between_segments.edi", emit(build(), sep="\r"),
        "A lone CR after each segment terminator is ignored", ["SYN-WS-001"], profiles=V4P,
        tree=True, conf="I")
    add(f, a, 8, "y_ws_line_break_after_una.edi", emit(build(), una=False,
                                                       before=b"UNA:+.? '\r\n", sep="\r\n"),
        "CR LF between UNA and UNB is ignored", ["SYN-WS-001", "SYN-UNA-001"], profiles=V4P,
        tree=True, conf="I")
    f, a = "iso9735-1_syntax-identifier", "syntax-identifier"
    d = Delims(comp="\x1f", elem="\x1d", rel=None, term="\x1c")
    body = paxlst_body(surname="Obrien", given="Anne")
    add(f, a, 13, "y_sid_unob_default_information_separators.edi",
        emit(build([msg(body=body)], d=d, sid="UNOB", ver="3"), d),
        "Without UNA a UNOB interchange written with IS1 IS3 IS4 is accepted",
        ["SYN-UNA-006", "SYN-SID-001"], profiles=V3, level="SHOULD", conf="I",
        notes="ISO level B defaults are the information separators [C S6]; detecting them is "
              "optional for a receiver [I], hence SHOULD.")
    body = paxlst_body(surname="NOWAK", given="\u0141UCJA")
    add(f, a, 14, "y_sid_unow_utf8.edi",
        emit(build([msg(body=body)], sid="UNOW", ver="4"), enc="utf-8"),
        "UTF-8 L with stroke (C5 81) is accepted under UNOW", ["SYN-SID-001", "SYN-CHR-001"],
        profiles=V4P, conf="U", tree=True)
    body = paxlst_body(surname="NOWAK", given="\u0141UCJA")
    add(f, a, 15, "y_sid_unod_latin2.edi",
        emit(build([msg(body=body)], sid="UNOD", ver="3"), enc="iso8859-2"),
        "An ISO 8859-2 byte A3 (L with stroke) is accepted under UNOD", ["SYN-SID-001",
                                                                       "SYN-CHR-001"],
        profiles=V3, conf="I")
    f, a = "iso9735-1_repertoire", "repertoire"
    segs = build([msg(body=paxlst_body(surname="LEFEVRE", given="REN\u00c9E"))], sid="UNOC",
                 ver="3")
    data = emit(segs, enc="latin-1").replace(b"REN\xc9E", b"REN\x85E")
    add(f, a, 6, "n_rep_c1_control_in_unoc.edi", data,
        "The C1 control byte 85 is outside the UNOC repertoire and rejected", ["SYN-CHR-001"],
        profiles=V3, errors=["EDI-CHR-REPERTOIRE"], action=7, conf="I",
        position={"segment": idx(segs, "NAD+FL"), "element": 4, "component": 2})
    f, a = "iso9735-1_counts-references", "counts-references"
    segs = replace(build(), "UNZ+1+1001", "UNZ+I+1001")
    add(f, a, 12, "n_cnt_unz_non_numeric.edi", emit(segs),
        "A UNZ count with the letter I instead of a one is rejected", ["SYN-DAT-001"],
        profiles=V4P, errors=["EDI-DAT-NUMERIC"], scope=["element", "interchange"], action=4,
        position={"segment": len(segs), "element": 1})
    # Appendix A.4 shape: a message error inside a functional group is reported by a UCF for
    # the group (acknowledged) followed by a UCM for the message (rejected) (SYN-CTL-010).
    g = build([group()])
    unt = find(g, "UNT")
    segs = replace(g, unt, "UNT+" + str(int(unt.split("+")[1]) + 1) + "+1")
    add(f, a, 13, "n_cnt_unt_count_in_group.edi", emit(segs),
        "A UNT count one too high in a message inside a functional group is an error",
        ["SYN-ENV-006"], profiles=V4P, errors=["EDI-UNT-COUNT"],
        position={"segment": idx(segs, "UNT"), "element": 1},
        contrl={"identifier": "CONTRL:4:1:UN",
                "interchange": {"reference": "1001", "sender": "XXAPI", "recipient": "PIUTEST"},
                "levels": [{"segment": "UCF", "reference": "1", "action": 7},
                           {"segment": "UCM", "reference": "1", "message_type": "PAXLST",
                            "action": 4}],
                "iso_codes_only": True})
    f, a = "sita_type-b", "type-b"
    head = b"\x01QK LONPPXS\r\n.MUCKMTS 250521\r\n\x02"
    add(f, a, 5, "y_typeb_crlf_heading.edi", emit(build(), sep="\r\n", before=head,
                                                  after=b"\x03"),
        "A Type B envelope with CR LF heading lines is accepted", ["SYN-TYB-001"],
        profiles=["type-b", "syntax-v4"], tree=True, conf="I", level="SHOULD")


def contrl_cases():
    f, a = "iso9735-1_contrl", "contrl"
    body = [seg("UCI", "1001", ["XXAPI", "ZZ"], ["PIUTEST", "ZZ"], "7")]
    segs = build([msg("1", "CONTRL", body=body, car=None)], sender=("PIUTEST", "ZZ"),
                 recipient=("XXAPI", "ZZ"), ref="9001", unb_extra=("", "", "", "1"))
    add(f, a, 1, "y_contrl_only_interchange.edi", emit(segs, una=True),
        "An interchange holding only a CONTRL message is accepted and not answered with a CONTRL",
        ["SYN-CTL-005"], profiles=V4P, tree=True,
        notes="UNB 0031 = 1 requests an acknowledgement; the receiver still sends no CONTRL.")


def appendix_cases():
    f, a = "digest_appendix-a", "appendix-a"
    for t in (A1, A2, A3):
        check_counts(t)
    add(f, a, 1, "y_a1_paxlst_one_passenger.edi", A1.encode("ascii"),
        "Digest message A.1 (PAXLST, UNG group, released apostrophe) is accepted",
        ["SYN-ENV-006", "SYN-REL-001", "SYN-WS-001"], profiles=V4P, tree=True,
        duplicate_group="appendix-a1")
    add(f, a, 2, "y_a2_cusres_ok_to_board.edi", A2.encode("ascii"),
        "Digest message A.2 (CUSRES without UNA) is accepted", ["SYN-ENV-006", "SYN-UNA-006"],
        profiles=V4P, tree=True)
    add(f, a, 3, "y_a3_pnrgov_full_push.edi", A3.encode("ascii"),
        "Digest message A.3 (PNRGOV under IATA:1 with UNA:+.?*') is accepted",
        ["SYN-ENV-006", "SYN-SID-003"], profiles=V3, tree=True, conf="I",
        duplicate_group="appendix-a3",
        notes="IATA:1 carries IATA's own version number; the v1-3 reserved UNA position "
              "(SYN-UNA-005) applies to the UNOx identifiers only, see SYN-SID-003.")


def dump(value, indent=0):
    """JSON with two-space indent, but arrays of scalars kept on one line."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k)}: {dump(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
        return ("[\n" + ",\n".join(pad + dump(v, indent + 1) for v in value) + "\n"
                + "  " * indent + "]")
    return json.dumps(value, ensure_ascii=False)


def main():
    una_cases()
    release_cases()
    sid_cases()
    repertoire_cases()
    whitespace_cases()
    type_b_cases()
    input_cases()
    unb_unz_cases()
    ung_une_cases()
    unh_unt_cases()
    counts_cases()
    trailing_cases()
    limit_cases()
    repetition_cases()
    segment_tag_cases()
    extra_cases()
    contrl_cases()
    appendix_cases()
    total = 0
    for folder, cases in FOLDERS.items():
        d = OUT / folder
        d.mkdir(parents=True, exist_ok=True)
        manifest = []
        for case, fname, data in cases:
            (d / fname).write_bytes(data)
            manifest.append(case)
        (d / "cases.json").write_text(dump(manifest) + "\n",
                                      encoding="utf-8")
        total += len(cases)
    profiles = {}
    for cases in FOLDERS.values():
        for case, _, _ in cases:
            for p in case["profiles"]:
                profiles.setdefault(p, []).append(case["id"])
    pdir = ROOT / "vectors" / "profiles"
    pdir.mkdir(parents=True, exist_ok=True)
    for p, ids in sorted(profiles.items()):
        (pdir / f"{p}.txt").write_text("".join(i + "\n" for i in ids), encoding="utf-8")
    print(f"gen_syntax: {total} cases in {len(FOLDERS)} folders; profiles: "
          + ", ".join(f"{p}={len(v)}" for p, v in sorted(profiles.items())))


if __name__ == "__main__":
    main()
