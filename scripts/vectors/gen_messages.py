#!/usr/bin/env python3
"""Generates the message-layer corpus under vectors/edifact/messages/.

Every input file, every expected canonical JSON and every cases.json there is written by this
script, so bytes are exact, control counts (UNT, UNE, UNZ, CNT, EQN) are computed and the
expected canonical extraction is derived from the same data as the message. Re-run after
editing a case:

    python3 scripts/vectors/gen_messages.py        # write inputs, *.canonical.json, cases.json
    python3 scripts/vectors/check.py               # lint the corpus

Expectations are judged from STANDARDS.md, the requirement catalogue and the profiles in
specs/profiles (which finding is an error, which a warning), never from an implementation.
Case IDs are explicit and never reused; withdraw a case with retired=True. All people,
documents, cards and flights are synthetic (carrier XX, PA1234567, test card numbers).

Conventions used for the expected canonical JSON beyond specs/canonical/README.md are stated
in vectors/README.md ("Message-level cases").
"""
import copy
import json
import shutil
import sys
from datetime import date
from pathlib import Path

import pnr_sequences  # PNRGOV push sequences (pnrgov-sequences)

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "vectors" / "edifact" / "messages"
PROFILES_DIR = ROOT / "vectors" / "profiles"
REQS = {}
for _p in sorted((ROOT / "specs" / "requirements").glob("*.json")):
    if _p.name.endswith(".schema.json"):
        continue
    for _r in json.loads(_p.read_text(encoding="utf-8"))["requirements"]:
        REQS[_r["id"]] = _r

# --------------------------------------------------------------------------------------------
# Where each requirement family is described in the digest.


def digest_for(req):
    table = [
        ("API-PAXLST-MULTI", "STANDARDS.md §2.5"), ("API-PAXLST-CNT", "STANDARDS.md §2.3, §2.5"),
        ("API-PAXLST-SCEN", "STANDARDS.md §2.6"), ("API-PAXLST-BGM", "STANDARDS.md §2.3, §2.6"),
        ("API-PAXLST-STR", "STANDARDS.md §2.2"), ("API-PAXLST-ENV", "STANDARDS.md §2.1, §2.8"),
        ("API-PAXLST-CODE", "STANDARDS.md §2.4"), ("API-PAXLST", "STANDARDS.md §2.3"),
        ("API-IAPI", "STANDARDS.md §2.7"), ("API-CUSRES", "STANDARDS.md §2.7"),
        ("PNR-GOV-PUSH", "STANDARDS.md §3.4"), ("PNR-GOV-CANCEL", "STANDARDS.md §3.4"),
        ("PNR-GOV-ENV", "STANDARDS.md §3.1"), ("PNR-GOV-MULTI", "STANDARDS.md §3.1"),
        ("PNR-GOV-STR", "STANDARDS.md §3.2"), ("PNR-GOV-EQN", "STANDARDS.md §3.2, §3.3"),
        ("PNR-GOV", "STANDARDS.md §3.3"), ("DP-", "STANDARDS.md §5.6"),
        ("RCV-MULTI", "STANDARDS.md §2.5"), ("ICAO-A9", "STANDARDS.md §5.4"),
    ]
    for prefix, d in table:
        if req.startswith(prefix):
            return d
    return "STANDARDS.md §7"


# --------------------------------------------------------------------------------------------
# EDIFACT rendering. Segments are written as text with the default service characters
# (component ':', element '+', release '?', terminator "'"); values are escaped with esc().


def esc(v, rep=None):
    out = []
    for ch in v:
        if ch in ":+'?" or (rep and ch == rep):
            out.append("?")
        out.append(ch)
    return "".join(out)


def unh(ref, msgid, car=None, seq=None):
    s = f"UNH+{ref}+{msgid}"
    if car is not None or seq is not None:
        s += "+" + (esc(car) if car else "")
    if seq is not None:
        s += "+" + seq
    return s


class Env:
    """Interchange envelope parameters."""

    def __init__(self, **kw):
        self.una = kw.get("una", "UNA:+.? '")
        self.syntax = kw.get("syntax", "UNOA:4")
        self.sender = kw.get("sender", "XXAPI:ZZ")
        self.recipient = kw.get("recipient", "PIUTEST:ZZ")
        self.date, self.time = kw.get("dt", ("250301", "0930"))
        # UNB 0020. None: the case builder gives the case its own reference (case_ref below);
        # an explicit ref is kept (the appendix examples reproduce STANDARDS.md byte for byte).
        self.ref = kw.get("ref")
        self.app = kw.get("app", "APIS")
        self.prio = kw.get("prio")
        self.ung = kw.get("ung", True)
        self.ung_sender = kw.get("ung_sender", "XX AIRLINE")
        self.ung_recipient = kw.get("ung_recipient", self.recipient.split(":")[0])
        self.ung_agency = kw.get("ung_agency", "UN")
        self.ung_version = kw.get("ung_version", "D:05B")
        self.ung_type = kw.get("ung_type", "PAXLST")

    def prepared(self):
        return iso_date6(self.date) + "T" + self.time[:2] + ":" + self.time[2:]


# Interchange control references (vectors/README.md, "Interchange keys"): a receiver treats
# a second interchange with the same UNB sender and 0020 as a resend (RCV-DUP-001), so every
# case gets its own reference, derived from its ID and stable when cases are added:
# <folder code><case number, 3 digits><part number, 2 digits; 00 for a single input>.
FOLDER_CODE = {"paxlst": 1, "paxlst-scenarios": 2, "paxlst-multipart": 3, "iapi": 4,
               "pnrgov": 5, "pnrgov-multipart": 6, "gtas": 7, "country": 8,
               "paxlst-sequences": 9, "iapi-sequences": 10,
               "pnrgov-sequences": 11}


def case_ref(folder, num, part=0):
    if folder not in FOLDER_CODE:
        sys.exit(f"gen_messages: folder {folder} has no FOLDER_CODE (interchange reference "
                 "prefix); add the next unused digit")
    if not (0 < num < 1000 and 0 <= part < 100):
        sys.exit(f"gen_messages: {folder}/{num} part {part} does not fit the reference scheme")
    return f"{FOLDER_CODE[folder]}{num:03d}{part:02d}"


def set_car(car, num):
    """The common access reference (UNH 0068) of multi-part case `num`: a receiver keys a set by
    sender + 0068 (+ document code), so cases sharing one would feed one set; each case's set
    gets its own by a case suffix (vectors/README.md "Interchange keys")."""
    return f"{car}/{num:02d}"


def keyed(env, folder, num, part=0):
    """A copy of env carrying the case's own control reference unless one was given."""
    e = copy.copy(env)
    if e.ref is None:
        e.ref = case_ref(folder, num, part)
    return e


def interchange(env, messages):
    """messages: list of (unh_segment, body_segments). Returns the file bytes."""
    assert env.ref, "the case builder sets the control reference (keyed())"
    unb = f"UNB+{env.syntax}+{env.sender}+{env.recipient}+{env.date}:{env.time}+{env.ref}"
    tail = []
    if env.app or env.prio:
        tail = ["", env.app or ""]
        if env.prio:
            tail.append(env.prio)
    unb += "".join("+" + t for t in tail)
    segs = [unb]
    if env.ung:
        segs.append(f"UNG+{env.ung_type}+{env.ung_sender}+{env.ung_recipient}+{env.date}:{env.time}"
                    f"+1+{env.ung_agency}+{env.ung_version}")
    for head, body in messages:
        ref = head.split("+")[1]
        segs.append(head)
        segs += body
        segs.append(f"UNT+{len(body) + 2}+{ref}")
    if env.ung:
        segs.append(f"UNE+{len(messages)}+1")
        segs.append(f"UNZ+1+{env.ref}")
    else:
        segs.append(f"UNZ+{len(messages)}+{env.ref}")
    text = (env.una + "\n" if env.una else "") + "".join(s + "'\n" for s in segs)
    return text.encode("ascii")


# --------------------------------------------------------------------------------------------
# Dates

PREP_PAX = date(2025, 3, 1)
PREP_PNR = date(2025, 2, 28)
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def resolve(yy, mm, dd, century, ref):
    y = 2000 + yy
    if century == "past" and date(y, mm, dd) > ref:
        y -= 100
    if century == "future" and date(y, mm, dd) < ref:
        y += 100
    return f"{y:04d}-{mm:02d}-{dd:02d}"


def yymmdd(s, century, ref=PREP_PAX):
    return resolve(int(s[:2]), int(s[2:4]), int(s[4:6]), century, ref)


def iso_date6(s):  # UNB YYMMDD (always 20xx in this corpus)
    return f"20{s[:2]}-{s[2:4]}-{s[4:6]}"


def paxlst_dt(s):  # YYMMDDHHMM, format 201
    return f"20{s[:2]}-{s[2:4]}-{s[4:6]}T{s[6:8]}:{s[8:10]}"


def ddmmyy_hhmm(d, t=None):
    s = f"20{d[4:6]}-{d[2:4]}-{d[0:2]}"
    return s + (f"T{t[:2]}:{t[2:]}" if t else "")


def ddmmmyy(s, century, ref=PREP_PNR):
    return resolve(int(s[5:7]), MONTHS.index(s[2:5]) + 1, int(s[0:2]), century, ref)


# --------------------------------------------------------------------------------------------
# PAXLST model -> (segments, canonical)

ROLE = {"FL": "passenger", "FM": "crew", "DDU": "transit_passenger", "DDT": "transit_crew"}


def doc(dtype="P", number="PA1234567", state="IRL", expiry="300101", issue=None, agency="111"):
    return {"type": dtype, "number": number, "state": state, "expiry": expiry, "issue": issue,
            "agency": agency}


def trav(surname="OBRIEN", given="ANNE", middle=None, fn="FL", gender="F", dob="850412",
         nat="IRL", emb="LHR", deb="JFK", refs=(("AVF", "ABC123"), ("ABO", "0001")),
         docs=None, res=None, pob=None, clear=None, emp=None, gei=None, addr=None, com=None,
         bags=None, tags=None):
    docs = [doc()] if docs is None else docs
    name = [esc(surname)] + ([esc(given)] if given is not None else []) + \
        ([esc(middle)] if middle else [])
    nad = f"NAD+{fn}+++" + ":".join(name)
    c = {"role": ROLE.get(fn, "other"), "party_function": fn, "surname": surname}
    if given:
        c["given_names"] = given
    if middle:
        c["middle_names"] = middle
    if addr:
        street, city, sub, postal, country = addr
        nad += f"+{esc(street)}+{esc(city)}+{sub}+{postal}+{country}"
        c["addresses"] = [{"purpose": "destination", "street": street, "city": city,
                           "sub_entity": sub, "postal_code": postal, "country": country}]
    segs = [nad]
    if gender:
        segs.append(f"ATT+2++{gender}")
        c["gender"] = gender
    if dob:
        segs.append(f"DTM+329:{dob}")
        c["date_of_birth"] = yymmdd(dob, "past")
    if bags:
        n, w = bags
        segs.append(f"MEA+CT++{n}")
        segs.append(f"MEA+WT++KGM:{w}")
        c["bags"] = {"count": int(n), "weight": float(w), "unit": "KGM"}
    if gei:
        segs.append(f"GEI+4+{gei}")
        c["verified"] = gei
    if tags:
        for t in tags:
            segs.append(f"FTX+BAG+++{t}")
        c.setdefault("bags", {})["tags"] = list(tags)
    for q, v, key in ((22, clear, "clearance_port"), (174, res, "residence_country"),
                      (178, emb, "embarkation"), (179, deb, "debarkation"),
                      (180, pob, "place_of_birth")):
        if v:
            segs.append(f"LOC+{q}+{v}")
            c[key] = v
    if com:
        segs.append("COM+" + "+".join(f"{esc(v)}:{ch}" for v, ch in com))
        c["contacts"] = [{"type": {"TE": "phone", "FX": "fax", "EM": "email"}[ch], "value": v}
                         for v, ch in com]
    if emp:
        segs.append(f"EMP+1+{emp}:110:111")
        c["crew_function"] = emp
    if nat:
        segs.append(f"NAT+2+{nat}")
        c["nationality"] = nat
    if refs:
        for q, v in refs:
            segs.append(f"RFF+{q}:{esc(v)}" if v is not None else f"RFF+{q}:")
        c["references"] = [{"qualifier": q, "value": v} for q, v in refs if v]
        # RFF+SEA is the assigned seat (STANDARDS.md §2.3): the schema's traveller `seat`,
        # the reference staying in `references` as sent (specs/canonical/README.md).
        seats = [v for q, v in refs if q == "SEA" and v]
        if seats:
            c["seat"] = seats[0]
    cd = []
    for d in docs:
        segs.append(f"DOC+{d['type']}:110:{d['agency']}+{esc(d['number'])}"
                    if d["agency"] else f"DOC+{d['type']}+{esc(d['number'])}")
        e = {"type": d["type"], "number": d["number"]}
        if d["expiry"]:
            segs.append(f"DTM+36:{d['expiry']}")
            e["expiry"] = yymmdd(d["expiry"], "future")
        if d["issue"]:
            segs.append(f"DTM+182:{d['issue']}")
            e["issue_date"] = yymmdd(d["issue"], "past")
        if d["state"]:
            segs.append(f"LOC+91+{d['state']}")
            e["issuing_state"] = d["state"]
        e["source"] = "DOC"
        cd.append(e)
    if cd:
        c["documents"] = cd
    return {"segs": segs, "canon": c}


FLT = {"stage": "20", "journey": "XX123", "carrier": "XX",
       "points": [("125", "LHR", "189", "2503011100"), ("87", "JFK", "232", "2503011400")]}


def flight(journey="XX123", carrier="XX", stage="20", points=None):
    return {"stage": stage, "journey": journey, "carrier": carrier,
            "points": FLT["points"] if points is None else points}


SUBTYPE_SCENARIO = {("745", None): "initial", ("745", "CP"): "change",
                    ("745", "XR"): "cancel_reservation", ("745", "RP"): "reduction_in_party",
                    ("266", "CLOB"): "closeout_on_board", ("266", "CLNB"): "closeout_not_boarded",
                    ("266", "CL"): "closeout_nil", ("266", "XF"): "cancel_flight",
                    ("266", "CF"): "change_flight", ("655", None): "gate_pass",
                    ("745", "CI"): "initial", ("745", "DC"): "other", ("745", "DE"): "other"}


def scenario(code, sub):
    if code == "250":
        return "crew_change" if sub in ("CC", "BC", "EC", "FC") else "crew"
    if code == "336":
        return "master_crew_list"
    return SUBTYPE_SCENARIO.get((code, sub), "other")


def kind_for(code, app):
    # vectors/README.md: 745/655 api (iapi_request when UNB 0026 is IAPI), 250/336 api_crew,
    # 266 api_flight_status whatever the channel.
    if code in ("250", "336"):
        return "api_crew"
    if code == "266":
        return "api_flight_status"
    if code in ("745", "655") and app == "IAPI":
        return "iapi_request"
    return "api"


def legs_of(points):
    legs, dep = [], None
    for q, port, dq, dt in points:
        p = {"port": port, "scheduled": paxlst_dt(dt) if dt else None, "qualifier": q}
        if not dt:  # a point sent without its DTM has no scheduled time (paxlst/60, /61)
            del p["scheduled"]
        if q == "125" or (q == "92" and dep is None):
            dep = p
        elif q in ("87", "92", "130") and dep is not None:
            legs.append({"sequence": len(legs) + 1, "departure": dep, "arrival": p})
            dep = None
    return legs


def paxlst_body(code="745", sub=None, sub_ver=None, tn=("XX1232503011", "1"),
                ms=("OPS CONTROL", [("44 20 0000 0000", "TE")]), flights=None, travellers=(),
                cnt="auto", cnt_q=None):
    flights = [FLT] if flights is None else flights
    bgm = f"BGM+{code}"
    if sub or sub_ver:
        bgm += "+" + (sub or "") + (f":{sub_ver}" if sub_ver else "")
    segs = [bgm]
    if tn:
        segs.append(f"RFF+TN:{tn[0]}:::{tn[1]}" if tn[1] else f"RFF+TN:{tn[0]}")
    if ms:
        segs.append(f"NAD+MS+++{esc(ms[0])}")
        if ms[1]:
            segs.append("COM+" + "+".join(f"{esc(v)}:{ch}" for v, ch in ms[1]))
    for f in flights:
        segs.append(f"TDT+{f['stage']}+{f['journey']}" + (f"+++{f['carrier']}" if f["carrier"] else ""))
        for q, port, dq, dt in f["points"]:
            segs.append(f"LOC+{q}+{port}")
            if dq:
                segs.append(f"DTM+{dq}:{dt}:201")
    for t in travellers:
        segs += t["segs"]
    if cnt is not None:
        q = cnt_q or ("41" if code in ("250", "336") else "42")
        n = len(travellers) if cnt == "auto" else cnt
        segs.append(f"CNT+{q}:{n}")
    return segs


