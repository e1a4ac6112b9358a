"""PNRGOV push sequences (vectors/edifact/messages/pnrgov-sequences), written by
scripts/vectors/gen_messages.py, which calls build() with itself as `g` (the PNRGOV builders,
Env, FOLDERS and the requirement catalogue live there).

Each case sends two pushes of one flight in order and is judged on the last one: a receiver
that keeps the pushes of each flight (docs/RECEIVER.md "PNR push history") can tell a full
push missing a PNR (PNR-GOV-PUSH-001), an update push that is first or re-sends an unchanged
PNR (PNR-GOV-PUSH-002), a PNR sent as a delta (PNR-GOV-PUSH-003), a PNR that left the flight
sent with content instead of SRC, RCI and an empty ORG (PNR-GOV-CANCEL-001), and, under the eu
profile, a closure push without the push 24-48 h before departure (EU-PNR-PUSH-001). The rules
are sender duties the baseline (and eu) profile reports as warnings: a breaking case is accepted
with the warning (vectors/README.md "Coverage").

Every case has its own flight (XX401, XX402, ... departing LHR 5 March 2025 11:00 local), so
that cases run in parallel against one receiver never share a flight's history; every push its
own UNB control reference (<folder code><case><step>) and common access reference. People are
synthetic (the pnrgov folder's travellers).
"""

FOLDER = "pnrgov-sequences"
LISTS = ["message-pnrgov"]
DEP = "050325"  # DDMMYY of the pushed flight's departure (11:00 local)


