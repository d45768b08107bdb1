#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a test profile and run validate.py checks on its output.

usage: run_generated.py GWGEN PROFILE OUTDIR CHECK...

Profiles unlike the shipped ones (tests/tools/profiles/fargate.yaml: Fargate
job definitions, in aws-cn; maccoss-hipaa.yaml: compliance hipaa) are
generated into OUTDIR (replaced) and each CHECK of validate.py runs on
OUTDIR/NAME; CHECK 'kms-policy' runs kms_policy.py on it instead. Exit status: the worst of the
checks (1 findings, 2 missing tool), 77 when every check skipped.
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    gwgen, profile, out = argv[1], argv[2], argv[3]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    p = subprocess.run([gwgen, "--profile", profile, "-o", out],
                       capture_output=True, text=True, check=False)
    if p.returncode != 0:
        sys.stdout.write(p.stdout + p.stderr)
        print(f"run_generated: gwgen refused {profile}")
        return 1
    names = [d for d in os.listdir(out)
             if os.path.isdir(os.path.join(out, d))]
    if len(names) != 1:
        print(f"run_generated: expected one bundle in {out}, got {names}")
        return 1
    bundle = os.path.join(out, names[0])
    worst, skipped = 0, 0
    for check in argv[4:]:
        if check == "userdata-parsers":
            cmd = [sys.executable, os.path.join(HERE, "userdata_parsers.py"),
                   bundle]
        elif check == "kms-policy":
            cmd = [sys.executable, os.path.join(HERE, "kms_policy.py"),
                   bundle]
        else:
            cmd = [sys.executable, os.path.join(HERE, "validate.py"), check,
                   bundle]
        r = subprocess.run(cmd, check=False)
        if r.returncode == SKIP:
            skipped += 1
        elif r.returncode != 0:
            worst = max(worst, r.returncode)
    if worst:
        return worst
    return SKIP if skipped == len(argv) - 4 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
