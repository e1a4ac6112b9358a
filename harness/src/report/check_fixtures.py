#!/usr/bin/python3
"""Validates the report tests' results.json fixtures against specs/schemas/results.schema.json,
so that the golden files are rendered from documents harness-core could have written.
Usage: check_fixtures.py ROOT FILE..."""
import json
import sys

import jsonschema


def main() -> int:
    root, files = sys.argv[1], sys.argv[2:]
    with open(f"{root}/specs/schemas/results.schema.json", encoding="utf-8") as f:
        schema = json.load(f)
    bad = 0
    for name in files:
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
        for err in jsonschema.Draft7Validator(schema).iter_errors(doc):
            print(f"{name}: {'/'.join(map(str, err.path))}: {err.message}")
            bad += 1
    print(f"checked {len(files)} fixtures, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
