#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every shipped profile verifies without errors, and each warning it keeps is
explained where it happens.

A warning is explained when a comment names its rule ID (e.g. "S2",
"CE15") inside the profile item that holds the flagged line: from the start
of the enclosing top-level list item (or key), with the comment block right
above it, down to the flagged line. Usage: test_warnings.py NAME
(environment: GWGEN, GWGEN_SOURCE_ROOT).
"""

import json
import os
import re
import subprocess
import sys

TOP_ITEM = re.compile(r"^(  - |[a-z_]+:)")


def explained(lines, line_no, rule):
    """Whether a comment names 'rule' in the item holding 1-based 'line_no'."""
    i = line_no - 1
    while i > 0 and not TOP_ITEM.match(lines[i]):
        i -= 1
    # The comment block right above the item's first line belongs to it.
    while i > 0 and lines[i - 1].lstrip().startswith("#"):
        i -= 1
    word = re.compile(r"\b" + re.escape(rule) + r"\b")
    for text in lines[i:line_no]:
        comment = text.split("#", 1)[1] if "#" in text else ""
        if word.search(comment):
            return True
    return False


def main(name):
    gwgen = os.environ["GWGEN"]
    root = os.environ["GWGEN_SOURCE_ROOT"]
    rel = os.path.join("profiles", name + ".yaml")
    proc = subprocess.run([gwgen, "verify", "--profile", rel, "--format",
                           "json", "--color", "never"], cwd=root,
                          capture_output=True, text=True)
    try:
        diags = json.loads(proc.stderr or proc.stdout)["diagnostics"]
    except (ValueError, KeyError) as e:
        print(f"cannot read gwgen's JSON diagnostics ({e}):\n{proc.stderr}")
        return 1
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        lines = f.read().split("\n")
    failures = 0
    warnings = 0
    for d in diags:
        sev, rule, line = d.get("severity"), d.get("rule"), d.get("line", 0)
        where = f"{rel}:{line}:{d.get('column', d.get('col', 0))}"
        if sev == "error":
            print(f"FAIL {where}: error {rule}: {d.get('message')}")
            failures += 1
        elif sev == "warning":
            warnings += 1
            if not rule or not line or not explained(lines, line, rule):
                print(f"FAIL {where}: warning {rule} is not explained by a "
                      f"comment naming {rule} in its item: "
                      f"{d.get('message')}")
                failures += 1
    if proc.returncode != 0:
        print(f"FAIL gwgen verify exited {proc.returncode}")
        failures += 1
    print(f"{name}: {warnings} warning(s), {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: test_warnings.py NAME")
    sys.exit(main(sys.argv[1]))
