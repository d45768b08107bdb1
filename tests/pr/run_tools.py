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
        want_steps = ["apt-get", "apt-get", "npm", "npm", "meson", "ninja",
                      "gwgen"]
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


# ---- init -----------------------------------------------------------------

ENGINES = ["nextflow", "nextstrain", "snakemake", "miniwdl", "none"]
# Exit statuses, from gwgen(1).
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_IO = 3


def run(args, cwd, extra_env=None):
    e = {k: v for k, v in os.environ.items()
         if k not in ("GWGEN_PROFILE_PATH", "NO_COLOR")}
    e.update(extra_env or {})
    return subprocess.run([GWGEN] + args, cwd=cwd, env=e,
                          capture_output=True, text=True)


def test_init():
    top = scratch("init")
    schema = subprocess.run([GWGEN, "schema"], capture_output=True,
                            text=True).stdout
    made = []
    for engine in ENGINES:
        name = f"lab-{engine}"
        r = run(["init", name, "--engine", engine], top)
        path = os.path.join(top, "profiles", name + ".yaml")
        if not expect(r.returncode == 0 and os.path.isfile(path),
                      f"init --engine {engine}: exit {r.returncode}: "
                      f"{r.stderr}"):
            continue
        made.append(os.path.relpath(path, SRC))
        with open(path, encoding="utf-8") as f:
            text = f.read()
        expect(text.startswith(MODELINE + "\n"), f"{name}: the modeline")
        expect(f"\nengine: {engine}\n" in text, f"{name}: engine {engine}")
        with open(os.path.join(top, "profiles", SCHEMA_FILE),
                  encoding="utf-8") as f:
            expect(f.read() == schema, f"{name}: the schema beside it")
        # The bucket placeholder, named where it is.
        m = re.search(r"^\s*(\S+):(\d+):(\d+): bucket\.name '([^']+)'",
                      r.stdout, re.M)
        lines = text.splitlines()
        if expect(m, f"{name}: stdout names bucket.name: {r.stdout}"):
            line, col = int(m.group(2)), int(m.group(3))
            expect(m.group(1) == f"profiles/{name}.yaml" and
                   lines[line - 1][col - 1:] == m.group(4),
                   f"{name}: {m.group(0)} points at the bucket name")
        expect("subnets and security groups" in r.stdout,
               f"{name}: stdout says to set the subnets")
        g = run(["--profile", name, "-o", "out", "--strict"], top)
        expect(g.returncode == 0 and g.stderr == "",
               f"{name}: generates with no warning: exit {g.returncode}: "
               f"{g.stderr}")
        expect(os.path.isfile(os.path.join(top, "out", name,
                                           "cloudformation.yaml")),
               f"{name}: out/{name}/cloudformation.yaml written")
    for engine, client in [("nextflow", "nextflow.config"),
                           ("nextstrain", "nextstrain.config"),
                           ("miniwdl", "miniwdl.cfg")]:
        expect(os.path.isfile(os.path.join(top, "out", f"lab-{engine}",
                                           "client", client)),
               f"lab-{engine}: client/{client}")
    ajv(os.path.join(SRC, "profiles", SCHEMA_FILE), "--expect-valid",
        [os.path.join(top, "profiles", os.path.basename(p)) for p in made])

    # An existing file is kept; --force replaces it.
    path = os.path.join(top, "profiles", "lab-none.yaml")
    with open(path, "a", encoding="utf-8") as f:
        f.write("# edited\n")
    r = run(["init", "lab-none", "--engine", "none"], top)
    with open(path, encoding="utf-8") as f:
        kept = f.read().endswith("# edited\n")
    expect(r.returncode == EXIT_IO and kept, f"existing file kept: "
           f"exit {r.returncode}")
    r = run(["init", "lab-none", "--engine", "none", "--force"], top)
    with open(path, encoding="utf-8") as f:
        expect(r.returncode == 0 and "# edited" not in f.read(),
               "--force replaces it")

    # --from: a sibling parent by name, another one by a relative path.
    shutil.copy(os.path.join(SRC, "profiles", "salmon.yaml"),
                os.path.join(top, "profiles"))
    r = run(["init", "mylab", "--from", "salmon", "--region", "us-west-2"],
            top)
    path = os.path.join(top, "profiles", "mylab.yaml")
    if expect(r.returncode == 0 and os.path.isfile(path),
              f"init --from salmon: {r.stderr}"):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        expect('\nextends: "salmon"\n' in text and "\nname: mylab\n" in text
               and "\nregion: us-west-2\n" in text,
               f"--from: extends the parent by name:\n{text}")
        g = run(["--profile", "mylab", "-o", "out"], top)
        expect(g.returncode == 0 and os.path.isfile(
            os.path.join(top, "out", "mylab", "client", "nextflow.config")),
            f"--from: generates out/mylab: {g.stderr}")
    os.makedirs(os.path.join(top, "elsewhere", "deeper"))
    r = run(["init", "other", "--from", "salmon", "-o",
             "elsewhere/deeper/other.yaml"], top)
    with open(os.path.join(top, "elsewhere", "deeper", "other.yaml"),
              encoding="utf-8") as f:
        expect(r.returncode == 0 and
               '\nextends: "../../profiles/salmon.yaml"\n' in f.read(),
               f"--from elsewhere: a relative path: {r.stderr}")
    v = run(["verify", "--profile", "../elsewhere/deeper/other.yaml"],
            os.path.join(top, "profiles"))
    expect(v.returncode == 0, f"--from elsewhere: verifies from another "
           f"directory: {v.stderr}")

    # Refused: nothing written.
    r = run(["init", "Bad_Name"], top)
    expect(r.returncode == EXIT_USAGE and
           not os.path.exists(os.path.join(top, "profiles", "Bad_Name.yaml")),
           f"a bad name is a usage error: {r.returncode}")
    r = run(["init", "mars", "--region", "mars-east-1"], top)
    expect(r.returncode == EXIT_INVALID and "unknown region" in r.stderr and
           not os.path.exists(os.path.join(top, "profiles", "mars.yaml")),
           f"an unknown region is an error, nothing written: {r.stderr}")
    r = run(["init", "x", "--engine", "cromwell"], top)
    expect(r.returncode == EXIT_USAGE, "an unknown engine is a usage error")
    r = run(["init", "x", "--from", "salmon", "--engine", "none"], top)
    expect(r.returncode == EXIT_USAGE, "--from with --engine: usage error")
    r = run(["init", "piped", "-o", "-"], top)
    expect(r.returncode == 0 and r.stdout.startswith(MODELINE) and
           not os.path.exists(os.path.join(top, "profiles", "piped.yaml")),
           "-o - prints the profile and writes nothing")
    h = run(["init", "--help"], top)
    expect(h.returncode == 0 and all(e in h.stdout for e in ENGINES),
           "init --help names every engine")