def paxlst_canon(env, body_args, head, parts=None):
    """Canonical JSON of one PAXLST (or a reassembled set: parts = [(number, final, ref)])."""
    code = body_args.get("code", "745")
    sub = body_args.get("sub")
    ref = head["ref"]
    m = {"kind": kind_for(code, env.app), "syntax": "edifact", "type": "PAXLST",
         "version": head.get("version", "D:05B"), "sender": env.sender.split(":")[0],
         "recipient": env.recipient.split(":")[0], "interchange_reference": env.ref,
         "message_reference": ref}
    if env.app:
        m["application_reference"] = env.app
    m["prepared"] = env.prepared()
    if head.get("car"):
        m["common_access_reference"] = head["car"]
    if parts is None:
        seq = head.get("seq")
        if seq:
            num, _, flag = seq.partition(":")
            parts = [(int(num), flag == "F", ref)]
    if parts:
        m["parts"] = [{"number": n, "final": f, "message_reference": r} for n, f, r in parts]
    m["document_code"] = code
    if sub:
        m["document_subtype"] = sub
    m["scenario"] = scenario(code, sub)
    tn = body_args.get("tn", ("XX1232503011", "1"))
    if tn:
        m["transaction_reference"] = tn[0]
        if tn[1]:
            m["transaction_revision"] = tn[1]
    c = {"canonical_version": "1.0", "message": m}
    ms = body_args.get("ms", ("OPS CONTROL", [("44 20 0000 0000", "TE")]))
    if ms:
        rp = {"name": ms[0]}
        if ms[1]:
            rp["contacts"] = [{"type": {"TE": "phone", "FX": "fax", "EM": "email"}[ch], "value": v}
                              for v, ch in ms[1]]
        c["reporting_party"] = rp
    flights = body_args.get("flights") or [FLT]
    f0 = flights[0]
    fl = {"carrier": f0["carrier"] or f0["journey"][:2], "number": f0["journey"][2:],
          "journey_id": f0["journey"], "transport_stage": f0["stage"], "legs": []}
    for f in flights:
        for leg in legs_of(f["points"]):
            leg["sequence"] = len(fl["legs"]) + 1
            if len(flights) > 1:
                leg = {"sequence": leg["sequence"], "carrier": f["carrier"] or f["journey"][:2],
                       "flight_number": f["journey"][2:], "departure": leg["departure"],
                       "arrival": leg["arrival"]}
            fl["legs"].append(leg)
    c["flight"] = fl
    travellers = body_args.get("all_travellers", body_args.get("travellers", ()))
    if travellers:
        c["travellers"] = [t["canon"] for t in travellers]
    cnt = body_args.get("cnt", "auto")
    if cnt is not None:
        n = len(travellers) if cnt == "auto" else cnt
        crew = (body_args.get("cnt_q") or ("41" if code in ("250", "336") else "42")) == "41"
        c["totals"] = {"crew" if crew else "passengers": n}
    return c


# --------------------------------------------------------------------------------------------
# PNRGOV model -> (segments, canonical)

PNR_ENV = dict(una="UNA:+.?*'", syntax="IATA:1", sender="XX", recipient="PIUPNR",
               dt=("250228", "1100"), app=None, ung_type="PNRGOV",
               ung_sender="XX", ung_recipient="PIUPNR", ung_agency="IA", ung_version="13:1")


def tvl(dep_d="010325", dep_t="1100", arr_d="010325", arr_t="1400", board="LHR", off="JFK",
        carrier="XX", number="123", cls="Y", status="HK", party=1, equip="77W", tra=None,
        op_carrier=None):
    return dict(dep_d=dep_d, dep_t=dep_t, arr_d=arr_d, arr_t=arr_t, board=board, off=off,
                carrier=carrier, number=number, cls=cls, status=status, party=party,
                equip=equip, tra=tra, op_carrier=op_carrier)


def tvl_segs(t, seq):
    car = t["carrier"] + (f":{t['op_carrier']}" if t["op_carrier"] else "")
    s = [f"TVL+{t['dep_d']}:{t['dep_t']}:{t['arr_d']}:{t['arr_t']}+{t['board']}+{t['off']}+{car}"
         f"+{t['number']}" + (f":{t['cls']}" if t["cls"] else "")]
    leg = {"sequence": seq, "carrier": t["carrier"], "flight_number": t["number"]}
    if t["op_carrier"]:
        leg["operating_carrier"] = t["op_carrier"]
    if t["tra"]:
        s.append(f"TRA+{t['tra'][0]}+{t['tra'][1]}" + (f":{t['cls']}" if t["cls"] else ""))
        leg["operating_carrier"], leg["operating_flight_number"] = t["tra"]
    if t["cls"]:
        leg["booking_class"] = t["cls"]
    if t["status"]:
        s.append(f"RPI+{t['party']}+{t['status']}")
        leg["status"] = t["status"]
        leg["party_size"] = t["party"]
    if t["equip"]:
        s.append(f"APD+{t['equip']}")
        leg["equipment"] = t["equip"]
    leg["departure"] = {"port": t["board"], "scheduled": ddmmyy_hhmm(t["dep_d"], t["dep_t"])}
    # An omitted arrival date (date:time::time) is the departure date (PNR-GOV-TVL-003).
    leg["arrival"] = {"port": t["off"],
                      "scheduled": ddmmyy_hhmm(t["arr_d"] or t["dep_d"], t["arr_t"])}
    return s, leg


def docs_ssr(text, ref, carrier="XX"):
    return ("DOCS", "HK", 1, carrier, text, ref)


def tif(surname="OBRIEN", given="ANNEMS", ptype="A", ref="1", ssrs=None, tickets=None,
        sensitive=()):
    return dict(surname=surname, given=given, ptype=ptype, ref=ref,
                ssrs=[docs_ssr("/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE", ref)]
                if ssrs is None else ssrs,
                tickets=[("9992123456789", "T", 1, "450.00", "GBP",
                          ("CC", "VI", "XXXXXXXXXXXX1234", "0127"))] if tickets is None else tickets,
                sensitive=sensitive)


def ssr_seg(code, status, qty, carrier, text, ref):
    comps = [code, status or "", str(qty) if qty is not None else "", carrier or "", "", "", "",
             "", esc(text, "*") if text else ""]
    while comps and comps[-1] == "":
        comps.pop()
    s = "SSR+" + ":".join(comps)
    if ref:
        s += f"+::{ref}"
    return s


def ssr_canon(code, status, qty, carrier, text, ref):
    e = {"code": code}
    if status:
        e["status"] = status
    if qty is not None:
        e["quantity"] = qty
    if carrier:
        e["carrier"] = carrier
    if text:
        e["text"] = text
    if ref:
        e["traveller_refs"] = [ref]
    return e


def parse_docs(text):
    f = text.split("/")[1:]
    f += [""] * (11 - len(f))
    out, d = {}, {}
    if f[0] and f[2]:
        d = {"type": f[0], "number": f[2]}
        if f[1]:
            d["issuing_state"] = f[1]
        if f[3]:
            d["nationality"] = f[3]
        if f[6]:
            d["expiry"] = ddmmmyy(f[6], "future")
        d["source"] = "DOCS"
        out["documents"] = [d]
    if f[4]:
        out["date_of_birth"] = ddmmmyy(f[4], "past")
    if f[5]:
        out["gender"] = f[5][0]
        if f[5] in ("MI", "FI"):
            out["infant"] = True
    return out


def tif_segs(t):
    given = f"{esc(t['given'], '*')}:{t['ptype']}" if t["given"] is not None else f":{t['ptype']}"
    s = [f"TIF+{esc(t['surname'], '*')}+{given}" + (f":{t['ref']}" if t["ref"] else "")]
    c = {"role": "infant" if t["ptype"] == "IN" else "passenger", "surname": t["surname"]}
    if t["given"]:
        c["given_names"] = t["given"]
    c["passenger_type"] = t["ptype"]
    if t["ref"]:
        c["pnr_traveller_ref"] = t["ref"]
    ssrs = []
    for x in t["ssrs"]:
        s.append(ssr_seg(*x))
        ssrs.append(ssr_canon(*x))
        if x[0] == "DOCS":
            for k, v in parse_docs(x[4]).items():
                if k == "documents":
                    c.setdefault("documents", []).extend(v)
                else:
                    c[k] = v
    for x in t["sensitive"]:
        s.append(ssr_seg(*x))
    tks = []
    for num, dtype, booklets, total, cur, fop in t["tickets"]:
        s.append(f"TKT+{num}:{dtype}:{booklets}")
        s.append(f"MON+T:{total}:{cur}")
        tk = {"number": num, "document_type": dtype, "booklets": booklets,
              "total_fare": float(total), "currency": cur}
        if fop:
            ftype, vendor, acct, exp = fop
            s.append(f"FOP+{ftype}:::{vendor}:{acct}:{exp}")
            masked = "X" * (len(acct) - 4) + acct[-4:]
            tk["payments"] = [{"type": ftype, "vendor": vendor, "account_masked": masked,
                               "expiry": exp}]
        tks.append(tk)
    if tks:
        c["tickets"] = tks
    if ssrs:
        c["ssrs"] = ssrs
    return s, c


ORG_A3 = ("XX", "LHR", "12345678", "LON", "A", "GB", "GBP")


def pnr(locator="ABC123", company="XX", created=("150125", "0915"), dat700=("270225", "1010"),
        org=ORG_A3, travellers=None, itinerary=None, osi=(), split=None, history=None,
        cancelled=False, rci=True, pnr_ssrs=()):
    return dict(locator=locator, company=company, created=created, dat700=dat700, org=org,
                travellers=[tif()] if travellers is None else travellers,
                itinerary=[tvl()] if itinerary is None else itinerary, osi=osi, split=split,
                history=history, cancelled=cancelled, rci=rci, pnr_ssrs=pnr_ssrs)


def pnr_segs(p):
    s = ["SRC"]
    c = {"record_locators": [{"company": p["company"], "locator": p["locator"]}]}
    if p["cancelled"]:
        s.append(f"RCI+{p['company']}:{p['locator']}")
        s.append("ORG")
        c["cancelled"] = True
        c["travellers"] = []
        c["sensitive_removed"] = 0
        return s, c
    if p["rci"]:
        if p["created"]:
            s.append(f"RCI+{p['company']}:{p['locator']}::{p['created'][0]}:{p['created'][1]}")
            c["created"] = ddmmyy_hhmm(*p["created"])
        else:
            s.append(f"RCI+{p['company']}:{p['locator']}")
    for x in p["pnr_ssrs"]:
        s.append(ssr_seg(*x))
    if p["dat700"]:
        s.append(f"DAT+700:{p['dat700'][0]}:{p['dat700'][1]}")
        c["last_modified"] = ddmmyy_hhmm(*p["dat700"])
    for text in p["osi"]:
        s.append(f"IFT+4:28::{p['company']}+{esc(text, '*')}")
    if p["osi"]:
        c["osi"] = list(p["osi"])
    if p["org"]:
        comp, loc, agent, inhouse, otype, country, cur = p["org"]
        s.append(f"ORG+{comp}:{loc}+{agent}:{inhouse}+++{otype}+{country}:{cur}")
        c["originator"] = {"company": comp, "location": loc, "agent_id": agent,
                           "originator_type": otype, "country": country, "currency": cur}
    sensitive = 0
    c["travellers"] = []
    for t in p["travellers"]:
        ts, tc = tif_segs(t)
        s += ts
        c["travellers"].append(tc)
        sensitive += len(t["sensitive"])
    c["itinerary"] = []
    for t in p["itinerary"]:
        ts, leg = tvl_segs(t, len(c["itinerary"]) + 1)
        s += ts
        c["itinerary"].append(leg)
    if p["split"]:
        s.append("EQN+1")
        s.append(f"RCI+{p['company']}:{p['split']}")
        c["split_locators"] = [p["split"]]
    if p["history"]:
        c["history"] = []
        for agent, loc, d, t, action, text in p["history"]:
            s.append(f"ABI+1+{agent}+{loc}++{p['company']}")
            s.append(f"DAT+ZT:{d}:{t}")
            s.append(f"SAC+++{action}")
            s.append(f"IFT+4:28+{esc(text, '*')}")
            c["history"].append({"action": action, "at": ddmmyy_hhmm(d, t), "originator": agent,
                                 "text": text})
    c["sensitive_removed"] = sensitive
    return s, c


PUSH_FLT = tvl(cls=None, status=None, equip=None)


def pnrgov_body(function="22", pnrs=None, eqn="auto", org0=("XX", "LHR"), flt=PUSH_FLT):
    pnrs = [pnr()] if pnrs is None else pnrs
    s = [f"MSG+:{function}"]
    if org0:
        s.append(f"ORG+{org0[0]}:{org0[1]}")
    fs, _ = tvl_segs(flt, 1)
    s.append(fs[0])
    s.append(f"EQN+{len(pnrs) if eqn == 'auto' else eqn}")
    for p in pnrs:
        s += pnr_segs(p)[0]
    return s


def pnrgov_canon(env, head, function="22", pnrs=None, eqn="auto", org0=("XX", "LHR"),
                 flt=PUSH_FLT, parts=None, all_pnrs=None):
    pnrs = [pnr()] if pnrs is None else pnrs
    pnrs = all_pnrs if all_pnrs is not None else pnrs
    m = {"kind": "pnr_push", "syntax": "edifact", "type": "PNRGOV", "version": head["version"],
         "sender": env.sender.split(":")[0], "recipient": env.recipient.split(":")[0],
         "interchange_reference": env.ref, "message_reference": head["ref"],
         "prepared": env.prepared(), "common_access_reference": head["car"]}
    if parts is None:
        num, _, flag = head["seq"].partition(":")
        parts = [(int(num), flag == "F", head["ref"])]
    m["parts"] = [{"number": n, "final": f, "message_reference": r} for n, f, r in parts]
    m["document_code"] = function
    m["scenario"] = "full_push" if function == "22" else "update_push"
    c = {"canonical_version": "1.0", "message": m}
    push = {"function": "full" if function == "22" else "update"}
    if org0:
        push["originator"] = {"company": org0[0], "location": org0[1]}
    c["pnr_push"] = push
    _, leg = tvl_segs(flt, 1)
    c["flight"] = {"carrier": flt["carrier"], "number": flt["number"],
                   "legs": [{"sequence": 1, "departure": leg["departure"],
                             "arrival": leg["arrival"]}]}
    c["totals"] = {"pnrs": len(pnrs) if eqn == "auto" else int(eqn)}
    # Absent means absent (specs/canonical/README.md): a push without PNR groups (EQN+0) has
    # totals.pnrs = 0 and no "pnrs" array.
    if pnrs:
        c["pnrs"] = [pnr_segs(p)[1] for p in pnrs]
    return c


# --------------------------------------------------------------------------------------------
# Cases

FOLDERS = {}
CONF_RANK = {"C": 2, "I": 1, "U": 0}


def add(folder, num, description, reqs, outcome, files, *, canonical=None, profile="baseline",
        errors_req=(), warn_req=(), syntax_errors=(), set_outcome=None, lists=None,
        notes=None, level=None, cname=None, retired=False, duplicate_group=None, cusres=None,
        requires=None):
    """files: {name: bytes} in send order (one entry = single input, more = parts)."""
    for r in list(reqs) + list(errors_req) + list(warn_req):
        if r not in REQS:
            sys.exit(f"gen_messages: unknown requirement {r} in {folder}/{num}")
    spec = [{"req": r, "digest": digest_for(r)} for r in reqs]
    lv = level or ("MUST" if any(REQS[r]["level"] == "MUST" for r in reqs) else "SHOULD")
    conf = min((REQS[r]["confidence"] for r in reqs), key=lambda x: CONF_RANK[x])
    names = list(files)
    prefix = {"accept": "y_", "reject": "n_", "either": "i_"}[outcome]
    for n in names:
        assert n.startswith(prefix), (folder, num, n)
    case = {"id": f"edifact/messages/{folder}/{num}", "description": description,
            "specification": spec}
    if len(names) == 1:
        case["input"] = names[0]
    else:
        case["parts"] = names
    case["transports"] = ["http", "mq"]
    case["profiles"] = lists or [default_list(folder)]
    case["profile"] = profile
    case["level"] = lv
    case["confidence"] = conf
    expect = {"outcome": outcome}
    p = {}
    if errors_req:
        p["requirements"] = list(errors_req)
    if warn_req:
        p["warning_requirements"] = list(warn_req)
    if syntax_errors:
        p["syntax_errors"] = list(syntax_errors)
    if set_outcome:
        p["set_outcome"] = set_outcome
    if p:
        expect["pass"] = p
    if cusres is not None:
        expect["cusres"] = cusres
    if canonical is not None:
        if cname is None:
            cname = names[0].rsplit(".", 1)[0] + ".canonical.json"
        expect["canonical"] = cname
    case["expect"] = expect
    if retired:
        case["retired"] = True
    if duplicate_group:
        case["duplicate_group"] = duplicate_group
    if requires:
        case["requires"] = list(requires)
    if notes:
        case["notes"] = notes
    f = FOLDERS.setdefault(folder, {"cases": [], "files": {}})
    for n, b in files.items():
        assert n not in f["files"], (folder, n)
        f["files"][n] = b
    if canonical is not None:
        f["files"][cname] = (json.dumps(canonical, indent=2, ensure_ascii=False) + "\n").encode()
    f["cases"].append(case)


