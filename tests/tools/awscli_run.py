# SPDX-License-Identifier: MIT
"""Runs many AWS CLI command lines in one process with the real AWS CLI code.

Run with the AWS CLI's own interpreter (the shebang of /usr/bin/aws). Each
command gets a fresh driver from awscli.clidriver.create_clidriver(), exactly
what /usr/bin/aws builds per invocation; only the interpreter start-up
(about a second per command) is shared.

Reads a JSON list of {"args": [...], "cwd": DIR} on stdin and writes a JSON
list of {"rc": N, "output": TEXT} to the file named by argv[1].
"""

import json
import os
import sys
import tempfile

import awscli.clidriver


def run_one(args, cwd):
    sys.stdout.flush()
    sys.stderr.flush()
    saved = (os.dup(1), os.dup(2))
    with tempfile.TemporaryFile() as cap:
        os.dup2(cap.fileno(), 1)
        os.dup2(cap.fileno(), 2)
        old_cwd = os.getcwd()
        try:
            os.chdir(cwd)
            try:
                rc = awscli.clidriver.create_clidriver().main(args)
            except SystemExit as e:
                rc = e.code if isinstance(e.code, int) else 1
            except Exception as e:  # report, do not stop the batch
                print(f"{type(e).__name__}: {e}", file=sys.stderr)
                rc = 255
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.chdir(old_cwd)
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        cap.seek(0)
        out = cap.read().decode("utf-8", "replace")
    return {"rc": rc, "output": out}


def main(argv):
    jobs = json.load(sys.stdin)
    # argparse names the program after argv[0] in usage errors
    sys.argv[0] = "aws"

    results = [run_one(j["args"], j["cwd"]) for j in jobs]
    with open(argv[0], "w", encoding="utf-8") as f:
        json.dump(results, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
