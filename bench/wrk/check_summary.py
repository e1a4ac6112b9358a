#!/usr/bin/env python3
"""Sanity check of a scripts/bench-receiver.sh JSON summary (CTest bench_smoke_receiver).

Checks that the script still measures what it claims: every requested scenario is present, both
servers answered, the receiver's answers were all accepted and stored (no duplicates, no
rejections), latency percentiles are ordered and resident memory was sampled. It never checks
the performance targets: CI machines are shared and noisy (docs/PERFORMANCE.md).

    check_summary.py SUMMARY.json SCENARIO[,SCENARIO...]
"""
import json
import sys


def fail(msg):
    print(f"[apipnr.bench.010] {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail("usage: check_summary.py SUMMARY.json SCENARIOS")
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    wanted = sys.argv[2].split(",")
    got = {s["scenario"]: s for s in doc.get("scenarios", [])}
    if sorted(got) != sorted(wanted):
        fail(f"scenarios {sorted(got)} != {sorted(wanted)}")
    for name, s in got.items():
        if not s["valid"]:
            fail(f"{name}: run marked invalid: {s['problems']}")
        for side in ("nginx", "receiver"):
            r = s[side]
            if r["requests"] <= 0 or r["requests_per_s"] <= 0:
                fail(f"{name}/{side}: no requests")
            if any(r["errors"].values()):
                fail(f"{name}/{side}: errors {r['errors']}")
            lat = r["latency_ms"]
            if not 0 < lat["p50"] <= lat["p99"] <= lat["max"]:
                fail(f"{name}/{side}: latency percentiles out of order {lat}")
            if r["cpu_s"] < 0:
                fail(f"{name}/{side}: negative CPU time")
        v = s["receiver"]
        # The receiver checks and stores every request: seconds of work cannot cost zero CPU
        # (a zero meant an unreadable CPU source, e.g. schedstat on a kernel without it).
        if not v["cpu_s"] > 0:
            fail(f"{name}/receiver: no CPU time measured ({v['cpu_s']} s)")
        stored = v["server_verdicts"]["accept"] + v["server_verdicts"]["accept_with_warnings"]
        if stored < v["requests"]:
            fail(f"{name}: {stored} stored for {v['requests']} answers")
        if not 0 < v["rss_peak_kib"] <= v["vm_hwm_kib"] * 2:
            fail(f"{name}: resident memory not sampled ({v['rss_peak_kib']} KiB)")
        if not s["ratio_to_nginx"] > 0:
            fail(f"{name}: no ratio to nginx")
        if "met" not in s["target"]:
            fail(f"{name}: no target verdict")
    rates = [f"{n} {s['receiver']['requests_per_s']}/s" for n, s in got.items()]
    print("ok: " + ", ".join(rates))


if __name__ == "__main__":
    main()