def default_list(folder):
    if folder.startswith("pnrgov"):
        return "message-pnrgov"
    if folder.startswith("iapi"):
        return "message-iapi"
    return "message-paxlst"


A1_TRAVELLER = trav(surname="O'BRIEN", given="ANNE", middle="MARIE")
PAX_MSGID = "PAXLST:D:05B:UN:IATA"
CAR = "XX123/250301/1100"


def paxlst_case(folder, num, description, reqs, *, env=None, head=None, mutate=None,
                outcome="accept", name=None, with_canonical=True, **kw):
    env = keyed(env or Env(), folder, num)
    head = dict({"ref": "1", "msgid": PAX_MSGID, "car": CAR, "seq": "01:F", "version": "D:05B"},
                **(head or {}))
    body_args = dict(kw.pop("body", {}))
    body_args.setdefault("travellers", [A1_TRAVELLER])
    body = paxlst_body(**{k: v for k, v in body_args.items() if k != "all_travellers"})
    if mutate:
        body = mutate(body)
    data = interchange(env, [(unh(head["ref"], head["msgid"], head["car"], head["seq"]), body)])
    canon = None
    if outcome == "accept" and with_canonical:
        canon = paxlst_canon(env, body_args, head)
    add(folder, num, description, reqs, outcome, {name: data}, canonical=canon, **kw)


def replace(old, new, nth=1):
    """Mutation: replace the nth body segment equal to (or starting with, if old ends with
    '*') old by new (a string, a list of strings, or None to delete)."""
    def f(body):
        seen = 0
        for i, s in enumerate(body):
            if s == old or (old.endswith("*") and s.startswith(old[:-1])):
                seen += 1
                if seen == nth:
                    rep = [] if new is None else ([new] if isinstance(new, str) else list(new))
                    return body[:i] + rep + body[i + 1:]
        raise KeyError(old)
    return f


def insert_after(anchor, new, nth=1):
    def f(body):
        seen = 0
        for i, s in enumerate(body):
            if s == anchor or (anchor.endswith("*") and s.startswith(anchor[:-1])):
                seen += 1
                if seen == nth:
                    return body[:i + 1] + ([new] if isinstance(new, str) else list(new)) + body[i + 1:]
        raise KeyError(anchor)
    return f


def chain(*fs):
    def f(body):
        for g in fs:
            body = g(body)
        return body
    return f


# --------------------------------------------------------------------------------------------
# PAXLST: structure and segments (baseline profile)

P2 = trav(surname="MARTINEZ", given="LUIS", middle=None, gender="M", dob="790923", nat="ESP",
          refs=(("AVF", "DEF456"), ("ABO", "0002"), ("SEA", "32A"), ("CR", "XX99887766")),
          docs=[doc("P", "PB7654321", "ESP", "310615", issue="210616"),
                doc("V", "VX0012345", "USA", "270301", issue="240302")],
          res="ESP", pob="ESP", gei="173", bags=("2", "31.5"), tags=("XX123456", "XX123457"),
          addr=("100 SAMPLE AVENUE", "NEW YORK", "NY", "10001", "USA"),
          com=[("34 600 000 000", "TE"), ("LUIS.MARTINEZ@EXAMPLE.INVALID", "EM")])
P3 = trav(surname="NAKAMURA", given="YUKI", fn="DDU", gender="X", dob="001130", nat="JPN",
          emb="LHR", deb="MEX", refs=(("AVF", "GHI789"), ("ABO", "0003"), ("AEA", "RX00000042")),
          docs=[doc("P", "PC1112223", "JPN", "290228")], res="JPN")


def paxlst_structure():
    f = "paxlst"
    paxlst_case(f, 1, "Appendix A.1: one passenger, UNG group, release character in the surname; "
                "canonical JSON equals specs/canonical/examples/paxlst-a1.json",
                ["API-PAXLST-ENV-001", "API-PAXLST-STR-002", "API-PAXLST-STR-003",
                 "API-PAXLST-STR-004", "API-PAXLST-STR-009", "API-PAXLST-BGM-001",
                 "API-PAXLST-RFF-001", "API-PAXLST-NAD-001", "API-PAXLST-TDT-001",
                 "API-PAXLST-TDT-002", "API-PAXLST-LOC-001", "API-PAXLST-LOC-002",
                 "API-PAXLST-LOC-006", "API-PAXLST-DTM-003", "API-PAXLST-NAD-010",
                 "API-PAXLST-NAD-012", "API-PAXLST-ATT-001", "API-PAXLST-ATT-002",
                 "API-PAXLST-LOC-010", "API-PAXLST-NAT-001", "API-PAXLST-RFF-010",
                 "API-PAXLST-DOC-001", "API-PAXLST-DOC-007", "API-PAXLST-DOC-008",
                 "API-PAXLST-MULTI-002", "API-PAXLST-MULTI-008", "API-PAXLST-BGM-003",
                 "API-PAXLST-RFF-012", "ICAO-A9-9.8-002"],
                name="y_a1_one_passenger.edi", env=Env(ref="1001"), duplicate_group="appendix-a1")
    # UNOC: the e-mail contact's '@' is outside the UNOA repertoire (STANDARDS.md §1.3).
    paxlst_case(f, 2, "Three travellers (passenger with passport and visa, address, contacts, "
                "bags and tags; passenger; transit passenger) with CNT 42:3, in a UNOC "
                "interchange because of the e-mail address",
                ["API-PAXLST-STR-006", "API-PAXLST-STR-008", "API-PAXLST-STR-009",
                 "API-PAXLST-NAD-010", "API-PAXLST-LOC-010", "API-PAXLST-LOC-011",
                 "API-PAXLST-RFF-010", "API-PAXLST-DOC-001", "API-PAXLST-DOC-007",
                 "API-PAXLST-ATT-002", "API-PAXLST-DOC-006", "API-PAXLST-NAD-014",
                 "API-PAXLST-GEI-001", "API-PAXLST-MEA-001", "API-PAXLST-FTX-001",
                 "API-PAXLST-CODE-001"],
                name="y_three_travellers_two_documents.edi", env=Env(syntax="UNOC:4"),
                body={"travellers": [A1_TRAVELLER, P2, P3]})
    routing = flight(points=[("125", "LHR", "189", "2503011100"), ("87", "JFK", "232", "2503011400"),
                             ("92", "JFK", "189", "2503011600"), ("92", "ORD", "232", "2503011800")])
    paxlst_case(f, 3, "Progressive flight LHR-JFK-ORD: 125/87 then a 92 pair give two legs",
                ["API-PAXLST-STR-004", "API-PAXLST-LOC-001", "API-PAXLST-LOC-002",
                 "API-PAXLST-LOC-003", "API-PAXLST-LOC-006"],
                name="y_routing_92_pair.edi",
                body={"flights": [routing],
                      "travellers": [trav(deb="ORD", refs=(("AVF", "ABC123"), ("ABO", "0001")))]})
    routing130 = flight(points=[("125", "LHR", "189", "2503011100"), ("87", "JFK", "232", "2503011400"),
                                ("92", "JFK", "189", "2503011600"), ("130", "ORD", "232", "2503011800")])
    paxlst_case(f, 4, "Routing chain closed by LOC 130 (final destination): 92 JFK to 130 ORD is "
                "the second leg", ["API-PAXLST-LOC-003", "API-PAXLST-LOC-004", "API-PAXLST-LOC-006"],
                name="y_routing_92_130.edi",
                body={"flights": [routing130], "travellers": [trav(deb="ORD")]})
    two = [flight(), flight(journey="XX124", points=[("125", "JFK", "189", "2503011600"),
                                                     ("87", "ORD", "232", "2503011800")])]
    paxlst_case(f, 5, "Two SG2 flight groups (one TDT per flight number), each with its own "
                "airports", ["API-PAXLST-STR-003", "API-PAXLST-TDT-005", "API-PAXLST-TDT-002"],
                name="y_two_flight_groups.edi", body={"flights": two})
    paxlst_case(f, 6, "Year-first dates: DOB 991231 is 1999-12-31, DOB 050607 is 2005-06-07, "
                "expiry 291130 is 2029-11-30",
                ["API-PAXLST-DTM-003", "API-PAXLST-DTM-004", "API-PAXLST-DTM-005"],
                name="y_year_first_dates.edi",
                body={"travellers": [
                    trav(surname="SMITH", given="JOHN", gender="M", dob="991231", nat="GBR",
                         docs=[doc("P", "PD0000001", "GBR", "291130")],
                         refs=(("AVF", "JKL012"), ("ABO", "0001"))),
                    trav(surname="SMITH", given="EMMA", gender="F", dob="050607", nat="GBR",
                         docs=[doc("P", "PD0000002", "GBR", "300607")],
                         refs=(("AVF", "JKL012"), ("ABO", "0002")))]})
    # rejects
    paxlst_case(f, 20, "UNH association code ZZZ instead of IATA is rejected",
                ["API-PAXLST-ENV-001", "ICAO-A9-9.8-002"], outcome="reject",
                name="n_unh_association_zzz.edi",
                head={"msgid": "PAXLST:D:05B:UN:ZZZ"})
    paxlst_case(f, 21, "Message without BGM is rejected (missing mandatory segment)",
                ["API-PAXLST-STR-002"], outcome="reject", name="n_bgm_missing.edi",
                mutate=replace("BGM+745", None), syntax_errors=[13])
    paxlst_case(f, 22, "Message with a second BGM after the first is rejected",
                ["API-PAXLST-STR-002"], outcome="reject", name="n_bgm_twice.edi",
                mutate=insert_after("BGM+745", "BGM+745"))
    paxlst_case(f, 23, "Message without any TDT flight group is rejected (SG2 is mandatory)",
                ["API-PAXLST-STR-003"], outcome="reject", name="n_sg2_missing.edi",
                mutate=lambda b: [s for s in b if not s.startswith(("TDT", "LOC+125", "LOC+87",
                                                                    "DTM+189", "DTM+232"))],
                syntax_errors=[13])
    eleven = [flight(journey=f"XX{100 + i}", points=[("125", "LHR", "189", "2503011100"),
                                                     ("87", "JFK", "232", "2503011400")])
              for i in range(11)]
    paxlst_case(f, 24, "Eleven SG2 flight groups exceed the maximum of 10 and are rejected",
                ["API-PAXLST-STR-003"], outcome="reject", name="n_sg2_eleven.edi",
                body={"flights": eleven}, syntax_errors=[36])
    paxlst_case(f, 25, "TDT without any following LOC/DTM airport group is rejected",
                ["API-PAXLST-STR-004"], outcome="reject", name="n_sg3_missing.edi",
                mutate=lambda b: [s for s in b if not s.startswith(("LOC+125", "LOC+87", "DTM+189",
                                                                    "DTM+232"))],
                errors_req=["API-PAXLST-STR-004"])

    def many(body):
        i = body.index("NAD+FL+++O?'BRIEN:ANNE:MARIE")
        j = body.index("CNT+42:1")
        return body[:i] + ["NAD+FL+++X"] * 100000 + ["CNT+42:100000"]
    paxlst_case(f, 26, "100000 traveller groups exceed the SG4 maximum of 99999 and are rejected",
                ["API-PAXLST-STR-006"], outcome="reject", name="n_sg4_100000.edi", mutate=many,
                syntax_errors=[36])
    six = [doc("P", "PA1234567"), doc("V", "VA0000001", "USA", "270101"),
           doc("V", "VA0000002", "USA", "270101"), doc("V", "VA0000003", "USA", "270101"),
           doc("V", "VA0000004", "USA", "270101"), doc("V", "VA0000005", "USA", "270101")]
    paxlst_case(f, 27, "A traveller with six DOC groups exceeds the SG5 maximum of 5 and is "
                "rejected", ["API-PAXLST-STR-008"], outcome="reject", name="n_sg5_six.edi",
                body={"travellers": [trav(docs=six)]}, syntax_errors=[36])
    paxlst_case(f, 28, "NAT after the traveller's DOC group (out of directory order) is rejected",
                ["API-PAXLST-STR-009"], outcome="reject", name="n_nat_after_doc.edi",
                mutate=chain(replace("NAT+2+IRL", None), insert_after("LOC+91+IRL", "NAT+2+IRL")),
                syntax_errors=[15])
    paxlst_case(f, 29, "BGM document code 366 (typo for 336) is rejected as not in the profile "
                "table", ["API-PAXLST-BGM-001", "API-PAXLST-BGM-008"], outcome="reject",
                name="n_bgm_366.edi", mutate=replace("BGM+745", "BGM+366"),
                errors_req=["API-PAXLST-BGM-008"])
    paxlst_case(f, 30, "BGM without a document name code is rejected",
                ["API-PAXLST-BGM-001"], outcome="reject", name="n_bgm_code_empty.edi",
                mutate=replace("BGM+745", "BGM++CP"), errors_req=["API-PAXLST-BGM-001"])
    paxlst_case(f, 31, "Two header RFF+TN segments (at most one is allowed) are rejected",
                ["API-PAXLST-RFF-001"], outcome="reject", name="n_rff_tn_twice.edi",
                mutate=insert_after("RFF+TN*", "RFF+TN:XX1232503012:::1"))
    paxlst_case(f, 32, "TDT without a journey id in position 2 is rejected",
                ["API-PAXLST-TDT-002"], outcome="reject", name="n_tdt_journey_empty.edi",
                mutate=replace("TDT+20+XX123+++XX", "TDT+20++++XX"),
                errors_req=["API-PAXLST-TDT-002"])
    paxlst_case(f, 33, "Flight airport LOC+125+LONDON (not an IATA three-letter code) is rejected",
                ["API-PAXLST-LOC-006"], outcome="reject", name="n_loc125_not_iata.edi",
                mutate=replace("LOC+125+LHR", "LOC+125+LONDON"), errors_req=["API-PAXLST-LOC-006"])
    paxlst_case(f, 34, "Flight location qualifier 5 (not a flight location function) is rejected",
                ["API-PAXLST-LOC-005"], outcome="reject", name="n_sg3_loc_qualifier_5.edi",
                mutate=replace("LOC+87+JFK", "LOC+5+JFK"), errors_req=["API-PAXLST-LOC-005"])
    paxlst_case(f, 35, "Date of birth written day-first (120485) is not a valid year-first date and "
                "is rejected", ["API-PAXLST-DTM-003", "API-PAXLST-DTM-004"], outcome="reject",
                name="n_dob_day_first.edi", mutate=replace("DTM+329:850412", "DTM+329:120485"),
                errors_req=["API-PAXLST-DTM-004"])
    paxlst_case(f, 36, "Traveller NAD with party qualifier XX (not FL/FM/DDU/DDT) is rejected",
                ["API-PAXLST-NAD-010", "API-PAXLST-NAD-011"], outcome="reject",
                name="n_nad_qualifier_xx.edi", mutate=replace("NAD+FL*", "NAD+XX+++O?'BRIEN:ANNE:MARIE"),
                errors_req=["API-PAXLST-NAD-011"])
    paxlst_case(f, 37, "Traveller NAD without a surname (given name only) is rejected",
                ["API-PAXLST-NAD-012"], outcome="reject", name="n_nad_surname_empty.edi",
                mutate=replace("NAD+FL*", "NAD+FL+++:ANNE:MARIE"), errors_req=["API-PAXLST-NAD-012"])
    paxlst_case(f, 38, "Gender code Q (not M, F, U or X) is rejected",
                ["API-PAXLST-ATT-002"], outcome="reject", name="n_gender_q.edi",
                mutate=replace("ATT+2++F", "ATT+2++Q"), errors_req=["API-PAXLST-ATT-002"])
    paxlst_case(f, 39, "Nationality NAT+2+IRELAND (not a three-letter code) is rejected",
                ["API-PAXLST-NAT-001"], outcome="reject", name="n_nat_long.edi",
                mutate=replace("NAT+2+IRL", "NAT+2+IRELAND"), errors_req=["API-PAXLST-NAT-001"])
    paxlst_case(f, 40, "DOC without a document number is rejected",
                ["API-PAXLST-DOC-001"], outcome="reject", name="n_doc_number_missing.edi",
                mutate=replace("DOC+P:110:111+PA1234567", "DOC+P:110:111"),
                errors_req=["API-PAXLST-DOC-001"])
    paxlst_case(f, 41, "A 36-character document number exceeds 1004 an..35 and is rejected",
                ["API-PAXLST-DOC-008"], outcome="reject", name="n_doc_number_36.edi",
                mutate=replace("DOC+P:110:111+PA1234567", "DOC+P:110:111+PA" + "1" * 34),
                errors_req=["API-PAXLST-DOC-008"])
    paxlst_case(f, 42, "A 36-character common access reference exceeds 0068 an..35 and is "
                "rejected", ["API-PAXLST-MULTI-008"], outcome="reject", name="n_car_36.edi",
                head={"car": "XX123/250301/1100/" + "A" * 18})
    paxlst_case(f, 43, "Reporting-party NAD qualified MR instead of MS is rejected",
                ["API-PAXLST-NAD-001"], outcome="reject", name="n_nad_ms_qualifier_mr.edi",
                mutate=replace("NAD+MS+++OPS CONTROL", "NAD+MR+++OPS CONTROL"))
    # accepted with a warning (the baseline downgrades these MUST rules to warn)
    paxlst_case(f, 50, "Transport stage 34 (overflight) is accepted with a warning under the "
                "baseline profile", ["API-PAXLST-TDT-001"], name="y_tdt_34_warn.edi",
                body={"flights": [flight(stage="34")]}, warn_req=["API-PAXLST-TDT-001"])
    paxlst_case(f, 51, "Header RFF qualified AVF instead of TN is accepted with a warning",
                ["API-PAXLST-RFF-001"], name="y_header_rff_avf_warn.edi",
                mutate=replace("RFF+TN*", "RFF+AVF:ABC123"), warn_req=["API-PAXLST-RFF-001"],
                with_canonical=False,
                notes="No canonical file: whether a header RFF+AVF becomes the transaction "
                      "reference or nothing is not fixed by the sources.")
    paxlst_case(f, 52, "Traveller RFF with qualifier ZZ (not in the profile list) is accepted with a "
                "warning", ["API-PAXLST-RFF-010"], name="y_traveller_rff_zz_warn.edi",
                body={"travellers": [trav(refs=(("AVF", "ABC123"), ("ABO", "0001"), ("ZZ", "X1")))]},
                warn_req=["API-PAXLST-RFF-010"])
    paxlst_case(f, 53, "RFF+TN inside a traveller group is accepted with a warning",
                ["API-PAXLST-RFF-012"], name="y_traveller_rff_tn_warn.edi",
                body={"travellers": [trav(refs=(("AVF", "ABC123"), ("ABO", "0001"), ("TN", "T1")))]},
                warn_req=["API-PAXLST-RFF-012"])
    paxlst_case(f, 54, "Issuing state LOC+91+IRELAND is accepted with a warning",
                ["API-PAXLST-DOC-007"], name="y_loc91_long_warn.edi",
                mutate=replace("LOC+91+IRL", "LOC+91+IRELAND"), warn_req=["API-PAXLST-DOC-007"],
                with_canonical=False,
                notes="No canonical file: whether an issuing state that is not a code is kept as "
                      "sent or dropped is not fixed by the sources.")
    paxlst_case(f, 55, "Traveller LOC qualifier 23 (not 22/174/178/179/180) is accepted with a "
                "warning", ["API-PAXLST-LOC-010", "API-PAXLST-CODE-002"],
                name="y_traveller_loc23_warn.edi",
                mutate=insert_after("LOC+179+JFK", "LOC+23+JFK"),
                warn_req=["API-PAXLST-LOC-010"], with_canonical=False,
                notes="No canonical file: canonical 1.0 has no field for a LOC 23, and whether a "
                      "receiver drops it is not fixed by the sources.")
    paxlst_case(f, 56, "Passenger without ATT gender segment is accepted with a warning",
                ["API-PAXLST-ATT-001"], name="y_att_missing_warn.edi",
                body={"travellers": [trav(surname="O'BRIEN", given="ANNE", middle="MARIE",
                                          gender=None)]},
                warn_req=["API-PAXLST-ATT-001"])
    paxlst_case(f, 57, "A passenger without any travel document is accepted with a warning",
                ["API-PAXLST-DOC-001", "API-PAXLST-TRV-001"], name="y_no_document_warn.edi",
                body={"travellers": [trav(surname="O'BRIEN", given="ANNE", middle="MARIE", docs=[])]},
                warn_req=["API-PAXLST-DOC-001"])


