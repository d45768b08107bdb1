#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Injection round trip: hostile profile values stay inert in every output.

usage: run_injection.py GWGEN SCRATCH

Every free-text slot of a profile (descriptions, tags, environment values,
commands, boot commands, ECS agent settings, Nextflow settings, log group
names, ...) gets each of the hostile VALUES below, one slot and value at a
time, through `gwgen check` (which renders everything in memory):

  - a value gwgen refuses must be refused with an error at the value's
    FILE:LINE:COL, exit status 1;
  - the values it accepts go, all at once, into one hostile profile, and
    the same profile with a harmless token in each place ("benign") is
    generated beside it.

Then every generated file of both is parsed by its own reader (YAML with
the CloudFormation tags, JSON, MIME with the cloud-config YAML and the
shell parts, shell by bash itself, Groovy strings of nextflow.config, INI)
and the two trees are walked in parallel: they must have the same files,
keys, list lengths, tags and words, and every hostile string must equal the
benign one with each token replaced by its value (inside !Sub, with '${'
written '${!'). Shell scripts are also split into words by bash, the boot
script's variables are evaluated by bash and compared, and deploy.sh
--dry-run's printed commands are compared word by word. A value that
reaches a shell unquoted would create the marker file: that fails too.
"""

import copy
import email
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "security"))
from check_security import CfnLoader, Tagged  # noqa: E402

# The marker a successful command injection would create (relative to the
# scratch directory; the values reference it by a fixed relative name).
MARK = "pwned"
VALUES = [
    "it's \"quoted\"",
    "line1\nline2",
    "$(touch pwned)",
    "`touch pwned`",
    "${AWS::Region}",
    "!Ref Bucket",
    "# not a comment",
    "---",
    "--==BOUNDARY==",
    "--==GWGEN-USERDATA-BOUNDARY==",
    "--",
    "'",
    "\\",
    "back\\slash\\n",
    "tab\there",
    "unicode é ü 日本 🧬",
    "'; touch pwned; echo '",
    "\"; touch pwned; echo \"",
    "${HOME} $HOME ${!x} $((1+1))",
    "}\nprocess.executor = 'local' // x",
    "[section]\nkey = value",
    ": colon: {a: b}, [c]",
    "- dash",
    "&anchor *alias",
    "*",
    "| > %",
    "a\r\nb",
    " leading and trailing ",
    "@{[`touch pwned`]} %s %n \\x00",
]

BENIGN = "benign-{:02d}"
# gwgen check's status when files differ (here: all missing).
CHECK_STALE = 4
# Stand-in deploy parameters for deploy.sh --dry-run.
DRY_SUBNETS = "subnet-0123456789abcdef0,subnet-0123456789abcdef1"
DRY_GROUPS = "sg-0123456789abcdef0"
DRY_BUCKET = "gwgen-injection-templates"


def base_profile():
    """A complete profile; the slots below are filled in by path."""
    return {
        "name": "inject",
        "description": "injection round trip",
        "region": "us-east-1",
        "engine": "nextflow",
        "tags": {"team": "lab"},
        "bucket": {"name": "gwgen-injection-test-bucket"},
        "policies": [{
            "name": "inject-bucket",
            "description": "bucket access",
            "statements": [{
                "actions": ["s3:GetObject", "s3:PutObject"],
                "resources": ["bucket/*"],
            }],
        }],
        "roles": [
            {"name": "inject-instance", "description": "instance role",
             "trust": ["ec2"], "instance_profile": True,
             "managed": ["service-role/AmazonEC2ContainerServiceforEC2Role"],
             "policies": ["inject-bucket"]},
            {"name": "inject-job", "description": "job role",
             "trust": ["ecs-tasks"], "policies": ["inject-bucket"]},
        ],
        "launch_templates": [{
            "name": "inject-lt",
            "description": "launch template",
            "tags": {"lt": "x"},
            "user_data": {
                "packages": ["jq"],
                "ecs_config": {"ECS_ENABLE_SPOT_INSTANCE_DRAINING": "true"},
                "runcmd": ["echo ready"],
            },
        }],
        "compute_environments": [{
            "name": "inject-ce", "max_vcpus": 16,
            "instance_types": ["c5"],
            "launch_template": "inject-lt",
            "instance_role": "inject-instance",
            "tags": {"Name": "worker"},
        }],
        "job_queues": [{"name": "inject-queue",
                        "compute_environments": ["inject-ce"]}],
        "job_definitions": [{
            "name": "inject-job", "image": "ubuntu:24.04",
            "job_role": "inject-job", "queue": "inject-queue",
            "command": ["echo"],
            "environment": {"MODE": "test"},
            "log_group": "/aws/batch/inject",
        }],
        "log_groups": [{"name": "/aws/batch/inject"}],
        "nextflow": {
            "queue": "inject-queue",
            "work_dir": "work",
            "config_profile": "aws",
            "processes": [{"selector": "withLabel:big", "cpus": 2,
                           "disk": "40 GB"}],
        },
    }


# Slots: (name, path, kind). 'scalar' replaces the value; 'map' adds a
# key with the value; 'list' appends the value; 'key' adds the value as a
# map key (with a harmless value).
SLOTS = [
    ("profile-description", ["description"], "scalar"),
    ("profile-tag-value", ["tags"], "map"),
    ("profile-tag-key", ["tags"], "key"),
    ("policy-description", ["policies", 0, "description"], "scalar"),
    ("role-description", ["roles", 0, "description"], "scalar"),
    ("lt-description", ["launch_templates", 0, "description"], "scalar"),
    ("lt-tag-value", ["launch_templates", 0, "tags"], "map"),
    ("ce-tag-value", ["compute_environments", 0, "tags"], "map"),
    ("packages", ["launch_templates", 0, "user_data", "packages"], "list"),
    ("ecs-config-value", ["launch_templates", 0, "user_data", "ecs_config"],
     "map"),
    ("runcmd", ["launch_templates", 0, "user_data", "runcmd"], "list"),
    ("job-command", ["job_definitions", 0, "command"], "list"),
    ("job-env-value", ["job_definitions", 0, "environment"], "map"),
    ("job-image", ["job_definitions", 0, "image"], "scalar"),
    ("log-group-name", ["log_groups", 0, "name"], "scalar"),
    ("nextflow-work-dir", ["nextflow", "work_dir"], "scalar"),
    ("nextflow-config-profile", ["nextflow", "config_profile"], "scalar"),
    ("nextflow-disk", ["nextflow", "processes", 0, "disk"], "scalar"),
    ("nextflow-selector", ["nextflow", "processes", 0, "selector"],
     "scalar", "withLabel:"),
    ("nextflow-cli-path", ["nextflow", "cli_path"], "scalar",
     "/opt/aws-cli/"),
    ("job-log-group", ["job_definitions", 0, "log_group"], "scalar"),
    ("nextflow-storage-class", ["nextflow", "storage_class"], "scalar"),
]
# Keys made for 'map' slots: KEY_PREFIX + index, valid everywhere.
KEY_PREFIX = "INJ_"


def get(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def place(profile, slot, index, value):
    """Put 'value' into 'slot'; returns the YAML path of the value."""
    path, kind = slot[1], slot[2]
    if kind == "scalar":
        parent = get(profile, path[:-1])
        parent[path[-1]] = (slot[3] if len(slot) > 3 else "") + value
        return path
    target = get(profile, path)
    if kind == "map":
        key = f"{KEY_PREFIX}{index:02d}"
        target[key] = value
        return path + [key]
    if kind == "key":
        target[value] = "v"
        return path + [("key", value)]
    target.append(value)
    return path + [len(target) - 1]


def dump(profile, path):
    text = yaml.safe_dump(profile, allow_unicode=True, sort_keys=False,
                          width=1 << 20)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return text


def line_col_of(text, ypath):
    """1-based line and column of the node at 'ypath' in 'text'."""
    node = yaml.compose(text)
    for p in ypath:
        if isinstance(p, tuple):
            for k, _ in node.value:
                if k.value == p[1]:
                    node = k
                    break
            continue
        if isinstance(node, yaml.MappingNode):
            node = next(v for k, v in node.value if k.value == p)
        else:
            node = node.value[p]
    return node.start_mark.line + 1, node.start_mark.column + 1


class Injection:
    def __init__(self, gwgen, scratch):
        self.gwgen = os.path.abspath(gwgen)
        self.scratch = os.path.abspath(scratch)
        self.failures = []
        self.tokens = {}  # benign token -> hostile value
        self.renames = {}  # benign logical ID -> hostile logical ID

    def fail(self, msg):
        self.failures.append(msg)

    def run(self, *args):
        env = dict(os.environ, NO_COLOR="1")
        env.pop("GWGEN_PROFILE_PATH", None)
        return subprocess.run([self.gwgen] + list(args), cwd=self.scratch,
                              env=env, capture_output=True, text=True)

    def classify(self):
        """One `gwgen verify` per slot and value; returns accepted pairs."""
        accepted = []
        refused = 0
        probe = os.path.join(self.scratch, "probe.yaml")
        for slot in SLOTS:
            for i, v in enumerate(VALUES):
                prof = base_profile()
                ypath = place(prof, slot, i, v)
                text = dump(prof, probe)
                # Render, not just verify: some checks live in the views
                # (e.g. the Nextflow selector). 'check' against a missing
                # directory renders everything in memory and writes
                # nothing: status 4 (all files missing) means accepted.
                r = self.run("check", "-p", "probe.yaml", "-o",
                             "no-such-dir")
                if r.returncode == CHECK_STALE:
                    accepted.append((slot, i, v))
                    continue
                refused += 1
                lines = [line_col_of(text, ypath[:k])[0]
                         for k in range(1, len(ypath) + 1)]
                line, col = line_col_of(text, ypath)
                # At the value, or at an enclosing key (e.g. a user data
                # problem is reported at its launch template).
                want = re.compile(r"(^|\n)probe\.yaml:(%s):\d+: error: "
                                  % "|".join(map(str, lines)))
                if r.returncode != 1 or not want.search(r.stderr):
                    self.fail(f"{slot[0]} = {v!r}: refused without an "
                              f"error at probe.yaml:{line}:{col} (status "
                              f"{r.returncode}):\n{r.stderr}")
        print(f"{len(accepted)} slot/value pairs accepted, {refused} "
              "refused with an error at the value")
        return accepted

    def generate(self, name, profile):
        path = os.path.join(self.scratch, name + ".yaml")
        dump(profile, path)
        out = os.path.join(self.scratch, "out-" + name)
        if os.path.exists(out):
            shutil.rmtree(out)
        r = self.run("-p", name + ".yaml", "-o", out)
        if r.returncode != 0:
            self.fail(f"generating {name} failed:\n{r.stderr}")
            return None
        return os.path.join(out, profile["name"])

    # --- parallel comparison ---

    def expect(self, benign, sub=False):
        out = benign
        for old, new in self.renames.items():
            out = re.sub(r"\b%s\b" % re.escape(old), new, out)
        for tok, v in self.tokens.items():
            if tok in out:
                out = out.replace(tok, v.replace("${", "${!") if sub else v)
        return out

    def walk(self, where, b, h, sub=False):
        if isinstance(b, Tagged):
            if not isinstance(h, Tagged) or b.tag != h.tag:
                self.fail(f"{where}: {b!r} became {h!r}")
                return
            self.walk(where + b.tag, b.value, h.value,
                      sub or b.tag == "!Sub")
        elif isinstance(b, dict):
            if not isinstance(h, dict):
                self.fail(f"{where}: a mapping became {type(h).__name__}")
                return
            bk = {self.expect(k) if isinstance(k, str) else k: k for k in b}
            if set(bk) != set(h) and len(bk) == len(h) and all(
                    re.fullmatch(r"[A-Za-z0-9]+", str(k))
                    for k in list(bk) + list(h)):
                # CloudFormation logical IDs are derived from names
                # (e.g. a log group's): pair them in order instead.
                bk = dict(zip(h, b))
                for hk, bk0 in bk.items():
                    if hk != bk0:
                        self.renames[bk0] = hk
            if set(bk) != set(h):
                self.fail(f"{where}: keys differ: "
                          f"{sorted(map(str, set(bk) ^ set(h)))[:6]}")
                return
            for k, orig in bk.items():
                self.walk(f"{where}.{k}", b[orig], h[k], sub)
        elif isinstance(b, list):
            if not isinstance(h, list) or len(b) != len(h):
                self.fail(f"{where}: list of {len(b)} became "
                          f"{len(h) if isinstance(h, list) else h!r}")
                return
            for n, (x, y) in enumerate(zip(b, h)):
                self.walk(f"{where}[{n}]", x, y, sub)
        elif isinstance(b, str) and b.startswith("MIME-Version:"):
            # User data inside the template: compared as MIME.
            if not isinstance(h, str):
                self.fail(f"{where}: user data became {h!r}")
            else:
                self.compare_mime(where, b, h)
        elif isinstance(b, str):
            want = self.expect(b, sub)
            if h != want:
                self.fail(f"{where}: expected {want!r}, got {h!r}")
        elif b != h:
            self.fail(f"{where}: {b!r} became {h!r}")

    def shell_words(self, text):
        """The script's words as bash splits them (no expansion is run)."""
        r = subprocess.run(["bash", "-n"], input=text, capture_output=True,
                           text=True)
        if r.returncode != 0:
            return None, r.stderr
        try:
            return shlex.split(text, comments=True), None
        except ValueError as e:
            return None, str(e)

    def compare_shell(self, where, b, h):
        bw, be = self.shell_words(b)
        hw, he = self.shell_words(h)
        if hw is None:
            self.fail(f"{where}: not valid shell: {he}")
            return
        if bw is None:
            return
        self.walk(where + " (words)", bw, hw)

    def compare_groovy(self, where, b, h):
        self.walk(where, groovy_tokens(b), groovy_tokens(h))

    def compare_mime(self, where, b, h):
        mb, mh = email.message_from_string(b), email.message_from_string(h)
        pb, ph = list(mb.walk()), list(mh.walk())
        if [p.get_content_type() for p in pb] != \
                [p.get_content_type() for p in ph]:
            self.fail(f"{where}: MIME parts differ: "
                      f"{[p.get_content_type() for p in ph]}")
            return
        if mb.get_boundary() != mh.get_boundary():
            self.fail(f"{where}: boundary changed")
        for n, (x, y) in enumerate(zip(pb, ph)):
            if x.is_multipart():
                continue
            tb = x.get_payload(decode=True).decode()
            th = y.get_payload(decode=True).decode()
            ct = x.get_content_type()
            w = f"{where}[part {n} {ct}]"
            if ct == "text/cloud-config":
                self.walk(w, yaml.safe_load(tb), yaml.safe_load(th))
            elif ct in ("text/x-shellscript", "text/cloud-boothook"):
                self.compare_shell(w, tb, th)
                self.compare_boot_values(w, tb, th)

    def compare_boot_values(self, where, b, h):
        """Evaluate the boot script's value block with bash; compare."""
        def values(text):
            m = re.search(r"\n# The profile's values[^\n]*\n(.*?)\n\n",
                          text, re.S)
            if not m:
                return None
            block = m.group(1)
            names = re.findall(r"^(?:readonly|export) (\w+)=", block, re.M)
            script = block + "\n" + "".join(
                f"printf '%s\\0' {n} \"${{{n}[@]}}\"; printf '\\1\\0'\n"
                for n in names)
            r = subprocess.run(["bash", "-c", script], cwd=self.scratch,
                               capture_output=True)
            return r.stdout.decode().split("\0") if r.returncode == 0 \
                else ["failed: " + r.stderr.decode()]
        vb, vh = values(b), values(h)
        if vb is None:
            return
        self.walk(where + " (boot values)", vb, vh)

    def compare_dry_run(self, where, bdir, hdir):
        def dry(top):
            # deploy.sh reads OUT_DIR.env, beside its output directory.
            env_file = os.path.normpath(top) + ".env"
            shutil.copy(os.path.join(top, "deploy.env.example"), env_file)
            r = subprocess.run(["bash", os.path.join(top, "scripts",
                                                     "deploy.sh"),
                                "--dry-run", "--subnets", DRY_SUBNETS,
                                "--security-groups", DRY_GROUPS,
                                "--s3-bucket", DRY_BUCKET],
                               cwd=self.scratch, capture_output=True,
                               text=True)
            os.unlink(env_file)
            return r
        rb, rh = dry(bdir), dry(hdir)
        if rb.returncode != 0:
            self.fail(f"{where}: benign deploy.sh --dry-run failed: "
                      f"{rb.stderr}")
        if rb.returncode != rh.returncode:
            self.fail(f"{where}: deploy.sh --dry-run status "
                      f"{rb.returncode} became {rh.returncode}: "
                      f"{rh.stderr}")
            return
        self.walk(where + " --dry-run",
                  [w.replace(bdir, "OUT") for w in
                   self.printed_words(rb.stdout)],
                  [w.replace(hdir, "OUT") for w in
                   self.printed_words(rh.stdout)])

    def printed_words(self, commands):
        """Run the printed commands with 'aws' as a function that prints
        its arguments: bash itself says what each word is."""
        script = ("aws() { printf '%s\\0' \"$@\"; printf '\\1\\0'; }\n"
                  + commands)
        r = subprocess.run(["bash", "-c", script], cwd=self.scratch,
                           capture_output=True)
        if r.returncode != 0:
            return ["failed: " + r.stderr.decode()]
        return r.stdout.decode().split("\0")

    def compare_trees(self, bdir, hdir):
        fb = sorted(rel_files(bdir))
        fh = sorted(rel_files(hdir))
        if [self.expect(f) for f in fb] != fh:
            self.fail(f"the set of files differs: {set(fb) ^ set(fh)}")
            return
        for rel in fb:
            # newline="": a CR in a value must reach the parsers as is.
            with open(os.path.join(bdir, rel), encoding="utf-8",
                      newline="") as f:
                b = f.read()
            with open(os.path.join(hdir, self.expect(rel)),
                      encoding="utf-8", newline="") as f:
                h = f.read()
            try:
                self.compare_file(rel, b, h)
            except Exception as e:  # a parser refused the hostile file
                self.fail(f"{rel}: cannot be parsed: "
                          f"{type(e).__name__}: {e}")
        self.compare_dry_run("scripts/deploy.sh", bdir, hdir)

    def compare_file(self, rel, b, h):
        if rel.endswith(".yaml") and "cloudformation" in rel:
            self.walk(rel, yaml.load(b, Loader=CfnLoader),
                      yaml.load(h, Loader=CfnLoader))
        elif rel.endswith(".json"):
            self.walk(rel, json.loads(b), json.loads(h))
        elif rel.endswith(".mime"):
            self.compare_mime(rel, b, h)
        elif rel.endswith(".sh") or rel.endswith(".env.example"):
            self.compare_shell(rel, b, h)
        elif rel.endswith("nextflow.config"):
            self.compare_groovy(rel, b, h)
        elif rel.endswith("nextstrain.config"):
            self.walk(rel, ini(b), ini(h))
        elif rel.endswith(".md"):
            # Markdown is documentation; only the line count is
            # structure (a value must not add lines or a fence).
            if b.count("\n") != h.count("\n") or \
                    b.count("```") != h.count("```"):
                diff = [(x, y) for x, y in zip(b.split("\n"),
                                               h.split("\n")) if x != y]
                self.fail(f"{rel}: lines or code fences changed, "
                          f"first at {diff[:1]}")


