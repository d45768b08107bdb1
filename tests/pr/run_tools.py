#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Suite 'pr', issue 19: a newcomer's first commands and the tools a lab uses.

One mode per meson test (the first argument):

  setup       the README's first command and .ci/run install the same
              Debian packages (libclang-rt-14-dev and llvm among them, for
              the fuzz and sanitizer builds); the README's command, run by
              bash against stand-ins for apt-get, npm, meson, ninja and
              gwgen, asks apt-get for nodejs and npm only when there is no
              npm (a NodeSource Node.js brings its own, and its nodejs
              conflicts with Debian's npm), and runs every step.

Expected values come from the issue and the README; nothing is copied from
gwgen's output.

Environment (set by meson): GWGEN, GWGEN_SOURCE_ROOT, GWGEN_SCRATCH.
"""

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys

failures = []


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"run_tools: {name} is not set (run through meson test)")
    return value


GWGEN = env("GWGEN")
SRC = env("GWGEN_SOURCE_ROOT")


def expect(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}")
    return cond


def scratch(name):
    path = os.path.join(env("GWGEN_SCRATCH"), name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def read(*parts):
    with open(os.path.join(SRC, *parts), encoding="utf-8") as f:
        return f.read()


# ---- setup ----------------------------------------------------------------

# What the fuzz and sanitizer builds of .ci/run need beyond the build: the
# issue names them.
FUZZ_PACKAGES = {"clang", "libclang-rt-14-dev", "llvm"}
NODE_PACKAGES = ["nodejs", "npm"]


def readme_first_command():
    """The first ```sh block of README.md, one command line."""
    m = re.search(r"^```sh\n(.*?)^```", read("README.md"), re.M | re.S)
    if not m:
        sys.exit("run_tools: README.md has no ```sh block")
    return m.group(1).strip()


def readme_packages(cmd):
    """The README command's package list and the packages it adds when
    npm is missing, from its 'pkgs="..."' assignments."""
    base = re.match(r'pkgs="([^"$]*)"', cmd)
    extra = re.search(r'command -v npm\b[^|]*\|\|\s*pkgs="\$pkgs ([^"]*)"', cmd)
    expect(base and extra, f"README: pkgs=\"...\" and the npm test in {cmd!r}")
    return (base.group(1).split() if base else [],
            extra.group(1).split() if extra else [])


def ci_packages():
    """.ci/run's packages=( ... ) array and what it adds without npm."""
    text = read(".ci", "run")
    base = re.search(r"^packages=\((.*?)\)", text, re.M | re.S)
    extra = re.search(r"if ! command -v npm\b.*?\n\s*packages\+=\(([^)]*)\)",
                      text, re.S)
    expect(base and extra, ".ci/run: packages=(...) and packages+=(...)")
    words = []
    for line in (base.group(1) if base else "").splitlines():
        words += shlex.split(line, comments=True)
    return words, (extra.group(1).split() if extra else [])


STUB = """#!/bin/sh
printf '%s\\n' "${0##*/} $*" >> "$GWGEN_STUB_LOG"
"""
# apt-get: logs, and installing npm puts an npm stand-in on PATH.
APT_STUB = STUB + """for p; do
	[ "$p" = npm ] && /bin/cp "$0.npm" "${0%/*}/npm"
done
exit 0
"""


def put_exec(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, stat.S_IRWXU)


def run_readme(cmd, with_npm):
    """Run the README command in bash with stand-ins first on PATH (and
    nothing else on it); returns (status, [logged command lines])."""
    top = scratch("setup-" + ("npm" if with_npm else "fresh"))
    bindir = os.path.join(top, "bin")
    os.makedirs(bindir)
    os.makedirs(os.path.join(top, "build", "src"))
    stubs = {"apt-get": APT_STUB, "apt-get.npm": STUB, "meson": STUB,
             "ninja": STUB}
    if with_npm:
        stubs["npm"] = STUB
    for name, text in stubs.items():
        put_exec(os.path.join(bindir, name), text)
    put_exec(os.path.join(top, "build", "src", "gwgen"), STUB)
    log = os.path.join(top, "log")
    r = subprocess.run(["/bin/bash", "--norc", "--noprofile", "-c", cmd],
                       cwd=top, env={"PATH": bindir, "GWGEN_STUB_LOG": log},
                       capture_output=True, text=True)
    lines = []
    if os.path.exists(log):
        with open(log, encoding="utf-8") as f:
            lines = f.read().splitlines()
    return r.returncode, lines, r.stderr


def test_setup():
    cmd = readme_first_command()
    expect("\n" not in cmd, "the README's first command is one line")
    rbase, rextra = readme_packages(cmd)
    cbase, cextra = ci_packages()
    expect(sorted(rbase) == sorted(cbase),
           f"README and .ci/run install the same packages: only README "
           f"{sorted(set(rbase) - set(cbase))}, only .ci/run "
           f"{sorted(set(cbase) - set(rbase))}")
    expect(rextra == NODE_PACKAGES and cextra == NODE_PACKAGES,
           f"both add {NODE_PACKAGES} only without npm: {rextra}, {cextra}")
    expect(FUZZ_PACKAGES <= set(rbase),
           f"the list has {sorted(FUZZ_PACKAGES - set(rbase))}")
    expect(not set(NODE_PACKAGES) & set(rbase + cbase),
           "nodejs and npm are not in the unconditional lists")
    expect("--no-install-recommends" in cmd and
           "--no-install-recommends" in read(".ci", "run"),
           "both install without recommends (so the list must be whole)")
    for with_npm in (True, False):
        status, lines, err = run_readme(cmd, with_npm)
        what = "with an npm (NodeSource)" if with_npm else "fresh Debian 12"
        expect(status == 0, f"{what}: the command exits 0: {err}")
        installs = [ln.split()[1:] for ln in lines
                    if ln.startswith("apt-get ") and " install " in ln]
        expect(len(installs) == 1, f"{what}: one apt-get install: {lines}")
        if installs:
            pkgs = [w for w in installs[0] if not w.startswith("-")][1:]
            want = rbase + ([] if with_npm else NODE_PACKAGES)
            expect(sorted(pkgs) == sorted(want),
                   f"{what}: apt-get install {pkgs}, want {want}")
        expect(lines and lines[0] == "apt-get update",
               f"{what}: apt-get update first: {lines[:1]}")
        steps = [ln.split()[0] for ln in lines]
        want_steps = ["apt-get", "apt-get", "npm", "meson", "ninja", "gwgen"]
        expect(steps == want_steps,
               f"{what}: steps {steps}, want {want_steps}")


# ---- schema ---------------------------------------------------------------

SCHEMA_FILE = "profile.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"
# The loader's key and type errors (docs/profile.md, "Diagnostics"): an
# unknown or missing key, a value of the wrong type, outside its key's
# allowed values or range, or not a 64-bit integer; a key that is not a
# string; a top level that is not a mapping.
KEY_OR_TYPE_ERROR = re.compile(
    r": error: (unknown key '|missing required key '|expected an? .* for '"
    r"|invalid value .* for '.*', expected one of"
    r"|'\w+' must (be |not be negative)|integer .* does not fit in 64 bits"
    r"|keys must be strings|expected a mapping at the top level)")


def ajv(schema, expectation, files):
    node = shutil.which("node")
    if not node or not os.path.isdir(os.path.join(
            SRC, "tests", "tools", "node_modules", "ajv")):
        expect(False, "node and tests/tools/node_modules/ajv are needed: "
               "npm ci --prefix tests/tools")
        return
    r = subprocess.run([node, os.path.join(SRC, "tests", "tools",
                                           "schema_validate.js"),
                        schema, expectation] + files, cwd=SRC,
                       capture_output=True, text=True)
    print(r.stdout + r.stderr)
    expect(r.returncode == 0, f"schema_validate.js {expectation}: exit "
           f"{r.returncode}")


def key_or_type_cases():
    """The tests/diag cases whose expected stderr has a key or type error
    located in the case's own file."""
    cases = []
    diag = os.path.join(SRC, "tests", "diag")
    for name in sorted(os.listdir(diag)):
        if not name.endswith(".stderr"):
            continue
        case = name[:-len(".stderr")]
        with open(os.path.join(diag, name), encoding="utf-8") as f:
            own = [ln for ln in f if ln.startswith(f"tests/diag/{case}.yaml:")]
        if any(KEY_OR_TYPE_ERROR.search(ln) for ln in own):
            cases.append(f"tests/diag/{case}.yaml")
    return cases


def test_schema():
    committed = os.path.join(SRC, "profiles", SCHEMA_FILE)
    r = subprocess.run([GWGEN, "schema"], capture_output=True, text=True)
    expect(r.returncode == 0 and r.stderr == "",
           f"gwgen schema: exit {r.returncode}: {r.stderr}")
    with open(committed, encoding="utf-8") as f:
        expect(r.stdout == f.read(), f"profiles/{SCHEMA_FILE} is what "
               "'gwgen schema' prints (regenerate: gwgen schema -o "
               f"profiles/{SCHEMA_FILE})")
    out = os.path.join(scratch("schema"), SCHEMA_FILE)
    w = subprocess.run([GWGEN, "schema", "-o", out], capture_output=True,
                       text=True)
    with open(out, encoding="utf-8") as f:
        expect(w.returncode == 0 and w.stdout == "" and f.read() == r.stdout,
               "gwgen schema -o FILE writes the same schema")
    h = subprocess.run([GWGEN, "schema", "--help"], capture_output=True,
                       text=True)
    expect(h.returncode == 0 and MODELINE in h.stdout,
           "gwgen schema --help names the modeline")
    shipped = sorted(os.path.join("profiles", f) for f in
                     os.listdir(os.path.join(SRC, "profiles"))
                     if f.endswith(".yaml"))
    for p in shipped:
        with open(os.path.join(SRC, p), encoding="utf-8") as f:
            expect(f.readline().rstrip("\n") == MODELINE,
                   f"{p} starts with '{MODELINE}'")
    tests = sorted(os.path.join("tests", "pr", "profiles", f) for f in
                   os.listdir(os.path.join(SRC, "tests", "pr", "profiles"))
                   if f.endswith(".yaml"))
    ajv(committed, "--expect-valid", shipped + tests)
    rejected = key_or_type_cases()
    # The corpus has such cases of every kind; fewer means the pattern
    # above no longer matches the loader's messages.
    expect(len(rejected) >= 12, f"key or type error cases: {rejected}")
    ajv(committed, "--expect-invalid", rejected)


MODES = {
    "setup": test_setup,
    "schema": test_schema,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        sys.exit(f"usage: run_tools.py {'|'.join(MODES)}")
    MODES[sys.argv[1]]()
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
