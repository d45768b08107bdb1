#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 20, case 3: names that start with '-' reach the AWS CLI intact.

usage: run_dash_names.py GWGEN PROFILE SCRATCH

Generates PROFILE (tests/tools/profiles/dash-names.yaml: a user, group,
policy, role, queue, compute environment and launch template whose names
start with '-') into SCRATCH, then runs validate.py's 'scripts' check
(bash -n, ShellCheck, --help, --dry-run) and its 'awscli' check (every
command line the dry runs print, parsed by the real AWS CLI) on it. The
AWS CLI's argparse reads '--user-name -admin' as an option without its
value ("expected one argument"), so the scripts must pass each value as
'--user-name=-admin'; the dry runs must show those names that way.
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "dash-names"
# What the dry runs must print: each name glued to its option (users.sh,
# teardown.sh), as the AWS CLI reference spells the options.
EXPECTED = {
    "users.sh": ["--user-name=-admin", "--group-name=-admins"],
    "teardown.sh": ["--job-queue=-rf", "--group-name=-admins"],
}


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    gwgen, profile, scratch = argv
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    r = subprocess.run([gwgen, "--profile", profile, "-o", scratch],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"gwgen failed ({r.returncode}):\n{r.stderr}")
        return 1
    top = os.path.join(scratch, NAME)
    failed = False
    for script, words in EXPECTED.items():
        r = subprocess.run(["bash", os.path.join(top, "scripts", script),
                            "--dry-run"], capture_output=True, text=True)
        for w in words:
            if w not in r.stdout:
                print(f"{script} --dry-run does not pass '{w}':\n{r.stdout}"
                      f"{r.stderr}")
                failed = True
    for check in ("scripts", "awscli"):
        r = subprocess.run([sys.executable, os.path.join(HERE, "validate.py"),
                            check, top])
        failed |= r.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