# --------------------------------------------------------------------------------------------
# PAXLST: BGM scenarios of STANDARDS.md §2.6

CREW = [trav(surname="HANSEN", given="ERIK", fn="FM", gender="M", dob="750101", nat="NOR",
             emp="CR1", refs=(), docs=[doc("P", "PN1000001", "NOR", "300303"),
                                       doc("L", "LN2000002", "NOR", "280808")]),
        trav(surname="DUBOIS", given="CLAIRE", fn="FM", gender="F", dob="880214", nat="FRA",
             emp="CR2", refs=(), docs=[doc("P", "PF3000003", "FRA", "310707"),
                                       doc("AC", "AF4000004", "FRA", "270505")]),
        trav(surname="KOWALSKI", given="PIOTR", fn="DDT", gender="M", dob="700303", nat="POL",
             emp="CR5", refs=(), emb="LHR", deb="ORD",
             docs=[doc("P", "PP5000005", "POL", "290909")])]
ZZZ = [trav(surname="OBRIEN", given="ANNE", fn="ZZZ", gender=None, dob=None, nat=None, emb=None,
            deb=None, docs=[], refs=(("AVF", "ABC123"), ("ABO", "0001"))),
       trav(surname="MARTINEZ", given="LUIS", fn="ZZZ", gender=None, dob=None, nat=None, emb=None,
            deb=None, docs=[], refs=(("AVF", "DEF456"), ("ABO", "0002")))]


def paxlst_scenarios():
    f = "paxlst-scenarios"
    paxlst_case(f, 1, "745+CP change of passenger data carries the subtype in BGM C106/1004",
                ["API-PAXLST-BGM-002", "API-PAXLST-BGM-003", "API-PAXLST-SCEN-002"],
                name="y_745_cp_change.edi", body={"code": "745", "sub": "CP"})
    paxlst_case(f, 2, "745+XR cancel reservation (offload) of one passenger",
                ["API-PAXLST-BGM-003", "API-PAXLST-SCEN-003"], name="y_745_xr_cancel.edi",
                body={"code": "745", "sub": "XR"})
    paxlst_case(f, 3, "745+RP reduction in party naming one passenger",
                ["API-PAXLST-BGM-003", "API-PAXLST-SCEN-004"], name="y_745_rp_reduction.edi",
                body={"code": "745", "sub": "RP"})
    paxlst_case(f, 4, "Crew list 250 with cockpit (CR1), cabin (CR2) and deadhead transit (CR5) crew, "
                "EMP and CNT 41:3", ["API-PAXLST-BGM-001", "API-PAXLST-EMP-001",
                                     "API-PAXLST-NAD-010", "API-PAXLST-SCEN-010"],
                name="y_250_crew_list.edi", body={"code": "250", "travellers": CREW})
    paxlst_case(f, 5, "266+CLOB close-out listing boarded travellers as NAD+ZZZ with RFF AVF/ABO only",
                ["API-PAXLST-BGM-004", "API-PAXLST-NAD-010", "API-PAXLST-SCEN-005"],
                name="y_266_clob_on_board.edi", body={"code": "266", "sub": "CLOB", "travellers": ZZZ})
    paxlst_case(f, 6, "266+CLNB close-out listing one passenger who did not board",
                ["API-PAXLST-BGM-004", "API-PAXLST-SCEN-006"], name="y_266_clnb_not_boarded.edi",
                body={"code": "266", "sub": "CLNB"})
    paxlst_case(f, 7, "266+CL nil-exception close-out without travellers and CNT 42:0",
                ["API-PAXLST-BGM-004", "API-PAXLST-SCEN-007"], name="y_266_cl_nil.edi",
                body={"code": "266", "sub": "CL", "travellers": []})
    paxlst_case(f, 8, "266+XF flight cancellation without any traveller group",
                ["API-PAXLST-BGM-004", "API-PAXLST-SCEN-008"], name="y_266_xf_cancel_flight.edi",
                body={"code": "266", "sub": "XF", "travellers": [], "cnt": None},
                notes="No CNT: the baseline warns about a missing CNT (API-PAXLST-CNT-004).",
                warn_req=["API-PAXLST-CNT-004"])
    paxlst_case(f, 9, "266+CF change of flight with new scheduled times",
                ["API-PAXLST-BGM-004", "API-PAXLST-SCEN-009"], name="y_266_cf_change_flight.edi",
                body={"code": "266", "sub": "CF", "travellers": [],
                      "flights": [flight(points=[("125", "LHR", "189", "2503011245"),
                                                 ("87", "JFK", "232", "2503011545")])]})
    mcl = flight(journey="XX01MCL", points=[("188", "LHR", "554", "2503010800"),
                                            ("172", "JFK", None, None)])
    paxlst_case(f, 10, "Master crew list 336+G (add) with flight id XX01MCL and LOC 188/172 with "
                "DTM 554", ["API-PAXLST-BGM-006", "API-PAXLST-TDT-004", "API-PAXLST-LOC-005"],
                name="y_336_g_master_crew_list.edi",
                body={"code": "336", "sub": "G", "flights": [mcl], "travellers": CREW[:1]},
                with_canonical=False,
                notes="No canonical file: the reporting location and date (LOC 188/172, DTM 554) "
                      "have no field in canonical 1.0.")
    paxlst_case(f, 11, "Gate pass request 655 with the gate pass issue place in LOC 91",
                ["API-PAXLST-BGM-001", "API-PAXLST-SCEN-011"], name="y_655_gate_pass.edi",
                body={"code": "655"})
    # rejects
    paxlst_case(f, 20, "266 without a subtype is rejected", ["API-PAXLST-BGM-004"],
                outcome="reject", name="n_266_no_subtype.edi",
                body={"code": "266", "sub": None}, errors_req=["API-PAXLST-BGM-004"])
    paxlst_case(f, 21, "266 with CLOB in position 3 (1225) instead of C106/1004 is rejected as a "
                "266 without subtype", ["API-PAXLST-BGM-002", "API-PAXLST-BGM-004"],
                outcome="reject", name="n_266_subtype_in_1225.edi",
                mutate=replace("BGM+266+CLOB", "BGM+266++CLOB"),
                body={"code": "266", "sub": "CLOB", "travellers": ZZZ},
                errors_req=["API-PAXLST-BGM-004"])
    paxlst_case(f, 22, "745 with subtype CLOB (a 266 subtype) is rejected",
                ["API-PAXLST-BGM-003", "API-PAXLST-BGM-008"], outcome="reject",
                name="n_745_clob.edi", body={"code": "745", "sub": "CLOB"},
                errors_req=["API-PAXLST-BGM-008"])
    paxlst_case(f, 23, "266 with subtype XY is rejected", ["API-PAXLST-BGM-004",
                                                          "API-PAXLST-BGM-008"],
                outcome="reject", name="n_266_xy.edi", body={"code": "266", "sub": "XY"},
                errors_req=["API-PAXLST-BGM-008"])
    paxlst_case(f, 24, "336 master crew list without subtype G/H/I is rejected",
                ["API-PAXLST-BGM-006", "API-PAXLST-BGM-004"], outcome="reject",
                name="n_336_no_subtype.edi",
                body={"code": "336", "flights": [mcl], "travellers": CREW[:1]},
                errors_req=["API-PAXLST-BGM-004"])
    paxlst_case(f, 25, "336 master crew list with subtype X is rejected",
                ["API-PAXLST-BGM-006", "API-PAXLST-BGM-008"], outcome="reject",
                name="n_336_subtype_x.edi",
                body={"code": "336", "sub": "X", "flights": [mcl], "travellers": CREW[:1]},
                errors_req=["API-PAXLST-BGM-008"])
    paxlst_case(f, 26, "Crew function CR9 in EMP is rejected", ["API-PAXLST-EMP-001"],
                outcome="reject", name="n_emp_cr9.edi",
                body={"code": "250", "travellers": CREW},
                mutate=replace("EMP+1+CR2:110:111", "EMP+1+CR9:110:111"),
                errors_req=["API-PAXLST-EMP-001"])
    paxlst_case(f, 27, "Master crew list flight id XX01MC (not <carrier><nn>MCL) is accepted with "
                "a warning", ["API-PAXLST-TDT-004", "API-PAXLST-TDT-002"],
                name="y_336_flight_id_warn.edi",
                body={"code": "336", "sub": "G", "travellers": CREW[:1],
                      "flights": [flight(journey="XX01MC", points=mcl["points"])]},
                warn_req=["API-PAXLST-TDT-002", "API-PAXLST-TDT-004"], with_canonical=False,
                notes="No canonical file: how a flight id matching neither pattern splits into "
                      "carrier and number is not fixed by the sources.")
    paxlst_case(f, 28, "Passenger (FL) with EMP crew function is accepted with a warning",
                ["API-PAXLST-EMP-002"], name="y_emp_on_passenger_warn.edi",
                body={"travellers": [trav(surname="O'BRIEN", given="ANNE", middle="MARIE",
                                          emp="CR2")]},
                warn_req=["API-PAXLST-EMP-002"])
    # A 655 uses LOC 91 [C]; that it is the document group's LOC 91 is inferred [I]
    # (API-PAXLST-SCEN-011 notes), so the baseline warns (BASE-PAXLST-058/059).
    gate_note = ("The position of the gate pass LOC 91 is inferred [I]: the document group's "
                 "LOC 91 (STANDARDS.md §2.3); hence a warning, not a rejection.")
    paxlst_case(f, 29, "Gate pass request 655 whose document group has no LOC 91 is accepted "
                "with a warning", ["API-PAXLST-BGM-001"], name="y_655_no_loc91_warn.edi",
                body={"code": "655", "travellers": [trav(surname="O'BRIEN", given="ANNE",
                                                         middle="MARIE",
                                                         docs=[doc(state=None)])]},
                warn_req=["API-PAXLST-SCEN-011"], notes=gate_note)
    paxlst_case(f, 30, "Gate pass request 655 naming a person without any document group (so "
                "without LOC 91) is accepted with a warning", ["API-PAXLST-BGM-001"],
                name="y_655_no_document_warn.edi",
                body={"code": "655", "travellers": [trav(surname="O'BRIEN", given="ANNE",
                                                         middle="MARIE", docs=[])]},
                warn_req=["API-PAXLST-SCEN-011"], notes=gate_note)


# --------------------------------------------------------------------------------------------
# PAXLST multi-part sets (STANDARDS.md §2.5): one interchange per part

MP_TRAV = [trav(surname=s, given=g, gender=x, dob=d, nat=n, refs=(("AVF", a), ("ABO", b)),
                docs=[doc("P", p, n, "300101")])
           for s, g, x, d, n, a, b, p in [
               ("OBRIEN", "ANNE", "F", "850412", "IRL", "ABC123", "0001", "PA1234567"),
               ("MARTINEZ", "LUIS", "M", "790923", "ESP", "DEF456", "0002", "PB7654321"),
               ("NAKAMURA", "YUKI", "F", "001130", "JPN", "GHI789", "0003", "PC1112223"),
               ("SMITH", "JOHN", "M", "991231", "GBR", "JKL012", "0004", "PD0000001"),
               ("SMITH", "EMMA", "F", "050607", "GBR", "JKL012", "0005", "PD0000002")]]
MP_SPLIT = [("01:C", MP_TRAV[0:2]), ("02", MP_TRAV[2:4]), ("03:F", MP_TRAV[4:5])]


