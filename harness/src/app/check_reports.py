#!/usr/bin/python3
"""Validates reports/<run>/results.json against specs/schemas/results.schema.json and checks
that junit.xml is well-formed with one testcase per case. Usage: check_reports.py ROOT DIR..."""
import json
import sys
import xml.etree.ElementTree as ET

import jsonschema


def main() -> int:
    root, dirs = sys.argv[1], sys.argv[2:]
    with open(f"{root}/specs/schemas/results.schema.json", encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    bad = 0
    for d in dirs:
        with open(f"{d}/results.json", encoding="utf-8") as f:
            doc = json.load(f)
        for err in jsonschema.Draft7Validator(schema).iter_errors(doc):
            print(f"{d}/results.json: {'/'.join(map(str, err.path))}: {err.message}")
            bad += 1
        tree = ET.parse(f"{d}/junit.xml")
        n = len(tree.getroot().findall("./testsuite/testcase"))
        if n != len(doc["cases"]):
            print(f"{d}/junit.xml: {n} testcases for {len(doc['cases'])} cases")
            bad += 1
    print(f"checked {len(dirs)} report folders, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