# ---- online ---------------------------------------------------------------

# A stand-in for the AWS CLI: logs each call to $AWS_LOG and answers the
# reads doctor.sh and validate.sh make. $SICK=1 answers for a broken
# stack: the first queue disabled, every compute environment at maxvCpus
# 0, no instance type offered, role $MISSING_ROLE absent. $FINDING is
# printed by validate-policy for --policy-document .../$FINDING_FILE.
FAKE_AWS = r"""#!/bin/bash
printf '%s\n' "$*" >>"$AWS_LOG"
names() { # the values of option $1: --opt A B, --opt=A, --opt='["A","B"]'
	local want=$1 on=0 a v
	shift
	for a; do
		if [[ $a == "$want="* ]]; then
			on=0
			v=${a#*=}
			if [[ $v == \[* ]]; then
				v=${v#[}
				v=${v%]}
				v=${v//\"/}
				tr ',' '\n' <<<"$v"
			else
				printf '%s\n' "$v"
			fi
		elif [[ $a == --* ]]; then
			[[ $a == "$want" ]] && on=1 || on=0
		elif ((on)); then
			printf '%s\n' "$a"
		fi
	done
}
case "$1 $2" in
"cloudformation describe-stacks") echo CREATE_COMPLETE ;;
"cloudformation validate-template") echo Subnets ;;
"batch describe-job-queues")
	first=1
	names --job-queues "$@" | while read -r q; do
		if ((first && SICK)); then
			printf '%s\tDISABLED\tVALID\n' "$q"
		else
			printf '%s\tENABLED\tVALID\n' "$q"
		fi
		first=0
	done ;;
"batch describe-compute-environments")
	names --compute-environments "$@" | while read -r ce; do
		printf '%s\tENABLED\tVALID\t%s\n' "$ce" "$((SICK ? 0 : 256))"
	done ;;
"ec2 describe-instance-type-offerings")
	((SICK)) || printf 'us-east-1a\tus-east-1b\n' ;;
"iam get-role")
	role=$(names --role-name "$@")
	if ((SICK)) && [[ $role == "$MISSING_ROLE" ]]; then
		echo "An error occurred (NoSuchEntity)" >&2
		exit 254
	fi
	echo "arn:aws:iam::123456789012:role/$role" ;;
"accessanalyzer validate-policy")
	doc=$(names --policy-document "$@")
	[[ -n $FINDING_FILE && $doc == */"$FINDING_FILE" ]] && printf '%b\n' "$FINDING" ;;
*) echo "stand-in aws: unexpected call: $*" >&2; exit 254 ;;
esac
exit 0
"""
READ_ONLY = re.compile(r"^\S+ (describe-|get-|list-|validate-)")