def multipart_case(folder, num, description, reqs, stem, *, parts=MP_SPLIT, order=None,
                   outcome="accept", cnt=5, cnt_by_part=None, car_by_part=None,
                   mutate_by_part=None, with_canonical=True, msg="PAXLST", **kw):
    order = order or list(range(1, len(parts) + 1))
    files, canon_parts, all_trav = {}, [], []
    prefix = {"accept": "y_", "reject": "n_", "either": "i_"}[outcome]
    envs = {}
    for i, (seq, travellers) in enumerate(parts, 1):
        env = Env(ref=case_ref(folder, num, i), dt=("250301", f"09{30 + i:02d}"))
        envs[i] = env
        car = (car_by_part or {}).get(i, set_car(CAR, num))
        c = (cnt_by_part or {}).get(i, cnt)
        body = paxlst_body(travellers=travellers, cnt=c)
        if mutate_by_part and i in mutate_by_part:
            body = mutate_by_part[i](body)
        data = interchange(env, [(unh("1", PAX_MSGID, car, seq), body)])
        files[i] = data
        num_, _, flag = seq.partition(":")
        if (int(num_), flag == "F", "1") not in canon_parts:
            canon_parts.append((int(num_), flag == "F", "1"))
            all_trav += travellers
    named = {f"{prefix}{stem}_part{n:02d}" + (f"_copy{order[:k].count(n)}" if order[:k].count(n) else "")
             + ".edi": files[n] for k, n in enumerate(order)}
    canon = None
    if outcome == "accept" and with_canonical:
        canon = paxlst_canon(envs[1], {"all_travellers": all_trav, "cnt": cnt},
                             {"ref": "1", "car": set_car(CAR, num), "version": "D:05B"},
                             parts=sorted(canon_parts))
    add(folder, num, description, reqs, outcome, named, canonical=canon,
        cname=f"{prefix}{stem}.canonical.json", **kw)


def paxlst_multipart():
    f = "paxlst-multipart"
    multipart_case(f, 1, "Three parts 01:C, 02, 03:F sent in order, each repeating the header and "
                   "CNT 42:5, reassemble into one list of five passengers",
                   ["API-PAXLST-MULTI-001", "API-PAXLST-MULTI-002", "API-PAXLST-MULTI-003",
                    "API-PAXLST-CNT-002", "API-PAXLST-MULTI-004"], "in_order",
                   set_outcome="complete")
    multipart_case(f, 2, "The same three parts sent in the order 03, 01, 02 reassemble into the "
                   "same message", ["API-PAXLST-MULTI-005", "API-PAXLST-MULTI-002"], "out_of_order",
                   order=[3, 1, 2], set_outcome="complete")
    multipart_case(f, 3, "Part 02 sent twice with identical content is counted once",
                   ["API-PAXLST-MULTI-006", "RCV-MULTI-002"], "duplicate_part",
                   order=[1, 2, 2, 3], set_outcome="complete")
    multipart_case(f, 4, "Parts numbered 01, 02, 03:F (only the last flagged) reassemble",
                   ["API-PAXLST-MULTI-007"], "bare_numbers",
                   parts=[("01", MP_TRAV[0:2]), ("02", MP_TRAV[2:4]), ("03:F", MP_TRAV[4:5])],
                   set_outcome="complete")
    multipart_case(f, 5, "Parts 01:C and 03:F without part 02 never form a message",
                   ["API-PAXLST-MULTI-002", "RCV-MULTI-001"], "missing_part",
                   order=[1, 3], outcome="reject", set_outcome="incomplete")
    multipart_case(f, 6, "Parts 01:C and 02 without a final F part never form a message",
                   ["API-PAXLST-MULTI-002", "RCV-MULTI-001"], "no_final_part",
                   parts=[("01:C", MP_TRAV[0:2]), ("02", MP_TRAV[2:5])], outcome="reject",
                   set_outcome="incomplete")
    multipart_case(f, 7, "Part 02 with a different common access reference does not join the set, "
                   "so neither set completes", ["API-PAXLST-MULTI-001"], "car_differs",
                   car_by_part={2: "XX123/250301/1101"}, outcome="reject", set_outcome="incomplete")
    multipart_case(f, 8, "Part 02 with CNT 42:4 while parts 01 and 03 say 42:5 is accepted with a "
                   "warning", ["API-PAXLST-CNT-002", "API-PAXLST-CNT-003"], "cnt_differs",
                   cnt_by_part={2: 4}, warn_req=["API-PAXLST-CNT-003", "API-PAXLST-CNT-002"],
                   set_outcome="complete",
                   with_canonical=False,
                   notes="No canonical file: which of the two CNT values a receiver keeps is not "
                         "specified.")
    multipart_case(f, 9, "All parts say CNT 42:6 but the set carries five passengers: accepted with "
                   "a warning", ["API-PAXLST-CNT-002", "API-PAXLST-CNT-003"], "cnt_mismatch",
                   cnt=6, warn_req=["API-PAXLST-CNT-003"], set_outcome="complete")
    multipart_case(f, 10, "Part 02 without the repeated TDT/LOC/DTM header is rejected",
                   ["API-PAXLST-MULTI-003", "API-PAXLST-STR-003"], "part_without_header",
                   mutate_by_part={2: lambda b: [s for s in b if not s.startswith(
                       ("TDT", "LOC+125", "LOC+87", "DTM+189", "DTM+232"))]},
                   outcome="reject", syntax_errors=[13], set_outcome="incomplete")
    multipart_case(f, 11, "A set whose CNT counts only the part (42:2, 42:2, 42:1) instead of the "
                   "flight total is accepted with a warning", ["API-PAXLST-CNT-002",
                                                               "API-PAXLST-CNT-003"],
                   "cnt_per_part", cnt_by_part={1: 2, 2: 2, 3: 1},
                   warn_req=["API-PAXLST-CNT-003", "API-PAXLST-CNT-002"],
                   set_outcome="complete", with_canonical=False,
                   notes="No canonical file: the CNT values disagree between parts.")


# --------------------------------------------------------------------------------------------
# iAPI requests (PAXLST) and carrier CUSRES (STANDARDS.md §2.7)

IAPI_ENV = dict(app="IAPI")
# Travellers the corpus fixture vectors/fixtures/iapi-watchlist.json lists (synthetic): a
# no-board entry by document (WL-9001) and an advisory entry by name and birth date (WL-9002).
IAPI_NO_BOARD = trav(surname="TESTCASE", given="PAUL", gender="M", dob="760214",
                     refs=(("AVF", "ABC123"), ("ABO", "0002")),
                     docs=[doc("P", "PZ0000901", "IRL", "310101")])
IAPI_ADVISORY = trav(surname="SPECIMEN", given="CARLA", dob="800505",
                     refs=(("AVF", "ABC123"), ("ABO", "0003")),
                     docs=[doc("P", "PZ0000902", "IRL", "310101")])
CN_ENV = dict(app="IAPI", recipient="NIAC", prio="O", ung_recipient="NIAC")
CUSRES_MSGID = "CUSRES:D:05B:UN:IATA"


def cusres_body(code="312", tn="PIU0000123", erps=None):
    s = [f"BGM+{code}", f"RFF+TN:{tn}", "RFF+AF:XX123", "DTM+189:2503011100:201",
         "DTM+232:2503011400:201", "LOC+125+LHR", "LOC+87+JFK"]
    for level, refs, erc, text in (erps if erps is not None else
                                   [("2", [("AVF", "ABC123"), ("ABO", "0001")], "1Z", None)]):
        s.append(f"ERP+{level}")
        s += [f"RFF+{q}:{v}" for q, v in refs]
        s.append(f"ERC+{erc}")
        if text:
            s.append(f"FTX+AAP+++{esc(text)}")
    return s


def cusres_case(folder, num, description, reqs, name, *, outcome="accept", env=None,
                msgid=CUSRES_MSGID, mutate=None, body=None, **kw):
    env = keyed(Env(app="IAPI", ung_type="CUSRES", **(env or {})), folder, num)
    b = cusres_body(**(body or {}))
    if mutate:
        b = mutate(b)
    data = interchange(env, [(unh("1", msgid, CAR, "01:F"), b)])
    if outcome == "accept":
        kw.setdefault("notes", "No canonical file: this generator writes no CUSRES extraction "
                               "(canonical kind cusres) yet.")
    add(folder, num, description, reqs, outcome, {name: data}, **kw)


def iapi():
    f = "iapi"
    one = [trav(surname="O'BRIEN", given="ANNE", middle="MARIE")]
    paxlst_case(f, 1, "iAPI request 745 for one passenger (UNB application IAPI, 01:F, RFF AVF and "
                "ABO)", ["API-IAPI-FLOW-001", "API-IAPI-FLOW-002", "API-PAXLST-BGM-003"],
                name="y_iapi_745_request.edi", env=Env(**IAPI_ENV), body={"travellers": one})
    paxlst_case(f, 2, "iAPI change request 745+CP for one passenger",
                ["API-IAPI-FLOW-001", "API-IAPI-FLOW-002", "API-PAXLST-BGM-002"],
                name="y_iapi_745_cp_change.edi", env=Env(**IAPI_ENV),
                body={"code": "745", "sub": "CP", "travellers": one})
    paxlst_case(f, 3, "iAPI close-out 266+CLOB with NAD+ZZZ travellers carrying only RFF AVF/ABO",
                ["API-PAXLST-SCEN-005", "API-PAXLST-NAD-010", "API-IAPI-FLOW-006"],
                name="y_iapi_266_clob.edi", env=Env(**IAPI_ENV),
                body={"code": "266", "sub": "CLOB", "travellers": ZZZ})
    paxlst_case(f, 4, "iAPI request with two passengers of one booking",
                ["API-IAPI-FLOW-001", "API-IAPI-FLOW-002"], name="y_iapi_two_passengers.edi",
                env=Env(**IAPI_ENV), body={"travellers": MP_TRAV[3:5]})
    paxlst_case(f, 5, "iAPI request with an empty RFF+AVF: (no booking) is accepted",
                ["API-IAPI-FLOW-002", "API-PAXLST-RFF-011"], name="y_iapi_avf_empty.edi",
                env=Env(**IAPI_ENV),
                body={"travellers": [trav(refs=(("AVF", None), ("ABO", "0001")))]},
                with_canonical=False,
                notes="No canonical file: whether an empty AVF yields a reference without value "
                      "or no reference is not fixed by canonical 1.0.")
    paxlst_case(f, 6, "China: iAPI request without RFF+ABO is rejected",
                ["API-IAPI-FLOW-002"], outcome="reject", name="n_cn_iapi_abo_missing.edi",
                env=Env(**CN_ENV), profile="cn",
                body={"travellers": [trav(refs=(("AVF", "ABC123"),), docs=[doc(agency="ZZZ")])]},
                errors_req=["API-IAPI-FLOW-002"])
    paxlst_case(f, 7, "China: iAPI request without RFF+AVF is rejected",
                ["API-IAPI-FLOW-002"], outcome="reject", name="n_cn_iapi_avf_missing.edi",
                env=Env(**CN_ENV), profile="cn",
                body={"travellers": [trav(refs=(("ABO", "0001"),), docs=[doc(agency="ZZZ")])]},
                errors_req=["API-IAPI-FLOW-002"])
    paxlst_case(f, 8, "China: iAPI request to NIAC with priority O, DOC agency ZZZ and no carrier "
                "in TDT is accepted; the carrier comes from the journey id",
                ["API-IAPI-FLOW-001", "API-IAPI-FLOW-002", "API-IAPI-ENV-001",
                 "API-PAXLST-TDT-003", "API-PAXLST-DOC-003"], name="y_cn_iapi_request.edi",
                env=Env(**CN_ENV), profile="cn",
                body={"flights": [flight(carrier=None)],
                      "travellers": [trav(docs=[doc(agency="ZZZ")], gei="173")]})
    # The authority's CUSRES answer (expect.cusres, judged by the harness's own reader).
    # Directives depend on the state's lists: the cases that expect them require the corpus
    # fixtures vectors/fixtures/iapi-watchlist.json and iapi-authorisations.json (synthetic).
    tn = "XX1232503011"
    lists = ["iapi-watchlist", "iapi-authorisations"]
    paxlst_case(f, 9, "iAPI request for three passengers: the CUSRES 962 echoes RFF+TN and the "
                "UNH references and answers each passenger by RFF+ABO/AVF in an ERP+2 group: clear "
                "0Z, watchlisted document 1Z, advisory name and birth date 2Z",
                ["API-IAPI-FLOW-001", "API-IAPI-FLOW-003", "API-CUSRES-RFF-001",
                 "API-CUSRES-ERP-001", "API-CUSRES-ERC-002", "TRN-H2H-001"],
                name="y_iapi_watchlist_three_passengers.edi", env=Env(**IAPI_ENV),
                body={"travellers": one + [IAPI_NO_BOARD, IAPI_ADVISORY]},
                requires=lists,
                cusres={"document": "962", "transaction_reference": tn,
                        "message_reference": "1", "common_access_reference": CAR,
                        "travellers": [{"abo": "0001", "avf": "ABC123", "directive": "0Z"},
                                       {"abo": "0002", "avf": "ABC123", "directive": "1Z"},
                                       {"abo": "0003", "avf": "ABC123", "directive": "2Z"}],
                        "complete": True})
    paxlst_case(f, 10, "iAPI request without any passenger is refused as a whole: CUSRES 962 "
                "with RFF+TN and a header-level ERP+1 with ERC 1",
                ["API-IAPI-FLOW-001", "API-CUSRES-ERP-002", "API-CUSRES-ERC-003"],
                outcome="reject", name="n_iapi_no_passenger.edi", env=Env(**IAPI_ENV),
                body={"travellers": []},
                cusres={"document": "962", "transaction_reference": tn, "header": {"erc": "1"}})
    paxlst_case(f, 11, "China: the CUSRES 962 answering an iAPI request echoes its UNH message "
                "reference, common access reference and RFF+TN",
                ["API-IAPI-FLOW-003", "API-IAPI-FLOW-005", "TRN-H2H-001"],
                name="y_cn_iapi_echo.edi", env=Env(**CN_ENV), profile="cn",
                head={"ref": "CN0011", "car": CAR + "/11"},
                body={"flights": [flight(carrier=None)],
                      "travellers": [trav(docs=[doc(agency="ZZZ")], gei="173")]},
                cusres={"document": "962", "transaction_reference": tn,
                        "message_reference": "CN0011", "common_access_reference": CAR + "/11"})
    paxlst_case(f, 12, "iAPI request without RFF+TN gives the answer nothing to pair it with and "
                "is rejected", ["TRN-H2H-001"], outcome="reject",
                name="n_iapi_tn_missing.edi", env=Env(**IAPI_ENV),
                body={"tn": None, "travellers": one})
    # carrier CUSRES
    cusres_case(f, 20, "Carrier CUSRES 312 acknowledging an unsolicited 132 echoes the flight and "
                "passenger references", ["API-IAPI-FLOW-008", "API-CUSRES-ACK-001",
                                         "API-CUSRES-STR-001", "API-CUSRES-STR-002",
                                         "API-CUSRES-BGM-001"], "y_cusres_312_ack.edi")
    cusres_case(f, 21, "Carrier CUSRES 312 reporting an error with ERP+1 and ERC",
                ["API-IAPI-FLOW-008", "API-CUSRES-BGM-001", "API-CUSRES-STR-002"],
                "y_cusres_312_error.edi",
                body={"erps": [("1", [], "1", "UNKNOWN PASSENGER REFERENCE")]})
    cusres_case(f, 28, "Carrier CUSRES 312 whose passenger ERP group has no ERC is rejected",
                ["API-IAPI-FLOW-008", "API-CUSRES-ERC-001"], "n_cusres_312_erc_missing.edi",
                outcome="reject", mutate=replace("ERC+1Z", None), errors_req=["API-CUSRES-ERC-001"])
    cusres_case(f, 22, "CUSRES with directory D:02B (iAPI uses D:05B) is rejected",
                ["API-CUSRES-STR-001"], "n_cusres_d02b.edi", outcome="reject",
                msgid="CUSRES:D:02B:UN:IATA", env={"ung_version": "D:02B"})
    cusres_case(f, 23, "CUSRES with a TAX segment outside the iAPI subset is rejected",
                ["API-CUSRES-STR-002"], "n_cusres_tax.edi", outcome="reject",
                mutate=insert_after("LOC+87+JFK", "TAX+7"))
    cusres_case(f, 24, "CUSRES with 100 ERP groups exceeds the maximum of 99 and is rejected",
                ["API-CUSRES-STR-003"], "n_cusres_100_erp.edi", outcome="reject",
                body={"erps": [("2", [("AVF", "ABC123"), ("ABO", f"{i:04d}")], "0Z", None)
                               for i in range(1, 101)]}, syntax_errors=[36])
    cusres_case(f, 25, "CUSRES with 99 ERP groups is accepted", ["API-CUSRES-STR-003"],
                "y_cusres_99_erp.edi",
                body={"erps": [("2", [("AVF", "ABC123"), ("ABO", f"{i:04d}")], "0Z", None)
                               for i in range(1, 100)]})
    cusres_case(f, 26, "CUSRES with BGM 963 (not 962, 132 or 312) is rejected",
                ["API-CUSRES-BGM-001"], "n_cusres_bgm_963.edi", outcome="reject",
                body={"code": "963"}, errors_req=["API-CUSRES-BGM-001"])
    cusres_case(f, 27, "CUSRES 312 whose passenger ERP group lacks RFF+ABO is rejected",
                ["API-CUSRES-ACK-001", "API-CUSRES-ERP-003"], "n_cusres_312_abo_missing.edi",
                outcome="reject", body={"erps": [("2", [("AVF", "ABC123")], "1Z", None)]},
                errors_req=["API-CUSRES-ERP-003"])


