#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Print one closing line, 'tests: N passed, N failed, N skipped', for meson test logs.

Meson's own summary ("Ok: N ... Fail: N") is not a format CI log readers know,
so .ci/run ends with this plain line, summed over every build directory given.
"""
import json
import sys

PASSED = {"OK", "EXPECTEDFAIL"}
SKIPPED = {"SKIP"}


def main(argv):
    passed = failed = skipped = 0
    for build in argv[1:]:
        with open(f"{build}/meson-logs/testlog.json", encoding="utf-8") as log:
            for line in log:
                line = line.strip()
                if not line:
                    continue
                result = json.loads(line).get("result", "")
                if result in PASSED:
                    passed += 1
                elif result in SKIPPED:
                    skipped += 1
                else:
                    failed += 1
    print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