def build(g):
    def flight_no(num):
        return str(400 + num)

    def flt(num, dep=DEP):
        return g.tvl(dep_d=dep, arr_d=dep, number=flight_no(num), cls=None, status=None,
                     equip=None)

    def seg(num, status="HK", dep=DEP):
        return g.tvl(dep_d=dep, arr_d=dep, number=flight_no(num), status=status)

    def anne(num, **kw):
        return g.pnr(itinerary=[seg(num)], **kw)

    def luis(num, status="HK", **kw):
        return g.pnr(locator="DEF456", created=("200125", "1400"), dat700=("260225", "0800"),
                     travellers=[g.tif("MARTINEZ", "LUISMR", "A", "1", ssrs=[g.docs_ssr(
                         "/P/ESP/PB7654321/ESP/23SEP79/M/15JUN31/MARTINEZ/LUIS", "1")])],
                     itinerary=[seg(num, status)], **kw)

    sean = g.tif("OBRIEN", "SEANMR", "A", "2",
                 ssrs=[g.docs_ssr("/P/IRL/PA7654321/IRL/03MAR83/M/05MAY31/OBRIEN/SEAN", "2")],
                 tickets=[("9992123456790", "T", 1, "450.00", "GBP",
                           ("CC", "VI", "XXXXXXXXXXXX1234", "0127"))])

    def couple(num, **kw):
        return g.pnr(travellers=[g.tif(), sean], itinerary=[seg(num)], **kw)

    def push(num, k, name, function, pnrs, dt, dep=DEP):
        """Push k of case `num`: (name, bytes, canonical)."""
        name = f"{name[:2]}c{num:02d}_{name[2:]}"  # files of every case share the folder
        e = g.Env(**dict(g.PNR_ENV, dt=dt))
        e.ref = g.case_ref(FOLDER, num, k)
        head = {"ref": "1", "msgid": g.PNR_MSGID, "car": f"XX{flight_no(num)}/{dep}/1100/{k:02d}",
                "seq": "01:F", "version": "13:1"}
        body = dict(function=function, pnrs=pnrs, flt=flt(num, dep))
        data = g.interchange(e, [(g.unh(head["ref"], head["msgid"], head["car"], head["seq"]),
                                  g.pnrgov_body(**body))])
        return name, data, g.pnrgov_canon(e, head, **body)

    def send(name, note, warn=()):
        expect = {"outcome": "accept"}
        if warn:
            expect["pass"] = {"warning_requirements": list(warn)}
        return {"send": name, "note": note, "expect": expect}

    def case(num, description, reqs, first, second, *, warn=(), profile="baseline", notes=None):
        """Two pushes of one flight; the case is judged on the second (its outcome, warnings and
        the canonical JSON the query interface shows for it)."""
        (n1, b1, _, note1), (n2, b2, c2, note2) = first, second
        for r in list(reqs) + list(warn):
            if r not in g.REQS:
                raise SystemExit(f"pnr_sequences: unknown requirement {r} in case {num}")
        expect = {"outcome": "accept"}
        if warn:
            expect["pass"] = {"warning_requirements": list(warn)}
        cname = n2.rsplit(".", 1)[0] + ".canonical.json"
        expect["canonical"] = cname
        c = {"id": f"edifact/messages/{FOLDER}/{num}", "description": description,
             "specification": [{"req": r, "digest": g.digest_for(r)} for r in reqs],
             "steps": [send(n1, note1), send(n2, note2, warn)],
             "transports": ["http", "mq"], "profiles": list(LISTS), "profile": profile,
             "level": "MUST" if any(g.REQS[r]["level"] == "MUST" for r in reqs) else "SHOULD",
             "confidence": min((g.REQS[r]["confidence"] for r in reqs),
                               key=lambda x: g.CONF_RANK[x]),
             "expect": expect}
        if notes:
            c["notes"] = notes
        f = g.FOLDERS.setdefault(FOLDER, {"cases": [], "files": {}})
        for n, b in ((n1, b1), (n2, b2)):
            assert n not in f["files"], (FOLDER, n)
            f["files"][n] = b
        f["files"][cname] = (g.json.dumps(c2, indent=2, ensure_ascii=False) + "\n").encode()
        f["cases"].append(c)

    t72, t24 = ("250302", "1100"), ("250304", "1100")
    changed = dict(dat700=("030325", "0900"), osi=("CTC 0044 7700 900123",))

    # PNR-GOV-PUSH-001: every active PNR in each full push.
    n = 1
    case(n, "Two full pushes of one flight both carry its two active PNRs; the second carries a "
         "changed PNR complete", ["PNR-GOV-PUSH-001", "PNR-GOV-PUSH-003"],
         push(n, 1, "y_full_t72.edi", "22", [anne(n), luis(n)], t72) + ("full push T-72 h",),
         push(n, 2, "y_full_t24.edi", "22", [anne(n, **changed), luis(n)], t24)
         + ("full push T-24 h: ABC123 changed (OSI, DAT 700), DEF456 as before",))
    n = 2
    case(n, "A later full push without a PNR of the earlier full push that was never cancelled is "
         "accepted with a warning", ["PNR-GOV-PUSH-001"],
         push(n, 1, "y_full_t72.edi", "22", [anne(n), luis(n)], t72) + ("full push T-72 h",),
         push(n, 2, "y_full_t24_pnr_missing.edi", "22", [anne(n)], t24)
         + ("full push T-24 h without DEF456, which no push cancelled",),
         warn=["PNR-GOV-PUSH-001"],
         notes="A full-push sender omits a PNR that left the flight (STANDARDS.md §3.4), which a "
               "receiver cannot tell from a lost one: the rule is a warning.")

    # PNR-GOV-PUSH-002: the first push is full, later update pushes carry changes only.
    n = 3
    case(n, "A full push then an update push carrying only the changed PNR",
         ["PNR-GOV-PUSH-002", "PNR-GOV-PUSH-003"],
         push(n, 1, "y_full_t72.edi", "22", [anne(n), luis(n)], t72) + ("first push: full",),
         push(n, 2, "y_update_t24_changed.edi", "141", [anne(n, **changed)], t24)
         + ("update push: ABC123 changed, sent complete; DEF456 unchanged, left out",))
    n = 4
    case(n, "An update push re-sending a PNR unchanged since the previous push is accepted with a "
         "warning", ["PNR-GOV-PUSH-002"],
         push(n, 1, "y_full_t72.edi", "22", [anne(n), luis(n)], t72) + ("first push: full",),
         push(n, 2, "y_update_t24_unchanged.edi", "141", [anne(n, **changed), luis(n)], t24)
         + ("update push: ABC123 changed, DEF456 re-sent as it was",),
         warn=["PNR-GOV-PUSH-002"])
    n = 5
    case(n, "The first push of a flight on its departure date is an update push (a full push of "
         "the same flight number on another date does not count) and is accepted with a warning",
         ["PNR-GOV-PUSH-002"],
         push(n, 1, "y_full_other_date.edi", "22", [g.pnr(itinerary=[seg(n, dep="060325")])], t72,
              dep="060325") + ("full push of the flight departing the next day",),
         push(n, 2, "y_update_first.edi", "141", [anne(n)], t24)
         + ("first push for 5 March: an update push",),
         warn=["PNR-GOV-PUSH-002"],
         notes="Pushes are keyed by flight and departure date (PNR-GOV-PUSH-005).")

    # PNR-GOV-PUSH-003: a PNR is always sent complete.
    n = 6
    case(n, "An update push sends a changed two-traveller PNR complete with both travellers",
         ["PNR-GOV-PUSH-003"],
         push(n, 1, "y_full_t72.edi", "22", [couple(n)], t72) + ("full push, two travellers",),
         push(n, 2, "y_update_t24_complete.edi", "141", [couple(n, **changed)], t24)
         + ("update push: OSI added, both travellers and the segment sent again",))
    n = 7
    case(n, "An update push sending a two-traveller PNR with only the traveller that changed (a "
         "delta, no split PNR named) is accepted with a warning", ["PNR-GOV-PUSH-003"],
         push(n, 1, "y_full_t72.edi", "22", [couple(n)], t72) + ("full push, two travellers",),
         push(n, 2, "y_update_t24_delta.edi", "141",
              [g.pnr(travellers=[sean], itinerary=[seg(n)], **changed)], t24)
         + ("update push: ABC123 with the second traveller only",),
         warn=["PNR-GOV-PUSH-003"])

    # PNR-GOV-CANCEL-001: a PNR that left the flight is SRC, RCI, empty ORG in an update push.
    n = 8
    case(n, "An update push cancels a PNR of the earlier full push as SRC, RCI with the locator "
         "and an empty ORG", ["PNR-GOV-CANCEL-001", "PNR-GOV-PUSH-002"],
         push(n, 1, "y_full_t72.edi", "22", [anne(n), luis(n)], t72) + ("first push: full",),
         push(n, 2, "y_update_t24_cancel.edi", "141",
              [g.pnr(locator="DEF456", cancelled=True)], t24)
         + ("update push: DEF456 cancelled",))
    n = 9
    case(n, "An update push sending a PNR whose pushed segment was cancelled (RPI status XX) "
         "complete instead of as SRC, RCI and an empty ORG is accepted with a warning",
         ["PNR-GOV-CANCEL-001"],
         push(n, 1, "y_full_t72.edi", "22", [anne(n), luis(n)], t72) + ("first push: full",),
         push(n, 2, "y_update_t24_cancel_content.edi", "141", [luis(n, status="XX")], t24)
         + ("update push: DEF456 with its segment XX, sent with content",),
         warn=["PNR-GOV-CANCEL-001"])

    # EU-PNR-PUSH-001 (profile eu): 24-48 h before departure and again after closure. The push
    # time is the UNB preparation date/time, the departure the level-0 TVL (both local here).
    n = 10
    case(n, "EU: a push 30 hours before the scheduled departure, then the push after flight "
         "closure", ["EU-PNR-PUSH-001"],
         push(n, 1, "y_full_t30.edi", "22", [anne(n), luis(n)], ("250304", "0500"))
         + ("full push T-30 h (inside 24-48 h)",),
         push(n, 2, "y_full_closure.edi", "22", [anne(n), luis(n)], ("250305", "1130"))
         + ("full push after closure (T+30 min)",),
         profile="eu")
    n = 11
    case(n, "EU: a push 72 hours before departure and then the push after flight closure, with no "
         "push 24 to 48 hours before departure, is accepted with a warning on the closure push",
         ["EU-PNR-PUSH-001"],
         push(n, 1, "y_full_t72.edi", "22", [anne(n), luis(n)], t72)
         + ("full push T-72 h (before the window)",),
         push(n, 2, "y_full_closure_window_missed.edi", "22", [anne(n), luis(n)],
              ("250305", "1130")) + ("full push after closure (T+30 min)",),
         warn=["EU-PNR-PUSH-001"], profile="eu")