# --------------------------------------------------------------------------------------------
# PNRGOV (STANDARDS.md §3)

PNR_MSGID = "PNRGOV:13:1:IA"
PNR_CAR = "XX123/010325/1100/24"


# A receiver judges each PNRGOV push against the earlier pushes of its flight (docs/RECEIVER.md
# "PNR push history"): run in parallel against one receiver, cases sharing a flight would draw
# each other's PUSH findings (a full push "missing" another case's PNR). So every accepted
# single-push case flies on its own: XX<folder code><case, 2 digits> (pnrgov/12 is XX512,
# gtas/3 XX703, pnrgov-multipart/1 XX601), the same date and route as XX123. Kept on XX123:
# pnrgov/1 (appendix A.3, byte for byte), and reject cases (a rejected push is neither judged
# nor history, and their mutations name XX123's TVL). pnr_sequences.py uses XX401, XX402, ...
DEFAULT_LEG = ("XX", "123", "010325")


def own_flight(folder, num):
    return f"{FOLDER_CODE[folder]}{num:02d}"


def on_flight(body, number):
    """A copy of a pnrgov_body/pnrgov_canon argument dict with the pushed flight (level-0 TVL)
    and every PNR leg on XX123 of 1 March 2025 moved to flight XX<number>."""
    b = copy.deepcopy(body)
    b["flt"] = dict(b.get("flt", PUSH_FLT), number=number)
    for key in ("pnrs", "all_pnrs"):
        if key in b or key == "pnrs":
            pnrs = b.get(key)
            if pnrs is None:
                pnrs = [pnr()]
            for p in pnrs:
                p["itinerary"] = [dict(t, number=number)
                                  if (t["carrier"], t["number"], t["dep_d"]) == DEFAULT_LEG
                                  else t for t in p["itinerary"]]
            b[key] = pnrs
    return b


def car_on_flight(car, number):
    """The common access reference of a moved case names its flight too."""
    return car.replace("XX123/", f"XX{number}/", 1)


def pnr_case(folder, num, description, reqs, name, *, outcome="accept", env=None, head=None,
             mutate=None, body=None, with_canonical=True, keep_flight=False, **kw):
    e = keyed(Env(**dict(PNR_ENV, **(env or {}))), folder, num)
    head = dict({"ref": "1", "msgid": PNR_MSGID, "car": PNR_CAR, "seq": "01:F",
                 "version": "13:1"}, **(head or {}))
    body = body or {}
    if outcome != "reject" and not keep_flight:
        number = own_flight(folder, num)
        body = on_flight(body, number)
        head["car"] = car_on_flight(head["car"], number)
    b = pnrgov_body(**body)
    if mutate:
        b = mutate(b)
    data = interchange(e, [(unh(head["ref"], head["msgid"], head["car"], head["seq"]), b)])
    canon = pnrgov_canon(e, head, **body) if outcome == "accept" and with_canonical else None
    add(folder, num, description, reqs, outcome, {name: data}, canonical=canon, **kw)


FAMILY = [tif("OBRIEN", "ANNEMS", "A", "1"),
          tif("OBRIEN", "SEANMR", "A", "2",
              ssrs=[docs_ssr("/P/IRL/PA7654321/IRL/03MAR83/M/05MAY31/OBRIEN/SEAN", "2")],
              tickets=[("9992123456790", "T", 1, "450.00", "GBP",
                        ("CC", "VI", "XXXXXXXXXXXX1234", "0127"))]),
          tif("OBRIEN", "NIAMH", "IN", "3",
              ssrs=[docs_ssr("/P/IRL/PA0000003/IRL/10OCT24/FI/10OCT29/OBRIEN/NIAMH", "3")],
              tickets=[])]


def pnrgov():
    f = "pnrgov"
    pnr_case(f, 1, "Appendix A.3: full push of one PNR with DOCS, ticket and masked card; canonical "
             "JSON equals specs/canonical/examples/pnrgov-a3.json",
             ["PNR-GOV-ENV-005", "PNR-GOV-STR-001", "PNR-GOV-MSG-001", "PNR-GOV-TVL-001",
              "PNR-GOV-TVL-002", "PNR-GOV-EQN-001", "PNR-GOV-SRC-001", "PNR-GOV-RCI-001",
              "PNR-GOV-TIF-001", "PNR-GOV-TIF-005", "PNR-GOV-SSR-001", "PNR-GOV-SSR-004",
              "PNR-GOV-SSR-006", "PNR-GOV-SSR-007", "PNR-GOV-PUSH-001", "PNR-GOV-MULTI-001"],
             "y_a3_full_push.edi", env={"ref": "3001"}, duplicate_group="appendix-a3",
             keep_flight=True)
    pnr_case(f, 2, "Full push of two PNRs: a family with an infant (TIF IN, DOCS FI) and a "
             "second booking with a two-leg itinerary",
             ["PNR-GOV-PUSH-001", "PNR-GOV-EQN-001", "PNR-GOV-TIF-001", "PNR-GOV-TIF-005",
              "PNR-GOV-SSR-006", "PNR-GOV-TIF-002"], "y_full_push_two_pnrs_infant.edi",
             body={"pnrs": [pnr(travellers=FAMILY, itinerary=[tvl(party=3)]),
                            pnr(locator="DEF456", created=("200125", "1400"),
                                dat700=("260225", "0800"),
                                travellers=[tif("MARTINEZ", "LUISMR", "A", "1",
                                                ssrs=[docs_ssr("/P/ESP/PB7654321/ESP/23SEP79/M/"
                                                               "15JUN31/MARTINEZ/LUIS", "1")])],
                                itinerary=[tvl(), tvl(dep_d="020325", dep_t="0900", arr_d="020325",
                                                      arr_t="1030", board="JFK", off="ORD",
                                                      number="456")])]})
    pnr_case(f, 3, "Update push (MSG 141) carrying one changed PNR in full",
             ["PNR-GOV-MSG-001", "PNR-GOV-PUSH-003", "PNR-GOV-PUSH-004"],
             "y_update_push_changed_pnr.edi", head={"car": "XX123/010325/1100/02"},
             body={"function": "141", "pnrs": [pnr(dat700=("280225", "0930"))]})
    pnr_case(f, 4, "Update push cancelling a PNR: SRC, RCI with the locator and an empty ORG",
             ["PNR-GOV-CANCEL-001", "PNR-GOV-CANCEL-002"],
             "y_update_push_cancellation.edi", head={"car": "XX123/010325/1100/03"},
             body={"function": "141", "pnrs": [pnr(cancelled=True)]})
    pnr_case(f, 5, "Split PNR: SG8 EQN+1 followed by RCI with the related locator",
             ["PNR-GOV-SPLIT-001"], "y_split_pnr.edi",
             body={"pnrs": [pnr(split="GHI789")]})
    pnr_case(f, 6, f"Codeshare leg: marketing XX{own_flight(f, 6)} operated as YY456 (TRA)",
             ["PNR-GOV-TVL-005", "PNR-GOV-TRA-001"], "y_codeshare_tra.edi",
             body={"pnrs": [pnr(itinerary=[tvl(tra=("YY", "456"))])]})
    pnr_case(f, 7, "Codeshare leg with marketing:operating carriers XX:YY in TVL C306",
             ["PNR-GOV-TVL-005"], "y_codeshare_c306.edi",
             body={"pnrs": [pnr(itinerary=[tvl(op_carrier="YY")])]})
    pnr_case(f, 8, "PNR history: two ABI credit lines with DAT and SAC (added, cancelled)",
             ["PNR-GOV-HIST-001"], "y_history.edi",
             body={"pnrs": [pnr(history=[("12345678", "LHR", "150125", "0915", "A",
                                          "SEAT 32A ADDED"),
                                         ("12345678", "LHR", "270225", "1010", "X",
                                          "SEAT 32A CANCELLED")])]})
    pnr_case(f, 9, "DOCS with empty positions (/////12APR85/F//OBRIEN/ANNE) keeps date of birth "
             "and gender in place", ["PNR-GOV-SSR-004", "PNR-GOV-SSR-005"],
             "y_docs_empty_positions.edi",
             body={"pnrs": [pnr(travellers=[tif(ssrs=[docs_ssr("/////12APR85/F//OBRIEN/ANNE", "1")])])]})
    pnr_case(f, 10, "OSI free text in IFT 4:28 at PNR level", ["PNR-GOV-IFT-001"],
             "y_osi.edi", body={"pnrs": [pnr(osi=["CTC 44 20 0000 0000"])]})
    pnr_case(f, 11, "A full card number sent in clear is masked in the canonical extraction and "
             "reported with a warning", ["PNR-GOV-FOP-002", "DP-MASK-004"],
             "y_card_unmasked_warn.edi",
             body={"pnrs": [pnr(travellers=[tif(tickets=[("9992123456789", "T", 1, "450.00", "GBP",
                                                          ("CC", "VI", "4111111111111111", "0127"))])])]},
             warn_req=["PNR-GOV-FOP-002"])
    pnr_case(f, 12, "A religious meal SSR (MOML) is removed before storage and counted in "
             "sensitive_removed", ["DP-SENS-001", "DP-SENS-002"], "y_sensitive_ssr_removed.edi",
             body={"pnrs": [pnr(travellers=[tif(sensitive=[("MOML", "HK", 1, "XX", None, "1")])])]},
             notes="Assumes the receiver's sensitive-data list (DP-SENS-002) contains the meal code "
                   "MOML; a regime without such a list skips this case.")
    # rejects
    pnr_case(f, 20, "UNH PNRGOV:02:2:IA (no such guide version) is rejected",
             ["PNR-GOV-ENV-005", "PNR-GOV-VER-001"], "n_version_02_2.edi", outcome="reject",
             head={"msgid": "PNRGOV:02:2:IA"}, env={"ung_version": "02:2"})
    pnr_case(f, 21, "UNH PNRGOV:13:1:UN (agency UN instead of IA) is rejected",
             ["PNR-GOV-ENV-005"], "n_agency_un.edi", outcome="reject",
             head={"msgid": "PNRGOV:13:1:UN"})
    pnr_case(f, 22, "Push without the level-0 TVL is rejected (missing mandatory segment)",
             ["PNR-GOV-STR-001"], "n_level0_tvl_missing.edi", outcome="reject",
             mutate=replace("TVL+010325:1100:010325:1400+LHR+JFK+XX+123", None),
             syntax_errors=[13])
    pnr_case(f, 23, "Push without the level-0 EQN is rejected (missing mandatory segment)",
             ["PNR-GOV-STR-001"], "n_level0_eqn_missing.edi", outcome="reject",
             mutate=replace("EQN+1", None), syntax_errors=[13])
    pnr_case(f, 24, "Level-0 ORG after TVL (out of order) is rejected", ["PNR-GOV-STR-001"],
             "n_level0_org_after_tvl.edi", outcome="reject",
             mutate=chain(replace("ORG+XX:LHR", None),
                          insert_after("TVL+010325:1100:010325:1400+LHR+JFK+XX+123", "ORG+XX:LHR")))
    pnr_case(f, 25, "MSG function 99 (not 22 or 141) is rejected",
             ["PNR-GOV-MSG-001", "PNR-GOV-MSG-002"], "n_msg_function_99.edi", outcome="reject",
             mutate=replace("MSG+:22", "MSG+:99"), errors_req=["PNR-GOV-MSG-002"])
    pnr_case(f, 26, "Level-0 TVL date written year-first (320115) is not a valid DDMMYY date and "
             "is rejected", ["PNR-GOV-TVL-002"], "n_tvl_year_first.edi", outcome="reject",
             mutate=replace("TVL+010325:1100:010325:1400+LHR+JFK+XX+123",
                            "TVL+320115:1100:320115:1400+LHR+JFK+XX+123"),
             errors_req=["PNR-GOV-TVL-002"])
    pnr_case(f, 27, "Level-0 TVL date with a four-digit year (01032025) is rejected",
             ["PNR-GOV-TVL-001", "PNR-GOV-TVL-002"], "n_tvl_ccyy.edi", outcome="reject",
             mutate=replace("TVL+010325:1100:010325:1400+LHR+JFK+XX+123",
                            "TVL+01032025:1100:01032025:1400+LHR+JFK+XX+123"),
             errors_req=["PNR-GOV-TVL-002"])
    pnr_case(f, 28, "Level-0 EQN with a non-numeric count is rejected", ["PNR-GOV-EQN-001"],
             "n_eqn_not_numeric.edi", outcome="reject", mutate=replace("EQN+1", "EQN+ONE"),
             errors_req=["PNR-GOV-EQN-001"])
    pnr_case(f, 29, "SRC carrying a data element is rejected (SRC has none)",
             ["PNR-GOV-SRC-001"], "n_src_with_data.edi", outcome="reject",
             mutate=replace("SRC", "SRC+1"), syntax_errors=[16])
    pnr_case(f, 30, "TIF without a surname is rejected", ["PNR-GOV-TIF-001"],
             "n_tif_surname_empty.edi", outcome="reject",
             mutate=replace("TIF+OBRIEN+ANNEMS:A:1", "TIF++ANNEMS:A:1"),
             errors_req=["PNR-GOV-TIF-001"])
    pnr_case(f, 31, "Split-PNR EQN group without its RCI is rejected", ["PNR-GOV-SPLIT-001"],
             "n_split_rci_missing.edi", outcome="reject",
             body={"pnrs": [pnr(split="GHI789")]}, mutate=replace("RCI+XX:GHI789", None),
             errors_req=["PNR-GOV-SPLIT-001"])
    pnr_case(f, 32, "SSR without an SSR code is rejected", ["PNR-GOV-SSR-001"],
             "n_ssr_code_missing.edi", outcome="reject",
             mutate=replace("SSR+DOCS*", "SSR+:HK:1:XX:::::/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/"
                            "OBRIEN/ANNE+::1"), syntax_errors=[13])
    # accepted with a warning
    # Cites only RCI-002: the case breaks RCI-001 too, but a receiver reports the missing RCI
    # under RCI-002, and an accept case citing RCI-001 without its warning would count as
    # satisfying it (vectors/README.md "Coverage"); gtas/10 breaks RCI-001.
    pnr_case(f, 40, "PNR group without RCI is accepted with a warning", ["PNR-GOV-RCI-002"],
             "y_rci_missing_warn.edi", body={"pnrs": [pnr(rci=False)]},
             warn_req=["PNR-GOV-RCI-002"], with_canonical=False,
             notes="No canonical file: a PNR without locator has no record_locators value.")
    pnr_case(f, 41, "PNR group without ORG is accepted with a warning (not a cancellation)",
             ["PNR-GOV-ORG-003"], "y_org_missing_warn.edi", body={"pnrs": [pnr(org=None)]},
             warn_req=["PNR-GOV-ORG-003"])
    pnr_case(f, 42, "TIF without a traveller reference (9944) is accepted with a warning",
             ["PNR-GOV-TIF-005"], "y_tif_ref_missing_warn.edi",
             body={"pnrs": [pnr(travellers=[tif(ref=None, ssrs=[docs_ssr(
                 "/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE", None)])])]},
             warn_req=["PNR-GOV-TIF-005"])


