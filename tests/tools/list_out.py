# SPDX-License-Identifier: MIT
"""Lists the generated profile directories under out/ (one per line).

usage: list_out.py OUT_DIR [--expect NAME...]
With --expect, exits 1 unless the directories are exactly NAME...: meson
lists them when it configures, and a profile added later needs
'meson setup --reconfigure' before its validate tests exist.
"""

import os
import sys


def profiles(out):
    if not os.path.isdir(out):
        return []
    return sorted(n for n in os.listdir(out)
                  if os.path.isdir(os.path.join(out, n)) and not n.startswith("."))


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    found = profiles(argv[0])
    if len(argv) > 1 and argv[1] == "--expect":
        expected = sorted(argv[2:])
        if found != expected:
            print(f"out/ holds {found or 'nothing'} but meson configured the validate "
                  f"tests for {expected or 'nothing'}: run 'meson setup --reconfigure BUILDDIR'")
            return 1
        print(f"validate tests cover out/: {' '.join(found) or '(empty)'}")
        return 0
    for n in found:
        print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
