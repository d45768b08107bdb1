#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the fuzz targets from files in the repository.

usage: make_seeds.py SOURCE_ROOT OUTDIR [EXTRA_TEMPLATE_DIR...]

OUTDIR/profile/          profiles/, tests/diag/, tests/hostile/cases/
OUTDIR/mustache/         every mustache spec test (flag byte, template,
                         NUL, JSON data) and every template in templates/
OUTDIR/verify_template/  the committed out/*/cloudformation.yaml, the
                         validator samples, and any EXTRA_TEMPLATE_DIR
                         (e.g. a checkout of public AWS Batch templates)

Seeds are named by content hash, so running it again adds nothing twice.
"""

import glob
import hashlib
import json
import os
import sys

# The first byte of a mustache seed: escaper index 0 (html, what the spec
# expects), not strict. See fuzz_mustache.c.
MUSTACHE_FLAGS = b"\x00"


def put(outdir, data):
    os.makedirs(outdir, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main(argv):
    if len(argv) < 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    root, out = argv[1], argv[2]
    counts = {}

    d = os.path.join(out, "profile")
    for pattern in ("profiles/*.yaml", "tests/diag/*.yaml",
                    "tests/diag/parents/*.yaml",
                    "tests/hostile/cases/*.yaml"):
        for p in sorted(glob.glob(os.path.join(root, pattern))):
            put(d, read(p))
            counts["profile"] = counts.get("profile", 0) + 1

    d = os.path.join(out, "mustache")
    for p in sorted(glob.glob(os.path.join(root, "tests/spec/mustache",
                                           "*.json"))):
        spec = json.loads(read(p))
        for t in spec.get("tests", []):
            if "lambda" in json.dumps(t.get("data")):
                continue
            put(d, MUSTACHE_FLAGS + t["template"].encode() + b"\0"
                + json.dumps(t.get("data")).encode())
            counts["mustache"] = counts.get("mustache", 0) + 1
    for p in sorted(glob.glob(os.path.join(root, "templates", "**",
                                           "*.mustache"), recursive=True)):
        put(d, MUSTACHE_FLAGS + read(p) + b"\0{}")
        counts["mustache"] = counts.get("mustache", 0) + 1

    d = os.path.join(out, "verify_template")
    sources = [os.path.join(root, "out", "*", "cloudformation.yaml"),
               os.path.join(root, "tests", "tools", "samples", "*",
                            "cloudformation.yaml")]
    for extra in argv[3:]:
        sources += [os.path.join(extra, "**", "*.yaml"),
                    os.path.join(extra, "**", "*.json")]
    for pattern in sources:
        for p in sorted(glob.glob(pattern, recursive=True)):
            put(d, read(p))
            counts["verify_template"] = counts.get("verify_template", 0) + 1

    for k, v in sorted(counts.items()):
        print(f"{k}: {v} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