def pnr_multipart_case(folder, num, description, reqs, stem, *, order=(1, 2), outcome="accept",
                       eqn_by_part=None, car_by_part=None, with_canonical=True, **kw):
    p1 = pnr()
    p2 = pnr(locator="DEF456", created=("200125", "1400"), dat700=("260225", "0800"),
             travellers=[tif("MARTINEZ", "LUISMR", "A", "1",
                             ssrs=[docs_ssr("/P/ESP/PB7654321/ESP/23SEP79/M/15JUN31/MARTINEZ/LUIS",
                                            "1")])])
    parts = [("01:C", [p1]), ("02:F", [p2])]
    # An accepted set flies on its own (own_flight above); a set that never completes loads
    # nothing and keeps XX123.
    own_car, flt = PNR_CAR, PUSH_FLT
    if outcome != "reject":
        number = own_flight(folder, num)
        moved = on_flight({"pnrs": [p1, p2]}, number)
        (p1, p2), flt = moved["pnrs"], moved["flt"]
        parts = [("01:C", [p1]), ("02:F", [p2])]
        own_car = car_on_flight(PNR_CAR, number)
    files, envs = {}, {}
    for i, (seq, pnrs_) in enumerate(parts, 1):
        env = Env(**dict(PNR_ENV, ref=case_ref(folder, num, i), dt=("250228", f"11{i:02d}")))
        envs[i] = env
        car = (car_by_part or {}).get(i, set_car(own_car, num))
        eqn = (eqn_by_part or {}).get(i, 2)
        files[i] = interchange(env, [(unh("1", PNR_MSGID, car, seq),
                                      pnrgov_body(pnrs=pnrs_, eqn=eqn, flt=flt))])
    prefix = {"accept": "y_", "reject": "n_"}[outcome]
    named = {f"{prefix}{stem}_part{n:02d}.edi": files[n] for n in order}
    canon = None
    if outcome == "accept" and with_canonical:
        canon = pnrgov_canon(envs[1], {"ref": "1", "car": set_car(own_car, num), "version": "13:1",
                                       "seq": "01:C"}, eqn=2, all_pnrs=[p1, p2],
                             parts=[(1, False, "1"), (2, True, "1")], flt=flt)
    add(folder, num, description, reqs, outcome, named, canonical=canon,
        cname=f"{prefix}{stem}.canonical.json", **kw)


def pnrgov_multipart():
    f = "pnrgov-multipart"
    pnr_multipart_case(f, 1, "Two parts 01:C and 02:F with one PNR each and EQN+2 (whole push) in "
                       "both reassemble into one push of two PNRs",
                       ["PNR-GOV-MULTI-001", "PNR-GOV-EQN-001", "PNR-GOV-MULTI-002"], "in_order",
                       set_outcome="complete")
    pnr_multipart_case(f, 2, "The same two parts sent in the order 02:F, 01:C reassemble into the "
                       "same push", ["PNR-GOV-MULTI-002", "PNR-GOV-MULTI-001"], "out_of_order",
                       order=(2, 1), set_outcome="complete")
    pnr_multipart_case(f, 3, "EQN+1 in each part (the part's count, not the push total) is "
                       "accepted with a warning", ["PNR-GOV-EQN-003"],
                       "eqn_per_part", eqn_by_part={1: 1, 2: 1}, warn_req=["PNR-GOV-EQN-003"],
                       set_outcome="complete", with_canonical=False,
                       notes="No canonical file: totals.pnrs as sent (1) differs from the PNRs "
                             "received (2).")
    pnr_multipart_case(f, 4, "Part 02:F with a different common access reference does not join "
                       "the set, so neither set completes", ["PNR-GOV-MULTI-001"], "car_differs",
                       car_by_part={2: "XX123/010325/1100/25"}, outcome="reject",
                       set_outcome="incomplete")


# --------------------------------------------------------------------------------------------
# GTAS defect classes (PRIOR_ART.md §1.1)

def gtas():
    f = "gtas"
    paxlst_case(f, 1, "PAXLST without CNT (GTAS #857) is accepted with a warning",
                ["API-PAXLST-CNT-004"], name="y_paxlst_cnt_missing_warn.edi",
                body={"cnt": None}, warn_req=["API-PAXLST-CNT-004"], lists=["message-paxlst"])
    pnr_case(f, 2, "PNRGOV push with EQN+0 and no PNR group (GTAS #913) is accepted",
             ["PNR-GOV-EQN-002"], "y_pnrgov_eqn_zero.edi", body={"pnrs": []},
             lists=["message-pnrgov"])
    pnr_case(f, 3, "SSR DOCS sent at PNR level (SG1) with traveller reference 1 instead of in the "
             "traveller group (GTAS #2082) is accepted", ["PNR-GOV-SSR-003", "PNR-GOV-SSR-002"],
             "y_pnrgov_docs_in_sg1.edi",
             body={"pnrs": [pnr(travellers=[tif(ssrs=[])],
                                pnr_ssrs=[docs_ssr("/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/"
                                                   "ANNE", "1")])]},
             with_canonical=False, lists=["message-pnrgov"],
             notes="No canonical file: SSR-003 allows assigning the DOCS to traveller 1 or "
                   "reporting it.")
    pnr_case(f, 4, "Itinerary legs sent out of chronological order (GTAS #343/#1727) are kept in "
             "message order with their own dates", ["PNR-GOV-TVL-007", "PNR-GOV-TVL-004"],
             "y_pnrgov_legs_out_of_order.edi",
             body={"pnrs": [pnr(itinerary=[tvl(dep_d="050325", dep_t="1800", arr_d="060325",
                                               arr_t="0700", board="JFK", off="LHR", number="124"),
                                           tvl()])]},
             lists=["message-pnrgov"])
    pnr_case(f, 5, "Given name MRS ELIZABETH (title first, GTAS #245) is kept as sent",
             ["PNR-GOV-TIF-003"], "y_pnrgov_title_first.edi",
             body={"pnrs": [pnr(travellers=[tif("TAYLOR", "MRS ELIZABETH", "A", "1", ssrs=[
                 docs_ssr("/P/GBR/PD0000009/GBR/01JAN70/F/01JAN30/TAYLOR/ELIZABETH", "1")])])]},
             lists=["message-pnrgov"])
    pnr_case(f, 6, "Doubled single-letter surname YY with title suffix MOANMISS is kept as sent",
             ["PNR-GOV-TIF-004"], "y_pnrgov_doubled_surname.edi",
             body={"pnrs": [pnr(travellers=[tif("YY", "MOANMISS", "A", "1", ssrs=[
                 docs_ssr("/P/SGP/PS0000010/SGP/02FEB02/F/02FEB30/Y/MOAN", "1")])])]},
             lists=["message-pnrgov"])
    pnr_case(f, 7, "Itinerary TVL without arrival date (date:time::time) takes the departure date",
             ["PNR-GOV-TVL-003"], "y_pnrgov_tvl_arrival_date_omitted.edi",
             body={"pnrs": [pnr(itinerary=[tvl(arr_d="")])]},
             lists=["message-pnrgov"])
    paxlst_case(f, 8, "Traveller NAD without party qualifier is rejected",
                ["API-PAXLST-NAD-010", "API-PAXLST-NAD-011"], outcome="reject",
                name="n_paxlst_nad_qualifier_empty.edi",
                mutate=replace("NAD+FL*", "NAD++++O?'BRIEN:ANNE:MARIE"), syntax_errors=[13],
                lists=["message-paxlst"])
    paxlst_case(f, 9, "Flight legs sent as two SG2 groups in reverse chronological order are kept "
                "in message order", ["API-PAXLST-LOC-007", "API-PAXLST-TDT-005"],
                name="y_paxlst_legs_reverse_order.edi",
                body={"flights": [flight(journey="XX124", points=[("125", "JFK", "189", "2503011600"),
                                                                  ("87", "ORD", "232", "2503011800")]),
                                  flight()]}, lists=["message-paxlst"])


# --------------------------------------------------------------------------------------------
# Country profiles (specs/profiles/us.json, uk.json, cn.json)

US_ENV = dict(recipient="USCSAPIS:ZZ", app="APIS")
UK_ENV = dict(recipient="UKBAOP:ZZ", app="UKBAOP")


def country():
    f = "country"
    us_p = dict(profile="us", env=Env(**US_ENV))
    paxlst_case(f, 1, "US: passenger list to USCSAPIS with UNG, application APIS and LOC 22 first "
                "arrival airport is accepted", ["API-PAXLST-ENV-001", "API-PAXLST-LOC-013",
                                                 "API-PAXLST-DOC-009", "API-PAXLST-NAD-015"],
                name="y_us_passenger_list.edi",
                body={"travellers": [trav(clear="JFK")]}, **us_p)
    paxlst_case(f, 2, "US: passenger list without UNG/UNE is rejected",
                ["API-PAXLST-ENV-005"], outcome="reject", name="n_us_no_ung.edi",
                env=Env(ung=False, **US_ENV), profile="us",
                body={"travellers": [trav(clear="JFK")]})
    paxlst_case(f, 3, "US: document number PA-1234567 with a dash is rejected",
                ["API-PAXLST-DOC-009"], outcome="reject", name="n_us_doc_number_dash.edi",
                body={"travellers": [trav(clear="JFK", docs=[doc(number="PA-1234567")])]},
                errors_req=["API-PAXLST-DOC-009"], **us_p)
    paxlst_case(f, 4, "US: surname O'BRIEN with an apostrophe is rejected",
                ["API-PAXLST-NAD-015"], outcome="reject", name="n_us_name_apostrophe.edi",
                body={"travellers": [trav(surname="O'BRIEN", clear="JFK")]},
                errors_req=["API-PAXLST-NAD-015"], **us_p)
    paxlst_case(f, 5, "US: hyphenated given name ANNE-MARIE is rejected",
                ["API-PAXLST-NAD-015"], outcome="reject", name="n_us_name_hyphen.edi",
                body={"travellers": [trav(given="ANNE-MARIE", clear="JFK")]},
                errors_req=["API-PAXLST-NAD-015"], **us_p)
    # The US document list has no AC (crew member certificate, STANDARDS.md §2.3 DOC table,
    # §2.8): US crew carry a passport and, for pilots, a licence (L).
    us_crew = [CREW[0], trav(surname="DUBOIS", given="CLAIRE", fn="FM", gender="F", dob="880214",
                             nat="FRA", emp="CR2", refs=(),
                             docs=[doc("P", "PF3000003", "FRA", "310707")])]
    paxlst_case(f, 6, "US: crew list 250 with crew subtype C is accepted",
                ["API-PAXLST-BGM-005"], name="y_us_250_c.edi",
                body={"code": "250", "sub": "C", "travellers": us_crew}, **us_p)
    paxlst_case(f, 7, "US: crew list 250 without crew subtype is rejected",
                ["API-PAXLST-BGM-005"], outcome="reject", name="n_us_250_no_subtype.edi",
                body={"code": "250", "travellers": us_crew},
                errors_req=["API-PAXLST-BGM-005"], **us_p)
    paxlst_case(f, 8, "US: overflight with transport stage 34 is accepted",
                ["API-PAXLST-TDT-001"], name="y_us_tdt_34_overflight.edi",
                body={"flights": [flight(stage="34")], "travellers": [trav(clear="JFK")]}, **us_p)
    paxlst_case(f, 9, "US: crew member with gender X is rejected (M or F only)",
                ["API-PAXLST-ATT-002"], outcome="reject", name="n_us_crew_gender_x.edi",
                body={"code": "250", "sub": "C",
                      "travellers": [trav(surname="HANSEN", given="ERIK", fn="FM", gender="X",
                                          emp="CR1", refs=(),
                                          docs=[doc("P", "PN1000001", "NOR", "300303")])]},
                errors_req=["API-PAXLST-ATT-002"], **us_p)
    # Surname without apostrophe: CBP names carry no - or ' (STANDARDS.md §2.3, NAD-015), and
    # the case tests LOC 22 only.
    paxlst_case(f, 10, "US: passenger without LOC 22 is accepted with a warning",
                ["API-PAXLST-LOC-013"], name="y_us_loc22_missing_warn.edi",
                body={"travellers": [trav()]}, warn_req=["API-PAXLST-LOC-013"], **us_p)
    paxlst_case(f, 11, "US: recipient PIUTEST (not USCSAPIS, USADHS or DHSTEST) is rejected",
                ["API-PAXLST-ENV-006"], outcome="reject", name="n_us_recipient.edi",
                env=Env(app="APIS"), profile="us", body={"travellers": [trav(clear="JFK")]})
    uk_p = dict(profile="uk", env=Env(**UK_ENV))
    paxlst_case(f, 20, "UK: native option 745+CI:1.0 with DOC agency 109 is accepted",
                ["API-PAXLST-BGM-007", "API-PAXLST-BGM-002"], name="y_uk_745_ci.edi",
                body={"code": "745", "sub": "CI", "sub_ver": "1.0",
                      "travellers": [trav(docs=[doc(agency="109")])]}, **uk_p)
    paxlst_case(f, 21, "UK: visa (DOC V) is outside the UK document list and is rejected",
                ["API-PAXLST-DOC-004"], outcome="reject", name="n_uk_doc_v.edi",
                body={"travellers": [trav(docs=[doc(agency="109"),
                                                doc("V", "VX0012345", "GBR", "270301", agency="109")])]},
                errors_req=["API-PAXLST-DOC-004"], **uk_p)
    paxlst_case(f, 22, "UK: application reference IAPI (not UKBAOP or APIS) is rejected",
                ["API-PAXLST-ENV-006"], outcome="reject", name="n_uk_application_iapi.edi",
                env=Env(recipient="UKBAOP:ZZ", app="IAPI"), profile="uk",
                body={"travellers": [trav(docs=[doc(agency="109")])]})
    paxlst_case(f, 23, "UK: DOC agency 111 instead of 109 is accepted with a warning",
                ["API-PAXLST-DOC-003", "API-PAXLST-DOC-001"], name="y_uk_agency_111_warn.edi",
                warn_req=["API-PAXLST-DOC-003"], **uk_p)
    paxlst_case(f, 24, "UK: US-style option 266+CLOB after departure is accepted",
                ["API-PAXLST-BGM-007", "API-PAXLST-BGM-004"], name="y_uk_266_clob.edi",
                body={"code": "266", "sub": "CLOB", "travellers": [trav(docs=[doc(agency="109")])]},
                **uk_p)
    cn_p = dict(profile="cn", env=Env(recipient="NIAC", app="APIS", ung_recipient="NIAC"))
    paxlst_case(f, 30, "China: batch API with DOC agency ZZZ and no carrier in TDT is accepted",
                ["API-PAXLST-DOC-001", "API-PAXLST-TDT-002", "API-PAXLST-DOC-003"],
                name="y_cn_batch_agency_zzz.edi",
                body={"flights": [flight(carrier=None)],
                      "travellers": [trav(docs=[doc(agency="ZZZ")])]}, **cn_p)
    paxlst_case(f, 31, "China: recipient PIUTEST (not NIAC) is rejected",
                ["API-PAXLST-ENV-006"], outcome="reject", name="n_cn_recipient.edi",
                env=Env(app="APIS"), profile="cn",
                body={"travellers": [trav(docs=[doc(agency="ZZZ")])]})
    paxlst_case(f, 32, "China: passport card (DOC IP) is outside the China document list and is "
                "rejected", ["API-PAXLST-DOC-004"], outcome="reject", name="n_cn_doc_ip.edi",
                body={"travellers": [trav(docs=[doc("IP", "PC0000001", agency="ZZZ")])]},
                errors_req=["API-PAXLST-DOC-004"], **cn_p)
    paxlst_case(f, 33, "China: PRC travel permit (DOC PT) is accepted",
                ["API-PAXLST-DOC-004", "API-PAXLST-DOC-001"], name="y_cn_doc_pt.edi",
                body={"travellers": [trav(nat="CHN", docs=[doc("PT", "T12345678", "CHN", "300101",
                                                                agency="ZZZ")])]}, **cn_p)
    paxlst_case(f, 34, "China: directory D:12B (not D:02B or D:05B) is rejected",
                ["API-PAXLST-ENV-001", "API-PAXLST-ENV-002"], outcome="reject",
                name="n_cn_directory_d12b.edi",
                env=Env(recipient="NIAC", app="APIS", ung_recipient="NIAC", ung_version="D:12B"),
                head={"msgid": "PAXLST:D:12B:UN:IATA"}, profile="cn",
                body={"travellers": [trav(docs=[doc(agency="ZZZ")])]})


# --------------------------------------------------------------------------------------------
# Coverage: the breaking (or deciding) case of each MUST requirement that had none
# (vectors/README.md "Coverage"; the lint enforces it, LINT-COVERAGE). A warn-only rule is
# broken by an accept case that expects its warning.

