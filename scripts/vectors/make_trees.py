#!/usr/bin/env python3
"""Writes the expected parse trees (<input>.tree.json) named by "tree" in every cases.json.

The tree is produced by the small tokenizer below, written independently of the C++ parser
(python3 stdlib only) so that a parser bug cannot hide in its own expectations.

    python3 scripts/vectors/make_trees.py            # (re)write every tree
    python3 scripts/vectors/make_trees.py --check    # exit 1 if a tree is missing or stale

Tree format (see vectors/README.md):
    {"delimiters": "<UNA positions 3..8>",
     "segments": [[tag, [[component, ...], ...]], ...]}
Component values are unescaped (release characters removed) and decoded as UTF-8; the UNA is not
a segment; the repetition separator is not split on. A SITA Type B envelope (SOH heading STX ...
ETX) is removed first. CR and LF between segments are skipped.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "vectors"
DEFAULT_DELIMITERS = ":+.? '"


class TreeError(Exception):
    pass


def strip_type_b(data):
    if not data.startswith(b"\x01"):
        return data
    stx = data.find(b"\x02")
    if stx < 0:
        raise TreeError("Type B envelope without STX")
    body = data[stx + 1:]
    etx = body.rfind(b"\x03")
    if etx >= 0:
        if body[etx + 1:].strip(b"\r\n "):
            raise TreeError("data after ETX")
        body = body[:etx]
    return body


def tokenize(data):
    text = strip_type_b(data)
    if text.startswith(b"UNA"):
        if len(text) < 9:
            raise TreeError("UNA shorter than nine characters")
        delims = text[3:9]
        pos = 9
    else:
        delims = DEFAULT_DELIMITERS.encode("ascii")
        pos = 0
    comp, elem, _dec, rel, _rep, term = delims
    has_release = rel != 0x20
    segments = []
    n = len(text)
    while True:
        while pos < n and text[pos] in (0x0D, 0x0A):
            pos += 1
        if pos >= n:
            break
        fields = [[bytearray()]]
        terminated = False
        while pos < n:
            c = text[pos]
            if has_release and c == rel:
                if pos + 1 >= n:
                    raise TreeError("release character at end of input")
                fields[-1][-1].append(text[pos + 1])
                pos += 2
                continue
            pos += 1
            if c == term:
                terminated = True
                break
            if c == elem:
                fields.append([bytearray()])
            elif c == comp:
                fields[-1].append(bytearray())
            else:
                fields[-1][-1].append(c)
        if not terminated:
            raise TreeError("input ends inside a segment")
        if len(fields[0]) != 1:
            raise TreeError("component separator inside a tag")
        tag = fields[0][0].decode("ascii")
        if len(tag) != 3 or not all(ch.isupper() or ch.isdigit() for ch in tag):
            raise TreeError(f"invalid tag {tag!r}")
        elements = [[bytes(c).decode("utf-8") for c in e] for e in fields[1:]]
        segments.append([tag, elements])
    if not segments:
        raise TreeError("no segments")
    return {"delimiters": delims.decode("latin-1"), "segments": segments}


def render(tree):
    lines = ["{", f'  "delimiters": {json.dumps(tree["delimiters"])},', '  "segments": [']
    segs = [json.dumps(s, ensure_ascii=False) for s in tree["segments"]]
    lines += ["    " + s + ("," if i + 1 < len(segs) else "") for i, s in enumerate(segs)]
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def main(argv):
    check = "--check" in argv
    failures = 0
    written = 0
    for manifest in sorted(VECTORS.rglob("cases.json")):
        for i, case in enumerate(json.loads(manifest.read_text(encoding="utf-8"))):
            if "tree" not in case:
                continue
            src = manifest.parent / case["input"]
            dst = manifest.parent / case["tree"]
            try:
                want = render(tokenize(src.read_bytes()))
            except (OSError, TreeError, UnicodeDecodeError) as e:
                print(f"{manifest}: [{i}] ({case['id']}): cannot build tree: {e}")
                failures += 1
                continue
            if check:
                if not dst.exists() or dst.read_text(encoding="utf-8") != want:
                    print(f"{manifest}: [{i}] ({case['id']}): {dst.name} missing or stale")
                    failures += 1
            else:
                dst.write_text(want, encoding="utf-8")
                written += 1
    if not check:
        print(f"make_trees: wrote {written} trees")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
