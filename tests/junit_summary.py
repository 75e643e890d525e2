#!/usr/bin/env python3
"""Prints one PASS/FAIL line per test case of a meson JUnit log (GoogleTest cases when the
test uses protocol 'gtest'). Usage: junit_summary.py LABEL testlog.junit.xml"""
import sys
import xml.etree.ElementTree as ET

label, path = sys.argv[1], sys.argv[2]
try:
    root = ET.parse(path).getroot()
except (OSError, ET.ParseError) as e:
    print(f"FAIL: {label}: no test results ({e})")
    sys.exit(0)
cases = 0
for suite in root.iter("testsuite"):
    for case in suite.iter("testcase"):
        cases += 1
        name = f"{label} {case.get('classname', '')}.{case.get('name')}"
        bad = case.find("failure") is not None or case.find("error") is not None
        print(("FAIL: " if bad else "PASS: ") + name)
if cases == 0:
    print(f"FAIL: {label}: the test log lists no test case")