def coverage_cases():
    f = "paxlst"
    no_dep = flight(points=[("125", "LHR", None, None), ("87", "JFK", "232", "2503011400")])
    paxlst_case(f, 60, "Departure airport LOC 125 without its DTM 189 is accepted with a warning",
                ["API-PAXLST-LOC-001"], name="y_loc125_without_dtm189_warn.edi",
                body={"flights": [no_dep]}, warn_req=["API-PAXLST-LOC-001"])
    no_arr = flight(points=[("125", "LHR", "189", "2503011100"), ("87", "JFK", None, None)])
    paxlst_case(f, 61, "Arrival airport LOC 87 without its DTM 232 is accepted with a warning",
                ["API-PAXLST-LOC-002"], name="y_loc87_without_dtm232_warn.edi",
                body={"flights": [no_arr]}, warn_req=["API-PAXLST-LOC-002"])
    paxlst_case(f, 62, "Country of residence LOC+174+ES (alpha-2, not ISO 3166 alpha-3) is "
                "accepted with a warning", ["API-PAXLST-LOC-011"],
                name="y_loc174_alpha2_warn.edi",
                body={"travellers": [trav(res="ES")]}, warn_req=["API-PAXLST-LOC-011"])
    # IP (passport card) and C are ICAO 9303 codes; neither is a UNTDID 1001 document name
    # code, so a receiver checking DOC against 1001 would wrongly refuse them.
    paxlst_case(f, 63, "Passport card DOC IP and identity card DOC C (ICAO 9303 codes outside "
                "UNTDID 1001) are accepted", ["API-PAXLST-DOC-002", "API-PAXLST-DOC-004"],
                name="y_doc_icao_codes_ip_c.edi",
                body={"travellers": [trav(docs=[doc("IP", "PC0000001"),
                                                doc("C", "ID0000002", "IRL", "290101")])]})
    # STANDARDS.md §8 "missing DOB/gender when the profile requires them": the baseline warns.
    paxlst_case(f, 64, "Passenger without a date of birth (no DTM 329) is accepted with a warning",
                ["API-PAXLST-DTM-004"], name="y_dob_missing_warn.edi",
                body={"travellers": [trav(dob=None)]}, warn_req=["API-PAXLST-DTM-004"])
    f = "gtas"
    # GTAS #801 "expected RCI but got IFT": the OSI text (IFT) sent before RCI in the PNR group.
    pnr_case(f, 10, "PNR group with IFT before RCI (GTAS #801 \"RCI but got IFT\") is rejected "
             "as out of order", ["PNR-GOV-RCI-001"], "n_ift_before_rci.edi", outcome="reject",
             body={"pnrs": [pnr(osi=("CTCE ANNE.OBRIEN//EXAMPLE.INVALID",))]},
             mutate=chain(replace("RCI+XX:ABC123*", None),
                          insert_after("IFT+4:28::XX*", "RCI+XX:ABC123::150125:0915")),
             syntax_errors=[15])
    f = "pnrgov"
    pnr_case(f, 50, "DOCS gender X (not M, F, MI, FI or U) is accepted with a warning",
             ["PNR-GOV-SSR-006"], "y_docs_gender_x_warn.edi",
             body={"pnrs": [pnr(travellers=[tif(ssrs=[docs_ssr(
                 "/P/IRL/PA1234567/IRL/12APR85/X/01JAN30/OBRIEN/ANNE", "1")])])]},
             warn_req=["PNR-GOV-SSR-006"], with_canonical=False,
             notes="No canonical file: whether an invalid gender is dropped or kept as sent is "
                   "not fixed by the sources.")
    pnr_case(f, 51, "DOCS date of birth 1985-04-12 (not DDMMMYY) is accepted with a warning",
             ["PNR-GOV-SSR-007"], "y_docs_date_iso_warn.edi",
             body={"pnrs": [pnr(travellers=[tif(ssrs=[docs_ssr(
                 "/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE", "1")])])]},
             mutate=lambda body: [x.replace("/12APR85/", "/1985-04-12/")
                                  if x.startswith("SSR+DOCS") else x for x in body],
             warn_req=["PNR-GOV-SSR-007"], with_canonical=False,
             notes="No canonical file: whether an unreadable date of birth is dropped or kept "
                   "as text is not fixed by the sources.")
    pnr_case(f, 52, "DOCS free text with twelve slash-separated fields (the layout has eleven) is "
             "accepted with a warning", ["PNR-GOV-SSR-004"], "y_docs_twelve_fields_warn.edi",
             body={"pnrs": [pnr(travellers=[tif(ssrs=[docs_ssr(
                 "/P/IRL/PA1234567/IRL/12APR85/F/01JAN30/OBRIEN/ANNE/MARIE/H/EXTRA", "1")])])]},
             warn_req=["PNR-GOV-SSR-004"], with_canonical=False,
             notes="No canonical file: whether the fields of an over-long DOCS text are still "
                   "assigned by position is not fixed by the sources.")


# --------------------------------------------------------------------------------------------
# Output

# --------------------------------------------------------------------------------------------
# Sequences (vectors/README.md "Sequences"): several messages sent in order to one target, each
# step judged on its own answer, the canonical JSON checked once after the last step.

SEQ_LIST = "message-sequences"


def seq_file(folder, num, k, name, *, env=None, head=None, **body_args):
    """Interchange k of sequence case `num` (its own control reference, part k); returns
    (name, bytes, canonical of its message)."""
    e = copy.copy(env or Env())
    e.ref = case_ref(folder, num, k)
    h = dict({"ref": "1", "msgid": PAX_MSGID, "car": CAR, "seq": "01:F", "version": "D:05B"},
             **(head or {}))
    body_args.setdefault("travellers", [A1_TRAVELLER])
    data = interchange(e, [(unh(h["ref"], h["msgid"], h["car"], h["seq"]),
                            paxlst_body(**body_args))])
    return name, data, paxlst_canon(e, body_args, h)


def send(name, outcome="accept", note=None, **expect):
    step = {"send": name}
    if note:
        step["note"] = note
    step["expect"] = dict({"outcome": outcome}, **expect)
    return step


def add_sequence(folder, num, description, reqs, steps, files, *, canonical=None, cname=None,
                 notes=None, requires=None):
    """steps: the cases.json `steps`; files: {name: bytes} of the send steps. The case outcome
    is that of the last send step; `canonical` what the query interface shows after it."""
    for r in reqs:
        if r not in REQS:
            sys.exit(f"gen_messages: unknown requirement {r} in {folder}/{num}")
    sends = [st for st in steps if "send" in st]
    prefix = {"accept": "y_", "reject": "n_", "either": "i_"}
    for st in sends:
        assert st["send"] in files and st["send"].startswith(prefix[st["expect"]["outcome"]]), \
            (folder, num, st["send"])
    outcome = sends[-1]["expect"]["outcome"]
    case = {"id": f"edifact/messages/{folder}/{num}", "description": description,
            "specification": [{"req": r, "digest": digest_for(r)} for r in reqs],
            "steps": steps, "transports": ["http", "mq"], "profiles": [SEQ_LIST],
            "profile": "baseline",
            "level": "MUST" if any(REQS[r]["level"] == "MUST" for r in reqs) else "SHOULD",
            "confidence": min((REQS[r]["confidence"] for r in reqs), key=lambda x: CONF_RANK[x])}
    if requires:
        case["requires"] = list(requires)
    expect = {"outcome": outcome}
    f = FOLDERS.setdefault(folder, {"cases": [], "files": {}})
    if canonical is not None:
        expect["canonical"] = cname
        f["files"][cname] = (json.dumps(canonical, indent=2, ensure_ascii=False) + "\n").encode()
    case["expect"] = expect
    if notes:
        case["notes"] = notes
    for n, b in files.items():
        assert n not in f["files"], (folder, n)
        f["files"][n] = b
    f["cases"].append(case)


SEQ_CHANGED = trav(surname="O'BRIEN", given="ANNE", middle="MARIE",
                   docs=[doc(number="PA7654321", expiry="320101")])


def paxlst_sequences():
    f = "paxlst-sequences"
    n, b, c = seq_file(f, 1, 1, "y_initial_resent.edi")
    add_sequence(f, 1, "A batch PAXLST resent as a whole (same UNB sender and control reference) "
                 "is acknowledged like the first copy and stores its passenger once",
                 ["RCV-DUP-001", "API-PAXLST-SCEN-001"],
                 [send(n, note="first copy"),
                  send(n, note="whole-interchange resend: same bytes, same UNB 0020")],
                 {n: b}, canonical=c, cname="y_initial_resent.canonical.json")
    n1, b1, _ = seq_file(f, 2, 1, "y_initial.edi")
    n2, b2, c2 = seq_file(f, 2, 2, "y_change_cp.edi", code="745", sub="CP",
                          travellers=[SEQ_CHANGED])
    add_sequence(f, 2, "An initial PAXLST then a 745+CP change for the same passenger (new passport "
                 "number) on the same flight: the stored data after the change is the changed data",
                 ["API-PAXLST-BGM-002", "API-PAXLST-SCEN-002", "RCV-DUP-004"],
                 [send(n1, note="initial manifest, passport PA1234567"),
                  send(n2, note="745+CP for RFF+ABO 0001, passport PA7654321")],
                 {n1: b1, n2: b2}, canonical=c2, cname="y_change_cp.canonical.json")
    # A three-part set (the paxlst-multipart layout, its own common access reference) sent whole,
    # then its final part again: the resend completes nothing new.
    files, canon_parts, all_trav = {}, [], []
    env1 = None
    for i, (seq, travellers) in enumerate(MP_SPLIT, 1):
        env = Env(ref=case_ref(f, 3, i), dt=("250301", f"09{30 + i:02d}"))
        env1 = env1 or env
        body = paxlst_body(travellers=travellers, cnt=5)
        files[f"y_set_part{i:02d}.edi"] = interchange(env, [(unh("1", PAX_MSGID, set_car(CAR, 93),
                                                                 seq), body)])
        num_, _, flag = seq.partition(":")
        canon_parts.append((int(num_), flag == "F", "1"))
        all_trav += travellers
    canon = paxlst_canon(env1, {"all_travellers": all_trav, "cnt": 5},
                         {"ref": "1", "car": set_car(CAR, 93), "version": "D:05B"},
                         parts=canon_parts)
    add_sequence(f, 3, "A three-part PAXLST set sent whole and then its final part resent: the "
                 "resend is acknowledged and the reassembled message still holds each of the five "
                 "passengers once",
                 ["API-PAXLST-MULTI-006", "RCV-MULTI-002", "RCV-DUP-001"],
                 [send("y_set_part01.edi"), send("y_set_part02.edi"),
                  send("y_set_part03.edi", note="completes the set"),
                  send("y_set_part03.edi", note="resend of the final part after completion")],
                 files, canonical=canon, cname="y_set.canonical.json")


SEQ_LUIS = trav(surname="MARTINEZ", given="LUIS", gender="M", dob="790923", nat="ESP",
                refs=(("AVF", "DEF456"), ("ABO", "0002")),
                docs=[doc(number="PE0000002", state="ESP")])


def seq_cusres(*travellers):
    """The CUSRES 962 answering an iAPI request of the sequences: RFF+TN echoed, each passenger
    (abo, avf) cleared with 0Z (none of them is on the fixture watchlist or needs an
    authorisation: vectors/fixtures)."""
    return {"document": "962", "transaction_reference": "XX1232503011",
            "travellers": [{"abo": abo, "avf": avf, "directive": "0Z"} for abo, avf in travellers],
            "complete": True}


SEQ_LISTS = ["iapi-watchlist", "iapi-authorisations"]


def iapi_sequences():
    f = "iapi-sequences"
    iapi = Env(**IAPI_ENV)
    one = [trav(surname="O'BRIEN", given="ANNE", middle="MARIE")]
    anne, luis = seq_cusres(("0001", "ABC123")), seq_cusres(("0002", "DEF456"))
    n1, b1, _ = seq_file(f, 1, 1, "y_checkin_0001.edi", env=iapi, travellers=one)
    n2, b2, _ = seq_file(f, 1, 2, "y_checkin_0002.edi", env=iapi, travellers=[SEQ_LUIS])
    n3, b3, c3 = seq_file(f, 1, 3, "y_closeout_clob.edi", env=iapi, code="266", sub="CLOB",
                          travellers=ZZZ)
    add_sequence(f, 1, "Two iAPI check-in requests, each answered on its own, then the close-out "
                 "266+CLOB listing both boarded passengers by RFF AVF/ABO is acknowledged",
                 ["API-IAPI-FLOW-001", "API-IAPI-FLOW-003", "API-PAXLST-SCEN-005",
                  "API-IAPI-FLOW-006"],
                 [send(n1, note="check-in of RFF+ABO 0001", cusres=anne),
                  send(n2, note="check-in of RFF+ABO 0002", cusres=luis),
                  send(n3, note="close-out: boarded list")],
                 {n1: b1, n2: b2, n3: b3}, canonical=c3, cname="y_closeout_clob.canonical.json",
                 requires=SEQ_LISTS)
    n, b, c = seq_file(f, 2, 1, "y_request_resent.edi", env=iapi, travellers=one)
    add_sequence(f, 2, "An iAPI request resent as a whole (same UNB control reference) is "
                 "answered like the first copy and stores its passenger once",
                 ["API-IAPI-FLOW-003", "RCV-DUP-001"],
                 [send(n, note="request", cusres=anne),
                  send(n, note="whole-interchange resend after the answer", cusres=anne)],
                 {n: b}, canonical=c, cname="y_request_resent.canonical.json", requires=SEQ_LISTS)
    n1, b1, _ = seq_file(f, 3, 1, "y_request.edi", env=iapi, travellers=one)
    n2, b2, c2 = seq_file(f, 3, 2, "y_change_cp.edi", env=iapi, code="745", sub="CP",
                          travellers=[SEQ_CHANGED])
    add_sequence(f, 3, "An iAPI request then a 745+CP change request for the same passenger (new "
                 "passport number): both are answered and the stored data is the changed data",
                 ["API-IAPI-FLOW-001", "API-PAXLST-BGM-002", "API-PAXLST-SCEN-002"],
                 [send(n1, note="request, passport PA1234567", cusres=anne),
                  send(n2, note="745+CP, passport PA7654321", cusres=anne)],
                 {n1: b1, n2: b2}, canonical=c2, cname="y_change_cp.canonical.json",
                 requires=SEQ_LISTS)


def check_examples():
    """The two appendix cases reproduce the canonical examples exactly."""
    for folder, cname, example in (("paxlst", "y_a1_one_passenger.canonical.json", "paxlst-a1.json"),
                                   ("pnrgov", "y_a3_full_push.canonical.json", "pnrgov-a3.json")):
        got = json.loads(FOLDERS[folder]["files"][cname])
        want = json.loads((ROOT / "specs" / "canonical" / "examples" / example).read_text())
        if got != want:
            sys.exit(f"gen_messages: {folder}/{cname} differs from specs/canonical/examples/{example}:"
                     f"\n{json.dumps(got, sort_keys=True)}\n{json.dumps(want, sort_keys=True)}")
    a1 = (ROOT / "vectors/edifact/syntax/digest_appendix-a/y_a1_paxlst_one_passenger.edi")
    a3 = (ROOT / "vectors/edifact/syntax/digest_appendix-a/y_a3_pnrgov_full_push.edi")
    for folder, name, ref in (("paxlst", "y_a1_one_passenger.edi", a1),
                              ("pnrgov", "y_a3_full_push.edi", a3)):
        if ref.exists() and FOLDERS[folder]["files"][name] != ref.read_bytes():
            sys.exit(f"gen_messages: {folder}/{name} differs from {ref.relative_to(ROOT)}")


def main():
    paxlst_structure()
    paxlst_scenarios()
    paxlst_multipart()
    iapi()
    pnrgov()
    pnrgov_multipart()
    gtas()
    country()
    coverage_cases()
    pnr_sequences.build(sys.modules[__name__])  # vectors/edifact/messages/pnrgov-sequences
    paxlst_sequences()
    iapi_sequences()
    check_examples()
    # Only the folders written here are replaced: a folder under OUT that this script does not
    # write (written by hand or by another generator) is left alone.
    for folder in FOLDERS:
        if (OUT / folder).exists():
            shutil.rmtree(OUT / folder)
    lists = {}
    total = 0
    for folder, data in FOLDERS.items():
        d = OUT / folder
        d.mkdir(parents=True)
        for name, b in data["files"].items():
            (d / name).write_bytes(b)
        (d / "cases.json").write_text(json.dumps(data["cases"], indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
        for c in data["cases"]:
            total += 1
            if not c.get("retired"):
                for p in c["profiles"]:
                    lists.setdefault(p, []).append(c["id"])
    for p, ids in sorted(lists.items()):
        head = (f"# Message-layer cases that name profile {p} (generated by "
                "scripts/vectors/gen_messages.py)\n")
        (PROFILES_DIR / f"{p}.txt").write_text(head + "".join(i + "\n" for i in ids),
                                               encoding="utf-8")
    print(f"gen_messages: {total} cases in {len(FOLDERS)} folders")


if __name__ == "__main__":
    main()