def run_script(top, script, extra):
    tmp = scratch("online-bin")
    fake = os.path.join(tmp, "aws")
    with open(fake, "w", encoding="utf-8") as f:
        f.write(FAKE_AWS)
    os.chmod(fake, stat.S_IRWXU)
    log = os.path.join(tmp, "log")
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update({"PATH": tmp + os.pathsep + os.environ["PATH"], "AWS_LOG": log,
              "SICK": "0", "MISSING_ROLE": "", "FINDING": "",
              "FINDING_FILE": ""})
    e.update(extra)
    r = subprocess.run(["bash", os.path.join(top, "scripts", script)],
                       capture_output=True, text=True, env=e,
                       stdin=subprocess.DEVNULL, timeout=120)
    calls = []
    if os.path.exists(log):
        with open(log, encoding="utf-8") as f:
            calls = f.read().splitlines()
    return r, calls


def view_names(top):
    """Queues, compute environments (with instance types) and roles of the
    generated template, read from cloudformation.yaml."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    with open(os.path.join(top, "cloudformation.yaml"), encoding="utf-8") as f:
        res = yaml.load(f, Loader=Loader)["Resources"]
    def of(kind, prop):
        return [r["Properties"][prop] for r in res.values()
                if r["Type"] == kind]
    types = sorted({t for r in res.values()
                    if r["Type"] == "AWS::Batch::ComputeEnvironment"
                    for t in r["Properties"].get("ComputeResources", {})
                    .get("InstanceTypes", [])
                    if t != "optimal" and not t.startswith("default_")})
    return (of("AWS::Batch::JobQueue", "JobQueueName"),
            of("AWS::Batch::ComputeEnvironment", "ComputeEnvironmentName"),
            types, of("AWS::IAM::Role", "RoleName"))


def test_online():
    for name in ["gwfcore", "maccoss", "nextstrain", "salmon", "workshop"]:
        top = os.path.join(SRC, "out", name)
        queues, ces, types, roles = view_names(top)
        # doctor.sh, healthy.
        r, calls = run_script(top, "doctor.sh", {})
        oks = [ln for ln in r.stdout.splitlines() if ln.startswith("ok: ")]
        expect(r.returncode == 0 and "problem:" not in r.stdout and
               len(oks) == 1 + len(queues) + len(ces) + len(types)
               + len(roles), f"{name}: doctor.sh on a healthy stack: exit "
               f"{r.returncode}, {len(oks)} ok lines:\n{r.stdout}{r.stderr}")
        expect(calls and all(READ_ONLY.match(c) for c in calls),
               f"{name}: doctor.sh makes read-only calls only: {calls}")
        # doctor.sh, broken.
        missing = roles[-1] if roles else ""
        r, calls = run_script(top, "doctor.sh", {"SICK": "1",
                                                 "MISSING_ROLE": missing})
        problems = [ln for ln in r.stdout.splitlines()
                    if ln.startswith("problem: ")]
        want = [f"problem: job queue {queues[0]} is DISABLED VALID"] + \
            [f"problem: compute environment {ce} has maxvCpus 0: no job "
             "can run" for ce in ces] + \
            [f"problem: instance type {t} is not offered in" for t in types] + \
            ([f"problem: role {missing} does not exist"] if missing else [])
        expect(r.returncode == 1 and len(problems) == len(want) and
               all(any(p.startswith(w) for p in problems) for w in want),
               f"{name}: doctor.sh on a broken stack: exit {r.returncode}:"
               f"\n{r.stdout}\nwant {want}")
        # validate.sh: no findings, then a warning, then a security warning.
        policies = sorted(f for f in os.listdir(os.path.join(top, "iam")))
        r, calls = run_script(top, "validate.sh", {})
        expect(r.returncode == 0, f"{name}: validate.sh with no findings: "
               f"exit {r.returncode}: {r.stderr}")
        validated = [c for c in calls
                     if c.startswith("accessanalyzer validate-policy")]
        expect(sorted(re.search(r"--policy-document[ =]file://\S*/iam/(\S+)",
                                c).group(1) for c in validated) == policies,
               f"{name}: validate.sh checks every iam/*.json once")
        expect(sum(c.startswith("cloudformation validate-template")
                   for c in calls) == 1 and
               all(READ_ONLY.match(c) for c in calls),
               f"{name}: validate.sh: validate-template once, read-only")
        for kind, status in [("WARNING", 0), ("SECURITY_WARNING", 1),
                             ("ERROR", 1)]:
            finding = f"{kind}\\tSOME_ISSUE\\tsomething to look at"
            r, _ = run_script(top, "validate.sh", {
                "FINDING": finding, "FINDING_FILE": policies[0]})
            expect(r.returncode == status and
                   f"iam/{policies[0]}: {kind} SOME_ISSUE something to "
                   "look at" in r.stdout,
                   f"{name}: validate.sh with a {kind} finding: exit "
                   f"{r.returncode}, want {status}:\n{r.stdout}")


# ---- pre-commit -----------------------------------------------------------

# What pre-commit requires of a hook ("Creating new hooks"), and what these
# two must be.
HOOK_KEYS = {"id", "name", "entry", "language"}


def run_hook(hook, top, bindir):
    cmd = shlex.split(hook["entry"]) + list(hook.get("args", []))
    e = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
    e.pop("GWGEN_PROFILE_PATH", None)
    return subprocess.run(cmd, cwd=top, env=e, capture_output=True,
                          text=True)


def test_pre_commit():
    import yaml
    with open(os.path.join(SRC, ".pre-commit-hooks.yaml"),
              encoding="utf-8") as f:
        hooks = {h["id"]: h for h in yaml.safe_load(f)}
    expect(set(hooks) == {"gwgen-verify", "gwgen-check"},
           f"hooks: {sorted(hooks)}")
    for hid, h in hooks.items():
        expect(HOOK_KEYS <= set(h) and h["language"] == "system" and
               h.get("pass_filenames") is False,
               f"{hid}: id, name, entry, language system, no file names")
    bindir = scratch("pre-commit-bin")
    os.symlink(GWGEN, os.path.join(bindir, "gwgen"))
    top = scratch("pre-commit-repo")
    shutil.copytree(os.path.join(SRC, "profiles"),
                    os.path.join(top, "profiles"))
    shutil.copytree(os.path.join(SRC, "out"), os.path.join(top, "out"))
    for hid, h in hooks.items():
        r = run_hook(h, top, bindir)
        expect(r.returncode == 0, f"{hid} passes on a clean tree: "
               f"{r.stderr}")
    # A stale out/: gwgen-check fails naming the file.
    stale = os.path.join(top, "out", "salmon", "README.md")
    with open(stale, "a", encoding="utf-8") as f:
        f.write("edited\n")
    r = run_hook(hooks["gwgen-check"], top, bindir)
    expect(r.returncode == 4 and "out/salmon/README.md" in r.stderr,
           f"gwgen-check fails on a stale out/: {r.returncode} {r.stderr}")
    # An invalid profile: gwgen-verify fails at its line.
    bad = os.path.join(top, "profiles", "workshop.yaml")
    with open(bad, "a", encoding="utf-8") as f:
        f.write("colour: blue\n")
    r = run_hook(hooks["gwgen-verify"], top, bindir)
    expect(r.returncode == 1 and
           "profiles/workshop.yaml:" in r.stderr and "unknown key 'colour'"
           in r.stderr, f"gwgen-verify fails on an invalid profile: "
           f"{r.returncode} {r.stderr}")
    if shutil.which("pre-commit") and shutil.which("git"):
        shutil.rmtree(os.path.join(top, "out"))
        shutil.rmtree(os.path.join(top, "profiles"))
        shutil.copytree(os.path.join(SRC, "profiles"),
                        os.path.join(top, "profiles"))
        shutil.copytree(os.path.join(SRC, "out"), os.path.join(top, "out"))
        e = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
                 HOME=top, PRE_COMMIT_HOME=os.path.join(top, ".cache"))
        for cmd in (["git", "init", "-q"], ["git", "add", "-A"]):
            subprocess.run(cmd, cwd=top, env=e, check=True)
        r = subprocess.run(["pre-commit", "try-repo", SRC, "--all-files"],
                           cwd=top, env=e, capture_output=True, text=True)
        expect(r.returncode == 0, f"pre-commit try-repo: {r.stdout}")
    else:
        print("pre-commit not installed: 'pre-commit try-repo' not run "
              "(apt-get install pre-commit)")


# ---- shells ---------------------------------------------------------------

# (line typed, matches wanted), from 'gwgen --help' and its commands' help.
COMMANDS = ["generate", "verify", "check", "list", "render", "schema", "init",
            "plan", "rules"]
SHIPPED = ["cromwell", "gwfcore", "maccoss", "miniwdl", "nextstrain",
           "salmon", "snakemake", "workshop"]
SHELL_CASES = [
    ("gwgen ", COMMANDS),
    ("gwgen --for", ["--format"]),
    ("gwgen --format ", ["text", "json", "github", "sarif"]),
    ("gwgen --color ", ["auto", "always", "never"]),
    ("gwgen check --d", ["--diff"]),
    ("gwgen --qu", ["--quiet"]),
    ("gwgen --profile ma", ["maccoss"]),
    ("gwgen -p w", ["workshop"]),
    ("gwgen render --escape y", ["yaml"]),
    ("gwgen schema --", ["--out", "--help"]),
    ("gwgen init x --engine ", ["nextflow", "nextstrain", "snakemake",
                                "miniwdl", "none"]),
    ("gwgen init x --from sa", ["salmon"]),
    ("gwgen init x --f", ["--from", "--force", "--format"]),
    ("gwgen init x --format s", ["sarif"]),
    ("gwgen render --format ", ["text", "json", "github", "sarif"]),
    ("gwgen pl", ["plan"]),
    ("gwgen plan --format ", ["text", "markdown", "json", "sarif"]),
    ("gwgen plan --p", ["--profile"]),
    ("gwgen plan --profile ma", ["maccoss"]),
]


def shell_matches(shell, line, bindir):
    e = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
             HOME=env("GWGEN_SCRATCH"))
    e.pop("GWGEN_PROFILE_PATH", None)
    if shell == "zsh":
        cmd = ["zsh", "-f", os.path.join(SRC, "tests", "pr",
                                         "zsh_complete.zsh"),
               os.path.join(SRC, "completion"), line]
    else:
        script = os.path.join(SRC, "completion", "gwgen.fish")
        cmd = ["fish", "--no-config", "-c",
               f"source {shlex.quote(script)}; "
               f"complete -C {shlex.quote(line)}"]
    r = subprocess.run(cmd, cwd=SRC, env=e, capture_output=True, text=True,
                       timeout=30)
    expect(r.returncode == 0 and r.stderr == "",
           f"{shell} completion of {line!r}: exit {r.returncode}: {r.stderr}")
    return sorted({ln.split("\t")[0] for ln in r.stdout.splitlines() if ln})


def test_shells():
    bindir = scratch("shells-bin")
    os.symlink(GWGEN, os.path.join(bindir, "gwgen"))
    for shell in ("zsh", "fish"):
        if not expect(shutil.which(shell), f"{shell} is installed "
                      f"(apt-get install {shell})"):
            continue
        for line, want in SHELL_CASES:
            got = shell_matches(shell, line, bindir)
            # fish also offers files (and matches fuzzily) where a value
            # may be a path: only the words that start as typed count.
            prefix = line.split(" ")[-1]
            got = [g for g in got if g.startswith(prefix) and not
                   os.path.exists(os.path.join(SRC, g.rstrip("/")))]
            expect(got == sorted(want),
                   f"{shell}: {line!r} completes to {got}, want "
                   f"{sorted(want)}")
        # Every shipped profile, for --profile's value.
        got = shell_matches(shell, "gwgen --profile ", bindir)
        expect(set(SHIPPED) <= set(got),
               f"{shell}: --profile offers every shipped profile: {got}")
    r = subprocess.run(["zsh", "-n", os.path.join(SRC, "completion",
                                                  "_gwgen")],
                       capture_output=True, text=True)
    expect(r.returncode == 0, f"zsh -n _gwgen: {r.stderr}")
    r = subprocess.run(["fish", "--no-execute", os.path.join(
        SRC, "completion", "gwgen.fish")], capture_output=True, text=True)
    expect(r.returncode == 0, f"fish --no-execute gwgen.fish: {r.stderr}")


# ---- users ----------------------------------------------------------------

# A stand-in AWS CLI for users.sh: logs each call to $AWS_LOG; describe-stacks
# prints $OUTPUTS=1 ? a policy ARN named after the output key its --query
# asks for : nothing (the AWS CLI's --output=text of an empty query result,
# as for a stack without that output); get-user fails (no such user).
USERS_AWS = r"""#!/bin/bash
printf '%s\n' "$*" >>"$AWS_LOG"
case "$1 $2" in
"cloudformation describe-stacks")
	if ((OUTPUTS)); then
		for a; do
			if [[ $a == --query=* ]]; then
				key=${a#*OutputKey==\'}
				printf 'arn:aws:iam::123456789012:policy/%s\n' "${key%%\'*}"
			fi
		done
	fi ;;
"iam get-user") echo "An error occurred (NoSuchEntity)" >&2; exit 254 ;;
"iam create-user") echo "arn:aws:iam::123456789012:user/$3" ;;
"iam add-user-to-group" | "iam attach-user-policy") ;;
*) echo "stand-in aws: unexpected call: $*" >&2; exit 254 ;;
esac
exit 0
"""


def test_users():
    """Issue 'the bundle works when it runs': users.sh stops, status 1,
    before any change when the stack has no policy outputs (the old
    --policy-arn="$(output X)" went on with an empty ARN and exited 0)."""
    out = scratch("users-out")
    r = subprocess.run([GWGEN, "--profile", os.path.join(SRC, "profiles",
                        "maccoss.yaml"), "-o", out, "-q"],
                       capture_output=True, text=True, timeout=120)
    expect(r.returncode == 0, f"maccoss generates: {r.stderr}")
    tmp = scratch("users-bin")
    put_exec(os.path.join(tmp, "aws"), USERS_AWS)
    log = os.path.join(tmp, "log")
    script = os.path.join(out, "maccoss", "scripts", "users.sh")
    # maccoss.yaml's users and their policies (the same three each).
    users = ["example-user-1", "example-user-2"]
    want = ["NextflowBatchSubmitPolicyArn", "NextflowDiaBucketAccessPolicyArn",
            "NextflowSecretsManagePolicyArn"]
    for outputs in ("0", "1"):
        if os.path.exists(log):
            os.remove(log)
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update({"PATH": tmp + os.pathsep + os.environ["PATH"],
                  "AWS_LOG": log, "OUTPUTS": outputs})
        r = subprocess.run(["bash", script], capture_output=True, text=True,
                           env=e, stdin=subprocess.DEVNULL, timeout=120)
        with open(log, encoding="utf-8") as f:
            calls = f.read().splitlines()
        changes = [c for c in calls if not c.startswith(
            ("cloudformation describe-stacks", "iam get-user"))]
        if outputs == "0":
            expect(r.returncode == 1 and not changes and
                   f"has no output '{want[0]}'" in r.stderr,
                   "users.sh without stack outputs: status 1, no change, "
                   f"an error naming {want[0]}; got {r.returncode}, "
                   f"calls {changes}, stderr {r.stderr!r}")
        else:
            attached = [c for c in calls if c.startswith(
                "iam attach-user-policy")]
            reads = [c for c in calls if c.startswith(
                "cloudformation describe-stacks")]
            expect(len(reads) == len(want),
                   f"users.sh reads each policy output once: {reads}")
            expect(r.returncode == 0 and attached == [
                f"iam attach-user-policy --user-name={u} "
                f"--policy-arn=arn:aws:iam::123456789012:policy/{k}"
                for u in users for k in want],
                f"users.sh with the outputs attaches each policy by its "
                f"ARN: status {r.returncode}, {attached}, {r.stderr!r}")


# ---- runtime --------------------------------------------------------------

# AWS Batch "Automatic remediation with jobStateTimeLimitActions": the
# blocked-job reasons a CANCEL action can name, and the 4-hour example that
# is gwgen's default; Batch API UpdatePolicy: jobExecutionTimeoutMinutes
# 1..7200, gwgen's default the maximum; AWS Batch "Updating compute
# environments": in-place updates need one of these strategies and the
# service-linked role (no ServiceRole).
RUNNABLE_REASONS = {"CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
                    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
                    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"}
RUNNABLE_DEFAULT = 14400
UPDATE_TIMEOUT_DEFAULT = 7200
IN_PLACE_STRATEGIES = {"BEST_FIT_PROGRESSIVE", "SPOT_CAPACITY_OPTIMIZED",
                       "SPOT_PRICE_CAPACITY_OPTIMIZED"}


def cfn_resources(path):
    import yaml

    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)["Resources"]


def comment_before(text, logical):
    """The comment lines right above resource 'logical' in a template."""
    lines = text.splitlines()
    i = lines.index(f"  {logical}:")
    out = []
    while i > 0 and lines[i - 1].lstrip().startswith("#"):
        i -= 1
        out.insert(0, lines[i].strip())
    return " ".join(out)


def test_runtime():
    """Every queue of every shipped profile has its RUNNABLE guard, every
    compute environment's UpdatePolicy timeout is the profile's or 7200, and
    no generated comment claims an in-place update that CE15 denies."""
    import yaml
    pdir = os.path.join(SRC, "profiles")
    names = sorted(f[:-5] for f in os.listdir(pdir)
                   if f.endswith(".yaml") and not f.startswith("_"))
    expect(len(names) >= 5, f"shipped profiles: {names}")
    out = scratch("runtime-out")
    for name in names:
        path = os.path.join(pdir, name + ".yaml")
        with open(path, encoding="utf-8") as f:
            prof = yaml.safe_load(f)
        r = subprocess.run([GWGEN, "--profile", path, "-o", out, "-q"],
                           capture_output=True, text=True, timeout=120)
        if not expect(r.returncode == 0, f"{name} generates: {r.stderr}"):
            continue
        top = os.path.join(out, prof["name"])
        res = cfn_resources(os.path.join(top, "cloudformation.yaml"))
        with open(os.path.join(top, "cloudformation.yaml"),
                  encoding="utf-8") as f:
            text = f.read()
        queues = {q["name"]: q for q in prof.get("job_queues", [])}
        ces = {c["name"]: c for c in prof.get("compute_environments", [])}
        for logical, rsc in res.items():
            props = rsc["Properties"]
            if rsc["Type"] == "AWS::Batch::JobQueue":
                q = queues[props["JobQueueName"]]
                want = q.get("runnable_timeout", RUNNABLE_DEFAULT)
                acts = props.get("JobStateTimeLimitActions", [])
                got = {(a["Action"], a["State"], a["MaxTimeSeconds"],
                        a["Reason"]) for a in acts}
                wanted = {("CANCEL", "RUNNABLE", want, reason)
                          for reason in RUNNABLE_REASONS} if want else set()
                expect(got == wanted and len(acts) == len(wanted),
                       f"{name}: queue {q['name']}: RUNNABLE guard "
                       f"{sorted(got)}, want {sorted(wanted)}")
            if rsc["Type"] != "AWS::Batch::ComputeEnvironment":
                continue
            ce = ces[props["ComputeEnvironmentName"]]
            # docs/profile.md: the strategy defaults to
            # BEST_FIT_PROGRESSIVE on EC2, SPOT_PRICE_CAPACITY_OPTIMIZED on
            # SPOT.
            strategy = ce.get("allocation_strategy", {
                "EC2": "BEST_FIT_PROGRESSIVE",
                "SPOT": "SPOT_PRICE_CAPACITY_OPTIMIZED"}.get(
                    ce.get("type", "EC2")))
            in_place = (strategy in IN_PLACE_STRATEGIES
                        and "service_role" not in ce)
            policy = props.get("UpdatePolicy")
            if in_place:
                expect(props.get("ReplaceComputeEnvironment") is False and
                       policy == {"JobExecutionTimeoutMinutes": ce.get(
                           "update_timeout_minutes", UPDATE_TIMEOUT_DEFAULT),
                           "TerminateJobsOnUpdate": False},
                       f"{name}: compute environment {ce['name']}: "
                       f"UpdatePolicy {policy}")
            else:
                expect(props.get("ReplaceComputeEnvironment") is True and
                       policy is None,
                       f"{name}: compute environment {ce['name']} takes no "
                       f"in-place update, yet UpdatePolicy {policy}")
            # The comment and the verifier: CE15 warns exactly when the
            # comment does not claim an in-place update.
            claims = "is made in place" in comment_before(text, logical)
            v = subprocess.run([GWGEN, "verify", "--profile", path],
                               capture_output=True, text=True, timeout=120)
            denied = any(f"compute environment '{ce['name']}'" in ln and
                         ln.endswith("[CE15]")
                         for ln in v.stderr.splitlines())
            expect(claims == in_place and denied == (not in_place),
                   f"{name}: compute environment {ce['name']}: comment "
                   f"claims in-place update {claims}, CE15 denies it "
                   f"{denied}, AWS's rule says in place {in_place}")


MODES = {
    "users": test_users,
    "runtime": test_runtime,
    "setup": test_setup,
    "shells": test_shells,
    "pre-commit": test_pre_commit,
    "schema": test_schema,
    "init": test_init,
    "online": test_online,
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