def rel_files(top):
    for dirpath, _, files in os.walk(top):
        for fn in files:
            yield os.path.relpath(os.path.join(dirpath, fn), top)


def ini(text):
    import configparser
    cp = configparser.ConfigParser(interpolation=None)
    cp.read_string(text)
    return {s: dict(cp[s]) for s in cp.sections()}


GROOVY_TOKEN = re.compile(r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<sq>'(?:[^'\\\n]|\\.)*')
  | (?P<dq>"(?:[^"\\\n]|\\.)*")
  | (?P<ws>\s+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.:]*|[0-9][0-9.]*(?:\.[A-Za-z]+)?)
  | (?P<punct>[{}()=,\[\]:.+\-*/<>!?&|])
  | (?P<bad>.)
""", re.S | re.X)
GROOVY_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f",
                  "'": "'", '"': '"', "\\": "\\", "$": "$", "0": "\0"}


def groovy_unquote(s):
    body = s[1:-1]
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n == "u" and i + 5 < len(body):
                out.append(chr(int(body[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append(GROOVY_ESCAPES.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def groovy_tokens(text):
    """nextflow.config as (kind, value) tokens; strings unescaped.

    Comments are kept as one token each, so a value that ends a comment
    or a string early shows up as different tokens. A double-quoted
    string with '$' interpolates in Groovy: it is reported as such.
    """
    toks = []
    for m in GROOVY_TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ws":
            continue
        s = m.group()
        if kind == "comment":
            # Comments only have to stay comments (one token each).
            toks.append(["comment", "//" if s.startswith("//") else "/*"])
        elif kind == "sq":
            toks.append(["str", groovy_unquote(s)])
        elif kind == "dq":
            toks.append(["gstring" if "$" in s else "str",
                         groovy_unquote(s)])
        else:
            toks.append([kind, s])
    return toks


# Self-test: each corruption turns an escaped quote of a hostile output
# back into a raw one, as a broken escaper would; the comparison must then
# fail. (file name suffix, escaped text, raw text)
CORRUPTIONS = [
    (".sh", "'\\''", "'"),
    ("cloudformation.yaml", '\\"', '"'),
    ("client/nextflow.config", "\\'", "'"),
    (".mime", "'\\''", "'"),
    ("iam/inject-bucket.json", "bucket", "bucket\\\"}"),
]


# Corruptions that must find their escape somewhere in the output.
SELF_TEST_MIN = 3


def self_test(inj, pairs):
    """Every corruption must be caught by compare_trees."""
    applied = 0
    for suffix, escaped, raw in CORRUPTIONS:
        done = False
        for bdir, hdir, tokens in pairs:
            rels = [r for r in rel_files(hdir) if r.endswith(suffix)]
            for rel in rels:
                with open(os.path.join(hdir, rel), encoding="utf-8",
                          newline="") as f:
                    text = f.read()
                if escaped not in text:
                    continue
                bad = hdir + "-corrupt"
                if os.path.exists(bad):
                    shutil.rmtree(bad)
                shutil.copytree(hdir, bad)
                with open(os.path.join(bad, rel), "w", encoding="utf-8",
                          newline="") as f:
                    # The last occurrence: the first may be in a comment.
                    f.write(raw.join(text.rsplit(escaped, 1)))
                inj.tokens, inj.renames = tokens, {}
                before = len(inj.failures)
                inj.compare_trees(bdir, bad)
                caught = len(inj.failures) > before
                del inj.failures[before:]
                shutil.rmtree(bad)
                if not caught:
                    inj.fail(f"self-test: {escaped!r} -> {raw!r} in {rel} "
                             "went unnoticed")
                done = True
                break
            if done:
                break
        if done:
            applied += 1
        else:
            # The verifier may refuse every value that needs this
            # escape (e.g. quotes in tags, which reach deploy.sh).
            print(f"self-test: no {suffix} holds {escaped!r}: skipped")
    print(f"self-test: {applied} of {len(CORRUPTIONS)} corruptions of the "
          "output applied, each caught")
    if applied < SELF_TEST_MIN:
        inj.fail(f"self-test: only {applied} corruptions applied")


def main(argv):
    if len(argv) != 3:
        print("usage: run_injection.py GWGEN SCRATCH", file=sys.stderr)
        return 2
    inj = Injection(argv[1], argv[2])
    if os.path.exists(inj.scratch):
        shutil.rmtree(inj.scratch)
    os.makedirs(inj.scratch)
    accepted = inj.classify()

    # Map, list and key slots: one generation per slot with all of its
    # accepted values (a slot per run keeps within AWS's 50 tags).
    # Scalar slots: one generation per value index, with every scalar slot
    # that accepted that value (a scalar holds one value).
    groups = {}
    for s, i, v in accepted:
        key = ("scalar", i) if s[2] == "scalar" else ("slot", s[0])
        groups.setdefault(key, []).append((s, i, v))
    runs = []
    for key in sorted(groups, key=str):
        h, b = base_profile(), base_profile()
        tokens = {}
        for n, (s, i, v) in enumerate(groups[key]):
            # One token per value, so values that are equal in the
            # hostile profile (e.g. a log group and its reference) are
            # equal in the benign one too.
            tok = BENIGN.format(i)
            place(h, s, n, v)
            place(b, s, n, tok)
            tokens[tok] = v
        runs.append((h, b, tokens))

    pairs = []
    for n, (h, b, tokens) in enumerate(runs):
        inj.tokens = tokens
        inj.renames = {}
        hdir = inj.generate(f"hostile-{n}", h)
        bdir = inj.generate(f"benign-{n}", b)
        if hdir and bdir:
            inj.compare_trees(bdir, hdir)
            pairs.append((bdir, hdir, tokens))
    if os.path.exists(os.path.join(inj.scratch, MARK)):
        inj.fail("a value was executed: the marker file exists")
    self_test(inj, pairs)
    # (The self-test's broken quoting may well run 'touch pwned': that
    # is why the marker is checked before it.)
    for f in inj.failures:
        print("FAIL " + f)
    print(f"{len(runs)} generations compared, {len(inj.failures)} failures")
    return 1 if inj.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
