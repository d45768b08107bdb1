#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Suite 'pr': what gwgen offers pull-request review, tested end to end.

One mode per meson test (the first argument):

  check       'gwgen check --all' finds nothing in a freshly generated tree;
              after a file is changed, one deleted, one added and one loses
              its executable bit it exits 4 naming exactly those four files,
              writes nothing, prints annotations with --format github, and
              --diff prints a unified diff that 'patch -p1' applies to make
              the tree fresh again (except the mode, which a diff cannot
              carry); with an absolute -o the headers keep a/ and b/ and
              'patch -p1 -d /' applies them.
  extends     tests/pr/profiles/lab.yaml extends base.yaml: maps merge,
              lists replace, scalars replace; a warning and an error caused
              by values in the base point at the base file's line and column;
              the summary names profiles/base.yaml, the same from any working
              directory.
  summary     out/NAME/README.md of every shipped profile lists every
              resource of its template, has the Mermaid diagram, every
              warning 'gwgen verify' reports (relative location, no absolute
              path), the parameters, and the deploy and teardown commands.
  color       --color always/never/auto, NO_COLOR, a terminal and a pipe.
  verbose     generate ends with one line (files, written, up to date,
              warnings), none with -q; -v names each file written, each
              file checked, each profile verified.
  completion  completion/gwgen.bash: commands, options, option values and
              profile names (from 'gwgen list', and without a gwgen to run),
              never a base profile (_NAME.yaml).
  install     'meson install --destdir' puts the binary, the profiles, both
              man pages and the completion where README.md says.
  man         both man pages format without groff warnings and name every
              profile key of docs/profile.md and every command.
  workflow    docs/examples/github-actions.yml is valid YAML that builds
              gwgen, runs 'gwgen check --all' and the github-format verifier.
  deploy-env  issue 20: the deploy workflow of README.md and of the
              generated README.md (copy deploy.env.example, fill it in,
              deploy.sh --dry-run) survives 'gwgen --profile NAME' and
              'gwgen --all'; a file of the user's in out/NAME/ stops
              gwgen (status 3, named, nothing deleted).

Expected values come from the issue, gwgen(1) and docs/profile.md; files
and lines are found by their text, never copied from gwgen's output.

Environment (set by meson): GWGEN, GWGEN_SOURCE_ROOT, GWGEN_SCRATCH (a
directory under the build tree, the only place the tests write), and for
'install' MESON, GWGEN_BUILD_ROOT, GWGEN_PREFIX, GWGEN_BINDIR,
GWGEN_DATADIR, GWGEN_MANDIR.
"""

import json
import os
import pty
import re
import shutil
import stat
import subprocess
import sys

# Exit statuses, from gwgen(1).
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_IO = 3
EXIT_STALE = 4

SHIPPED = ["cromwell", "gwfcore", "maccoss", "miniwdl", "nextstrain",
           "salmon", "snakemake", "workshop"]
ESC = "\x1b["

failures = []


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"run_pr: {name} is not set (run through meson test)")
    return value


GWGEN = env("GWGEN")
SRC = env("GWGEN_SOURCE_ROOT")
PR_DIR = os.path.join(SRC, "tests", "pr")


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


def gwgen(args, cwd, extra_env=None, stdin=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.pop("GWGEN_PROFILE_PATH", None)
    e.update(extra_env or {})
    return subprocess.run([GWGEN] + args, cwd=cwd, env=e,
                          capture_output=True, text=True, stdin=stdin)


def snapshot(top):
    """{relative path: (mode, bytes)} of every file under 'top'."""
    tree = {}
    for root, _, files in os.walk(top):
        for name in files:
            path = os.path.join(root, name)
            st = os.lstat(path)
            with open(path, "rb") as f:
                tree[os.path.relpath(path, top)] = (st.st_mode, f.read())
    return tree


def error_files(stderr):
    """The FILE of each 'FILE: error: ...' line without a line number."""
    return sorted(m.group(1) for m in
                  re.finditer(r"^(\S+): error: ", stderr, re.M))


def line_col(path, pattern):
    """1-based line and column of the value after 'pattern' in 'path'."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            i = line.find(pattern)
            if i >= 0:
                return n, i + len(pattern) + 1
    sys.exit(f"run_pr: '{pattern}' not in {path}")


# ---- check ----------------------------------------------------------------

def test_check():
    work = scratch("check")
    profiles = os.path.join(SRC, "profiles")
    r = gwgen(["--all", profiles, "-o", "out"], work)
    expect(r.returncode == EXIT_OK, f"generate: {r.returncode} {r.stderr}")

    r = gwgen(["check", "--all", profiles, "-o", "out"], work)
    expect(r.returncode == EXIT_OK, f"fresh tree: status {r.returncode}")
    expect(r.stdout == "", "fresh tree: check prints nothing on stdout")
    expect(" error: " not in r.stderr, "fresh tree: no errors")

    with open(os.path.join(work, "out/maccoss/README.md"), "a") as f:
        f.write("edited by hand\n")
    os.unlink(os.path.join(work, "out/salmon/iam/bucket-policy.json"))
    with open(os.path.join(work, "out/workshop/notes.txt"), "w") as f:
        f.write("not generated\n")
    deploy = os.path.join(work, "out/gwfcore/scripts/deploy.sh")
    os.chmod(deploy, 0o644)
    before = snapshot(work)
    want = sorted(["out/gwfcore/scripts/deploy.sh", "out/maccoss/README.md",
                   "out/salmon/iam/bucket-policy.json",
                   "out/workshop/notes.txt"])

    r = gwgen(["check", "--all", profiles, "-o", "out"], work)
    expect(r.returncode == EXIT_STALE, f"stale tree: status {r.returncode}, "
           "want 4")
    expect(error_files(r.stderr) == want,
           f"stale tree names {error_files(r.stderr)}, want {want}")
    for path, word in zip(want, ["stale", "stale", "missing", "extra"]):
        expect(re.search(rf"^{re.escape(path)}: error: {word}\b", r.stderr,
                         re.M), f"'{path}' reported as {word}")
    expect(r.stdout == "", "no --diff: nothing on stdout")
    expect(snapshot(work) == before, "check wrote nothing")

    # One profile at a time: only its own files.
    r = gwgen(["check", "--profile", os.path.join(profiles, "maccoss.yaml"),
               "-o", "out"], work)
    expect(r.returncode == EXIT_STALE and
           error_files(r.stderr) == ["out/maccoss/README.md"],
           f"check --profile maccoss: {r.returncode} {error_files(r.stderr)}")
    r = gwgen(["check", "--profile", os.path.join(profiles, "nextstrain.yaml"),
               "-o", "out"], work)
    expect(r.returncode == EXIT_OK, "check --profile nextstrain: fresh")

    r = gwgen(["--check", "--all", profiles, "-o", "out", "--format",
               "github"], work)
    expect(r.returncode == EXIT_STALE, "--check --format github: status 4")
    for path in want:
        expect(f"::error file={path}::" in r.stderr,
               f"github annotation for {path}")

    r = gwgen(["check", "--all", profiles, "-o", "out", "--diff"], work)
    expect(r.returncode == EXIT_STALE, "--diff: status 4")
    out = r.stdout
    expect("--- a/out/maccoss/README.md\n+++ b/out/maccoss/README.md\n"
           in out and "\n-edited by hand\n" in out,
           "--diff: the edited README, from disk (a/) to generated (b/)")
    expect("--- /dev/null\n+++ b/out/salmon/iam/bucket-policy.json\n" in out,
           "--diff: the missing file as a creation")
    expect("--- a/out/workshop/notes.txt\n+++ /dev/null\n" in out,
           "--diff: the extra file as a deletion")
    expect(re.search(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@", out, re.M),
           "--diff: unified hunk headers")
    p = subprocess.run(["patch", "-p1", "--batch", "--silent"], cwd=work,
                       input=out, capture_output=True, text=True)
    expect(p.returncode == 0, f"patch -p1 applies the diff: {p.stderr}")
    r = gwgen(["check", "--all", profiles, "-o", "out"], work)
    expect(error_files(r.stderr) == ["out/gwfcore/scripts/deploy.sh"],
           f"after patch only the mode differs: {error_files(r.stderr)}")
    os.chmod(deploy, 0o755)
    r = gwgen(["check", "--all", profiles, "-o", "out"], work)
    expect(r.returncode == EXIT_OK, "after patch and chmod: fresh")

    # An absolute -o: the same a/ and b/ headers, the path without its
    # leading '/' (as 'git diff --no-index' shows it), and 'patch -p1 -d /'
    # applies the diff.
    absout = os.path.join(work, "abs")
    r = gwgen(["--profile", os.path.join(profiles, "maccoss.yaml"), "-o",
               absout], work)
    expect(r.returncode == EXIT_OK, f"absolute -o: generate {r.stderr}")
    readme = os.path.join(absout, "maccoss", "README.md")
    with open(readme, "a") as f:
        f.write("edited by hand\n")
    r = gwgen(["check", "--diff", "--profile",
               os.path.join(profiles, "maccoss.yaml"), "-o", absout], work)
    shown = readme.lstrip("/")
    expect(r.returncode == EXIT_STALE and
           f"--- a/{shown}\n+++ b/{shown}\n" in r.stdout,
           f"absolute -o: a/ and b/ headers: {r.stdout[:200]!r}")
    expect(not re.search(r"^(---|\+\+\+) /(?!dev/null)", r.stdout, re.M),
           "absolute -o: no header without its prefix")
    p = subprocess.run(["patch", "-p1", "-d", "/", "--batch", "--silent"],
                       input=r.stdout, capture_output=True, text=True)
    expect(p.returncode == 0, f"patch -p1 -d / applies it: {p.stderr}")
    r = gwgen(["check", "--profile", os.path.join(profiles, "maccoss.yaml"),
               "-o", absout], work)
    expect(r.returncode == EXIT_OK, "absolute -o: fresh after patch")

    # A missing output directory: every file is missing.
    r = gwgen(["check", "--profile", os.path.join(profiles, "salmon.yaml"),
               "-o", "nowhere"], work)
    expect(r.returncode == EXIT_STALE and
           "nowhere/salmon/README.md: error: missing" in r.stderr,
           f"no output yet: status {r.returncode}")


# ---- extends --------------------------------------------------------------

def diags_json(args, cwd):
    r = gwgen(args + ["--format", "json"], cwd)
    return r.returncode, json.loads(r.stderr)["diagnostics"]


def test_extends():
    base = os.path.join(PR_DIR, "profiles", "base.yaml")
    warm = line_col(base, "min_vcpus: ")
    queue = line_col(base, "  queue: ")

    status, diags = diags_json(["verify", "--profile", "lab"], PR_DIR)
    expect(status == EXIT_OK, f"lab verifies: status {status}")
    ce9 = [d for d in diags if d.get("rule") == "CE9"]
    expect(len(ce9) == 1 and ce9[0]["file"] == "profiles/base.yaml" and
           (ce9[0]["line"], ce9[0]["column"]) == warm,
           f"CE9 from the base's min_vcpus at base.yaml:{warm}: {ce9}")

    status, diags = diags_json(["verify", "--profile", "lab-queue"], PR_DIR)
    expect(status == EXIT_INVALID, f"lab-queue is invalid: status {status}")
    errs = [d for d in diags if d["severity"] == "error"]
    expect(len(errs) == 1 and errs[0]["file"] == "profiles/base.yaml" and
           (errs[0]["line"], errs[0]["column"]) == queue and
           "pr-queue" in errs[0]["message"],
           f"the base's nextflow.queue error at base.yaml:{queue}: {errs}")
    # The same in text, through two levels of extends.
    r = gwgen(["verify", "--profile", "profiles/lab-queue.yaml"], PR_DIR)
    expect(f"profiles/base.yaml:{queue[0]}:{queue[1]}: error: " in r.stderr,
           "text diagnostic points into base.yaml")

    # Shape errors inside a parent are the parent's; a cycle is reported
    # at the 'extends' value that closes it.
    tmp = scratch("extends-errors")
    os.makedirs(os.path.join(tmp, "profiles"))
    for name, text in [("broken-base", "name: b\ndescription: b\nregin: x\n"),
                       ("kid", "extends: broken-base\nname: kid\n"),
                       ("one", "extends: two\nname: one\n"),
                       ("two", "extends: one.yaml\nname: two\n")]:
        with open(os.path.join(tmp, "profiles", name + ".yaml"), "w") as f:
            f.write(text)
    r = gwgen(["verify", "--profile", "kid"], tmp)
    expect(r.returncode == EXIT_INVALID and
           "profiles/broken-base.yaml:3:1: error: unknown key 'regin'"
           in r.stderr, f"an unknown key in the parent: {r.stderr}")
    r = gwgen(["verify", "--profile", "one"], tmp)
    expect(r.returncode == EXIT_INVALID and
           re.search(r"^profiles/two\.yaml:1:10: error: .*cycle", r.stderr,
                     re.M), f"an extends cycle: {r.stderr}")

    out = scratch("extends")
    r = gwgen(["--profile", "lab", "-o", out], PR_DIR)
    expect(r.returncode == EXIT_OK, f"lab generates: {r.stderr}")
    with open(os.path.join(out, "lab", "README.md"), encoding="utf-8") as f:
        readme = f.read()
    with open(os.path.join(out, "lab", "cloudformation.yaml"),
              encoding="utf-8") as f:
        cfn = f.read()
    # Maps merge: the lab's bucket name, the base's expiry.
    expect("| `AWS::S3::Bucket` | `example-gwgen-pr-lab` |" in readme and
           "objects expire after 30 days" in readme,
           "bucket: the lab's name, the base's expire_days")
    # Tags merge key by key, the lab's value winning.
    for key, value in [("project", "gwgen-pr"), ("owner", "lab-team"),
                       ("cost-center", "lab-42")]:
        expect(f'- Key: "{key}"\n          Value: "{value}"' in cfn,
               f"tag {key}={value}")
    expect("base-team" not in cfn, "the base's owner tag is overridden")
    # Lists replace: only the lab's queue, with the lab's priority.
    expect("| `AWS::Batch::JobQueue` | `pr-queue` | priority 10," in readme,
           "the lab's queue")
    expect("pr-queue-low" not in readme and "pr-queue-low" not in cfn,
           "the base's queue list is replaced, not merged")
    expect("| `AWS::Batch::ComputeEnvironment` | `pr-ondemand` |" in readme,
           "the base's compute environment is inherited")
    # The summary locates the base's warning relative to the project.
    line = f"- `profiles/base.yaml:{warm[0]}:{warm[1]}: "
    expect(line in readme and "[CE9]`" in readme,
           "summary warning points at profiles/base.yaml")
    expect(SRC not in readme and out not in readme,
           "no absolute path in the summary")
    # Any working directory, an absolute path: the same summary.
    other = scratch("extends-abs")
    r = gwgen(["--profile", os.path.join(PR_DIR, "profiles", "lab.yaml"),
               "-o", "."], other)
    with open(os.path.join(other, "lab", "README.md"), encoding="utf-8") as f:
        expect(f.read() == readme, "summary independent of the working "
               "directory and of how the profile was named")


# ---- summary --------------------------------------------------------------

def test_summary():
    out = scratch("summary")
    for name in SHIPPED:
        r = gwgen(["--profile", name, "-o", out], SRC)
        if not expect(r.returncode == EXIT_OK, f"{name}: generates"):
            continue
        top = os.path.join(out, name)
        with open(os.path.join(top, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        with open(os.path.join(top, "cloudformation.yaml"),
                  encoding="utf-8") as f:
            cfn = f.read()
        # Every resource of the template is a row of the table.
        body = cfn.split("\nResources:\n", 1)[-1]
        body = re.split(r"^\S", body, maxsplit=1, flags=re.M)[0]
        resources = sorted(re.findall(r"^  \w+:\n    Type: (AWS::[\w:]+)$",
                                      body, re.M))
        rows = sorted(re.findall(r"^\| `(AWS::[\w:]+)` \|", readme, re.M))
        expect(resources and rows == resources,
               f"{name}: table rows {rows} == template resources "
               f"{resources}")
        for section in ["## What will be created", "```mermaid\nflowchart",
                        "## Parameters you supply", "## Deploy",
                        "## Teardown"]:
            expect(section in readme, f"{name}: has '{section}'")
        expect(f"out/{name}/scripts/deploy.sh\n" in readme and
               f"out/{name}/scripts/teardown.sh\n" in readme,
               f"{name}: exact deploy and teardown commands")
        # Every parameter of the template is listed.
        params = re.search(r"^Parameters:\n((?:  .*\n|\n)*)", cfn, re.M)
        for p in re.findall(r"^  (\w+):$", params.group(1) if params else "",
                            re.M):
            expect(f"| `{p}`" in readme, f"{name}: parameter {p} listed")
        # Queues, compute environments, launch templates, roles, the bucket
        # and log groups are nodes of the diagram.
        diagram = readme.split("```mermaid", 1)[-1].split("```", 1)[0]
        for kind in ["job queue", "compute environment", "role", "bucket"]:
            expect(f'["{kind} ' in diagram, f"{name}: diagram has a {kind}")
        # The verifier's warnings, located relative to the project.
        status, diags = diags_json(["verify", "--profile", name], SRC)
        warnings = [d for d in diags if d["severity"] == "warning"]
        for w in warnings:
            text = (f"- `profiles/{name}.yaml:{w['line']}:{w['column']}: "
                    f"{w['message']} [{w['rule']}]`")
            expect(text in readme, f"{name}: warning listed: {text}")
        expect(("## Verifier warnings" in readme) == bool(warnings),
               f"{name}: warnings section exactly when there are warnings")
        expect(SRC not in readme and out not in readme and
               not re.search(r"`/[^`]*\.yaml:\d", readme),
               f"{name}: no absolute path")


# ---- color ----------------------------------------------------------------

def run_on_tty(args, extra_env):
    """Run gwgen with standard error on a pseudo-terminal; return it."""
    master, slave = pty.openpty()
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(extra_env)
    p = subprocess.Popen([GWGEN] + args, cwd=SRC, env=e, stdout=slave,
                         stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    p.wait()
    os.close(master)
    return data.decode("utf-8", "replace")


def test_color():
    # A profile with a warning (CE9): the shipped ones have none.
    args = ["verify", "--profile", "tests/pr/profiles/lab.yaml"]
    r = gwgen(args + ["--color", "always"], SRC)
    expect(ESC in r.stderr, "--color always colours a pipe")
    expect(re.search(r"\x1b\[[0-9;]*mwarning:", r.stderr),
           "the severity is coloured")
    r = gwgen(args + ["--color", "always"], SRC, {"NO_COLOR": "1"})
    expect(ESC in r.stderr, "--color always wins over NO_COLOR")
    for extra in [[], ["--color", "auto"], ["--color", "never"]]:
        r = gwgen(args + extra, SRC)
        expect(ESC not in r.stderr and "warning:" in r.stderr,
               f"{extra or 'default'}: no colour on a pipe")
    expect(ESC in run_on_tty(args, {}), "auto colours a terminal")
    expect(ESC in run_on_tty(args + ["--color", "auto"], {"NO_COLOR": ""}),
           "an empty NO_COLOR does not count")
    tty = run_on_tty(args, {"NO_COLOR": "1"})
    expect(ESC not in tty and "warning:" in tty,
           "NO_COLOR=1: no colour on a terminal")
    tty = run_on_tty(args + ["--color", "never"], {})
    expect(ESC not in tty, "--color never: no colour on a terminal")
    r = gwgen(args + ["--color", "sometimes"], SRC)
    expect(r.returncode == 2, "--color with a bad value is a usage error")
    # Machine formats are never coloured.
    for fmt in ["json", "github"]:
        r = gwgen(args + ["--format", fmt, "--color", "always"], SRC)
        expect(ESC not in r.stderr, f"--format {fmt}: no colour")


# ---- verbose --------------------------------------------------------------

def test_verbose():
    out = scratch("verbose")
    r = gwgen(["--profile", "salmon", "-o", out], SRC)
    expect(all(re.match(r"profiles/salmon\.yaml:\d+:\d+: (warning|note): ",
                        line) for line in r.stderr.splitlines()),
           f"by default stderr holds only diagnostics: {r.stderr!r}")
    files = sorted(os.path.relpath(os.path.join(d, f), out)
                   for d, _, fs in os.walk(out) for f in fs)
    # One closing line (gwgen(1), DESCRIPTION): files, written, up to
    # date, warnings; a second run finds every file up to date.
    warnings = len(re.findall(r": warning: ", r.stderr))
    said = f"{warnings} warning{'' if warnings == 1 else 's'}" \
        if warnings else "no warnings"
    for written in (len(files), 0):
        if written == 0:
            r = gwgen(["--profile", "salmon", "-o", out], SRC)
        want = (f"{out}/salmon/: {len(files)} files ({written} written, "
                f"{len(files) - written} up to date), {said}\n")
        expect(r.returncode == EXIT_OK and r.stdout == want,
               f"one closing line: {r.stdout!r}, want {want!r}")
    r = gwgen(["--profile", "salmon", "-o", out, "-q"], SRC)
    expect(r.returncode == EXIT_OK and r.stdout == "",
           f"-q: nothing on stdout: {r.stdout!r}")
    r = gwgen(["--profile", "salmon", "-o", out, "--quiet"], SRC)
    expect(r.returncode == EXIT_OK and r.stdout == "",
           f"--quiet: nothing on stdout: {r.stdout!r}")
    # Into a new directory every file is written; into one that has this
    # output already, every file is reported up to date (and not written).
    for flag, fresh in [("-v", True), ("--verbose", True), ("-v", False)]:
        dest = scratch("verbose-" + flag) if fresh else out
        r = gwgen(["--profile", "salmon", "-o", dest, flag], SRC)
        word = "wrote " if fresh else "up to date: "
        lines = r.stdout.splitlines()
        expect(lines and lines[-1].startswith(f"{dest}/salmon/: "),
               f"{flag}: the closing line last: {lines[-1:]}")
        lines = lines[:-1]
        named = sorted(line[len(word):] for line in lines)
        expect(r.returncode == EXIT_OK and
               all(line.startswith(word) for line in lines)
               and [os.path.relpath(w, dest) for w in named] == files,
               f"{flag}: one '{word}FILE' per file"
               f"{' written' if fresh else ' already there'}")
    r = gwgen(["check", "--profile", "salmon", "-o", out, "-v"], SRC)
    expect(r.returncode == EXIT_OK and
           len(r.stdout.splitlines()) == len(files) and
           all(line.startswith("up to date: ")
               for line in r.stdout.splitlines()),
           "check -v: one 'up to date' per file")
    r = gwgen(["check", "--profile", "salmon", "-o", out], SRC)
    expect(r.stdout == "", "check is quiet without -v")
    r = gwgen(["verify", "--profile", "salmon", "-v"], SRC)
    expect(r.stdout == "verified profiles/salmon.yaml\n",
           f"verify -v: {r.stdout!r}")
    r = gwgen(["verify", "--profile", "salmon"], SRC)
    expect(r.stdout == "", "verify is quiet without -v")


# ---- completion -----------------------------------------------------------

COMPLETE = r'''
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
_gwgen gwgen "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
'''


def complete(words, cwd, path_dirs, extra_env=None):
    script = os.path.join(SRC, "completion", "gwgen.bash")
    e = {"PATH": os.pathsep.join(path_dirs + ["/usr/bin", "/bin"]),
         "HOME": env("GWGEN_SCRATCH")}
    e.update(extra_env or {})
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", COMPLETE,
                        "complete", script] + words, cwd=cwd, env=e,
                       capture_output=True, text=True)
    expect(r.returncode == 0 and r.stderr == "",
           f"completion of {words}: {r.stderr}")
    return sorted(x for x in r.stdout.splitlines() if x)


def test_completion():
    bindir = scratch("completion-bin")
    os.symlink(GWGEN, os.path.join(bindir, "gwgen"))
    with_gwgen = [bindir]

    def case(words, want, path=with_gwgen, cwd=SRC, extra=None):
        got = complete(words, cwd, path, extra)
        expect(got == sorted(want), f"complete {words}: {got}, want {want}")

    case(["gwgen", "--pro"], ["--profile"])
    case(["gwgen", "--profile", ""], SHIPPED)
    case(["gwgen", "-p", "ma"], ["maccoss"])
    case(["gwgen", "ve"], ["verify"])
    case(["gwgen", ""], ["generate", "verify", "check", "list", "render",
                         "schema", "init", "plan", "rules"])
    case(["gwgen", "-q"], ["-q"])
    case(["gwgen", "--qu"], ["--quiet"])
    case(["gwgen", "schema", "-"], ["-o", "--out", "-h", "--help"])
    case(["gwgen", "init", "x", "--engine", ""],
         ["nextflow", "nextstrain", "snakemake", "miniwdl", "none"])
    case(["gwgen", "init", "x", "--from", "sa"], ["salmon"])
    case(["gwgen", "init", "x", "--f"], ["--from", "--force", "--format"])
    case(["gwgen", "init", "x", "--format", "s"], ["sarif"])
    case(["gwgen", "render", "--format", ""],
         ["text", "json", "github", "sarif"])
    case(["gwgen", "plan", "--format", ""],
         ["text", "markdown", "json", "sarif"])
    case(["gwgen", "plan", "--p"], ["--profile"])
    case(["gwgen", "plan", "-p", "ma"], ["maccoss"])
    case(["gwgen", "check", "--d"], ["--diff"])
    case(["gwgen", "verify", "--template"], ["--template", "--templates"])
    case(["gwgen", "--format", ""], ["text", "json", "github", "sarif"])
    case(["gwgen", "--format", "=", "g"], ["github"])
    case(["gwgen", "--color", ""], ["auto", "always", "never"])
    case(["gwgen", "--co"], ["--color"])
    case(["gwgen", "render", "--escape", "y"], ["yaml"])
    case(["gwgen", "--profile", "profiles/w"], ["profiles/workshop.yaml"])
    case(["gwgen", "--all", "--o"], ["--out"])
    # Directories for -o, -T and --all; files too for --template.
    tree = scratch("completion-tree")
    for d in ["alpha", "beta"]:
        os.makedirs(os.path.join(tree, d))
    with open(os.path.join(tree, "stack.yaml"), "w") as f:
        f.write("Resources: {}\n")
    case(["gwgen", "-o", ""], ["alpha/", "beta/"], cwd=tree)
    # "--all=": bash splits at '=' (COMP_WORDBREAKS), or does not.
    case(["gwgen", "--all", "="], ["alpha/", "beta/"], cwd=tree)
    case(["gwgen", "--all", "=", "b"], ["beta/"], cwd=tree)
    case(["gwgen", "--all=b"], ["--all=beta/"], cwd=tree)
    case(["gwgen", "--format=j"], ["--format=json"])
    case(["gwgen", "render", "--escape=y"], ["--escape=yaml"])
    case(["gwgen", "--templates", "a"], ["alpha/"], cwd=tree)
    case(["gwgen", "verify", "--template", ""],
         ["alpha/", "beta/", "stack.yaml"], cwd=tree)
    # Profiles from $GWGEN_PROFILE_PATH come first in gwgen's search path.
    case(["gwgen", "--profile", "lab"], ["lab", "lab-queue"],
         extra={"GWGEN_PROFILE_PATH": os.path.join(PR_DIR, "profiles")})
    # Base profiles (_NAME.yaml, for extends: only) are not offered, by
    # 'gwgen list' or by the directory scan without gwgen.
    bases = scratch("completion-bases")
    for name in ["_institute", "lab"]:
        with open(os.path.join(bases, name + ".yaml"), "w") as f:
            f.write("name: x\n")
    for path in [with_gwgen, []]:
        case(["gwgen", "--profile", ""], ["lab"] + SHIPPED, path=path,
             extra={"GWGEN_PROFILE_PATH": bases})
    # No gwgen to run: the directories are read directly.
    case(["gwgen", "--profile", ""], SHIPPED, path=[])
    case(["gwgen", "--profile", "b"], ["base"], path=[], extra={
        "GWGEN_PROFILE_PATH": os.path.join(PR_DIR, "profiles")})
    # Elsewhere, ./profiles is not there: the installed directory (beside
    # the binary) is, when gwgen cannot run.
    empty = scratch("completion-cwd")
    case(["gwgen", "--profile", ""], [], path=[], cwd=empty)
    r = subprocess.run(["bash", "-n", os.path.join(SRC, "completion",
                                                   "gwgen.bash")],
                       capture_output=True, text=True)
    expect(r.returncode == 0, f"bash -n: {r.stderr}")
    if shutil.which("shellcheck"):
        r = subprocess.run(["shellcheck", "-s", "bash", os.path.join(
            SRC, "completion", "gwgen.bash")], capture_output=True, text=True)
        expect(r.returncode == 0, f"shellcheck: {r.stdout}")


# ---- install --------------------------------------------------------------

def test_install():
    if not os.environ.get("MESON"):
        print("no meson command found at configure time: skipped")
        sys.exit(77)
    dest = scratch("install")
    r = subprocess.run([env("MESON"), "install", "-C", env("GWGEN_BUILD_ROOT"),
                                "--destdir", dest, "--no-rebuild"],
                       capture_output=True, text=True)
    if not expect(r.returncode == 0, f"meson install: {r.stdout}{r.stderr}"):
        return
    prefix = env("GWGEN_PREFIX")

    def at(*parts):
        path = os.path.join(*parts)
        if not os.path.isabs(path):
            path = os.path.join(prefix, path)
        return os.path.join(dest, path.lstrip("/"))

    exe = at(env("GWGEN_BINDIR"), "gwgen")
    expect(os.path.isfile(exe) and os.access(exe, os.X_OK),
           f"binary at {exe}")
    pdir = at(env("GWGEN_DATADIR"), "gwgen", "profiles")
    shipped = sorted(f for f in os.listdir(os.path.join(SRC, "profiles"))
                     if f.endswith(".yaml"))
    # The profiles' JSON Schema beside them, as their modelines name it.
    expect(os.path.isdir(pdir) and sorted(os.listdir(pdir)) ==
           sorted(shipped + ["profile.schema.json"]),
           f"profiles and their schema in {pdir}")
    for section, page in [("man1", "gwgen.1"), ("man5", "gwgen-profile.5")]:
        path = at(env("GWGEN_MANDIR"), section, page)
        if expect(os.path.isfile(path), f"man page {path}"):
            with open(path, "rb") as f, \
                    open(os.path.join(SRC, "docs", page), "rb") as g:
                expect(f.read() == g.read(), f"{page} installed as is")
    comp = at(env("GWGEN_DATADIR"), "bash-completion", "completions", "gwgen")
    expect(os.path.isfile(comp), f"completion at {comp}")
    for path in [at(env("GWGEN_DATADIR"), "zsh", "site-functions", "_gwgen"),
                 at(env("GWGEN_DATADIR"), "fish", "vendor_completions.d",
                    "gwgen.fish")]:
        expect(os.path.isfile(path), f"completion at {path}")
    # gwgen's own idea of the installed profiles matches where they went.
    r = subprocess.run([exe, "--help"], capture_output=True, text=True)
    installed = os.path.join(prefix, env("GWGEN_DATADIR"), "gwgen",
                             "profiles")
    expect(installed in " ".join(r.stdout.split()),
           f"--help names {installed}")
    # The installed completion finds the installed profiles beside the
    # installed binary, without ./profiles and without gwgen to run.
    empty = scratch("install-cwd")
    bash = ('source "$1"; COMP_WORDS=("$2" --profile ""); COMP_CWORD=2; '
            '_gwgen; printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run(["bash", "--norc", "-c", bash, "x", comp, "gwgen"],
                       cwd=empty, capture_output=True, text=True,
                       env={"PATH": os.path.dirname(exe) + ":/usr/bin:/bin",
                            "HOME": empty})
    names = sorted(x for x in r.stdout.splitlines() if x)
    expect(names == sorted(f[:-len(".yaml")] for f in shipped),
           f"installed completion lists the installed profiles: {names}")


# ---- man ------------------------------------------------------------------

def test_man():
    pages = [os.path.join(SRC, "docs", p)
             for p in ["gwgen.1", "gwgen-profile.5"]]
    if shutil.which("groff"):
        for page in pages:
            r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z",
                                page], capture_output=True, text=True)
            expect(r.returncode == 0 and r.stderr == "",
                   f"groff warnings in {page}: {r.stderr}")
    else:
        print("groff not installed: formatting not checked "
              "(apt-get install groff)")
    with open(pages[0], encoding="utf-8") as f:
        man1 = f.read().replace("\\-", "-")
    with open(pages[1], encoding="utf-8") as f:
        man5 = f.read().replace("\\-", "-")
    # The header names the version gwgen reports.
    version = gwgen(["--version"], SRC).stdout.strip()
    for text, page in [(man1, "gwgen.1"), (man5, "gwgen-profile.5")]:
        th = re.search(r'^\.TH \S+ [15] \S+ "([^"]+)"', text, re.M)
        expect(th and th.group(1) == version,
               f"{page}: .TH version {th and th.group(1)} == '{version}'")
    for cmd in ["generate", "verify", "check", "list", "render"]:
        expect(f".B {cmd}" in man1 or f".BR {cmd} " in man1,
               f"gwgen.1 documents '{cmd}'")
    for status in range(5):
        expect(f".B {status}\n" in man1, f"gwgen.1 documents exit {status}")
    expect("gwgen-profile (5)" in man1 and "gwgen (1)" in man5,
           "the pages refer to each other")
    # Every key of the profile format (the first column of docs/profile.md's
    # tables) is in gwgen-profile(5).
    with open(os.path.join(SRC, "docs", "profile.md"), encoding="utf-8") as f:
        doc = f.read()
    keys = set()
    for cell in re.findall(r"^\| `([a-z0-9_.\[\]]+)` \|", doc, re.M):
        keys.add(cell.split(".")[-1].replace("[]", ""))
    keys -= {"", "bucket/PATTERN"}
    missing = sorted(k for k in keys if not re.search(
        rf"(?<![\w-]){re.escape(k)}(?![\w-])", man5))
    expect(len(keys) > 60 and not missing,
           f"gwgen-profile.5 lacks profile keys {missing}")


# ---- workflow -------------------------------------------------------------

def test_workflow():
    path = os.path.join(SRC, "docs", "examples", "github-actions.yml")
    try:
        import yaml
    except ImportError:
        print("PyYAML missing (apt-get install python3-yaml)")
        sys.exit(77)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    doc = yaml.safe_load(text)
    expect(isinstance(doc, dict) and "jobs" in doc, "a workflow with jobs")
    # PyYAML reads the key 'on' as True (YAML 1.1).
    triggers = doc.get("on", doc.get(True, {}))
    expect("pull_request" in triggers, "runs on pull requests")
    runs = "\n".join(step.get("run", "")
                     for job in doc["jobs"].values()
                     for step in job.get("steps", []))
    for needle in ["meson setup", "ninja -C", "check --all",
                   "--format github", "apt-get install"]:
        expect(needle in runs, f"workflow runs '{needle}'")
    if shutil.which("yamllint"):
        r = subprocess.run(["yamllint", "-d", "{extends: default, rules: "
                            "{line-length: {max: 100}, truthy: {check-keys: "
                            "false}, document-start: disable}}", path],
                           capture_output=True, text=True)
        expect(r.returncode == 0, f"yamllint: {r.stdout}")
    # The commands it runs work here: check the committed out/ the way the
    # workflow does, and the annotations it relies on.
    # The shipped profiles have no warning (issue: compliance by default),
    # only notes, which GitHub shows as ::notice annotations.
    r = gwgen(["verify", "--all", "--format", "github"], SRC)
    expect(r.returncode == EXIT_OK and
           re.search(r"^::notice file=profiles/\w+\.yaml,line=\d+,col=\d+,"
                     r"title=\w+::", r.stdout + r.stderr, re.M),
           "verify --all --format github annotates profiles/NAME.yaml lines")


# ---- deploy-env -------------------------------------------------------------

def shell_lines(text, heading):
    """The lines of the first ```sh block (or indented block) after the
    Markdown heading 'heading'."""
    part = text.split(heading, 1)[1]
    m = re.search(r"```sh\n(.*?)```", part, re.S)
    block = m.group(1) if m else ""
    if not m or part.index("```sh") > part.find("\n## "):
        m = re.search(r"\n((?:    .*\n)+)", part)
        block = "\n".join(line[4:] for line in m.group(1).splitlines())
    return [line.split("#", 1)[0].strip() for line in block.splitlines()
            if line.strip()]


def fill_env(path):
    """Fill the settings file as a user would: subnets and groups."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"(?m)^SUBNETS=$", "SUBNETS=subnet-0123456789abcdef0", text)
    text = re.sub(r"(?m)^SECURITY_GROUP_IDS=$",
                  "SECURITY_GROUP_IDS=sg-0123456789abcdef0", text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return text


def test_deploy_env():
    name = "workshop"
    work = scratch("deploy-env")
    # 'gwgen --profile NAME' and 'gwgen --all' as the README runs them,
    # from the directory that holds out/ (the default -o).
    path_env = {"GWGEN_PROFILE_PATH": os.path.join(SRC, "profiles")}
    r = gwgen(["--profile", name], work, path_env)
    expect(r.returncode == EXIT_OK, f"gwgen --profile {name}: {r.stderr}")
    top = os.path.join(work, "out", name)
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    with open(os.path.join(top, "README.md"), encoding="utf-8") as f:
        generated = f.read()
    for where, text, heading in [("README.md", readme, "\n## Deploying\n"),
                                 (f"out/{name}/README.md", generated,
                                  "\n## Deploy\n")]:
        cmds = [c.replace("NAME", name) for c in shell_lines(text, heading)]
        cps = [c for c in cmds if c.startswith("cp ")]
        if not expect(len(cps) == 1, f"{where}: one 'cp' in the deploy "
                      f"steps: {cmds}"):
            continue
        env_path = os.path.join(work, cps[0].split()[2])
        if os.path.exists(env_path):
            os.unlink(env_path)
        r = subprocess.run(["bash", "-c", cps[0]], cwd=work,
                           capture_output=True, text=True)
        expect(r.returncode == 0 and os.path.exists(env_path),
               f"{where}: '{cps[0]}' works: {r.stderr}")
        expect(not os.path.realpath(env_path).startswith(
            os.path.realpath(top) + os.sep),
            f"{where}: the settings file is outside out/{name}/")
    env_path = os.path.join(work, "out", name + ".env")
    settings = fill_env(env_path)
    deploy = os.path.join("out", name, "scripts", "deploy.sh")

    def dry_run(what):
        r = subprocess.run(["bash", deploy, "--dry-run"], cwd=work,
                           capture_output=True, text=True)
        expect(r.returncode == 0 and "subnet-0123456789abcdef0" in r.stdout
               and "sg-0123456789abcdef0" in r.stdout,
               f"{what}: deploy.sh --dry-run takes the settings from "
               f"out/{name}.env: {r.stdout[-300:]} {r.stderr}")

    dry_run("after the copy")
    for args in (["--profile", name], ["--all"]):
        r = gwgen(args, work, path_env)
        expect(r.returncode == EXIT_OK,
               f"gwgen {' '.join(args)} again: status {r.returncode}: "
               f"{r.stderr[-500:]}")
        with open(env_path, encoding="utf-8") as f:
            expect(f.read() == settings,
                   f"gwgen {' '.join(args)}: out/{name}.env is unchanged")
        dry_run(f"after gwgen {' '.join(args)}")
    # A changed profile (another region) regenerates over it, too.
    changed = os.path.join(work, name + ".yaml")
    with open(os.path.join(SRC, "profiles", name + ".yaml"),
              encoding="utf-8") as f:
        text = re.sub(r"(?m)^region: .*$", "region: us-west-2", f.read())
    with open(changed, "w", encoding="utf-8") as f:
        f.write(text)
    r = gwgen(["--profile", changed], work)
    expect(r.returncode == EXIT_OK and os.path.exists(env_path),
           f"a changed profile regenerates, out/{name}.env stays: "
           f"{r.stderr[-300:]}")

    # The old place, out/NAME/deploy.env: gwgen refuses to replace
    # out/NAME/ and deletes nothing; deploy.sh asks to move it.
    old_env = os.path.join(top, "deploy.env")
    shutil.copy(env_path, old_env)
    before = snapshot(top)
    for args in (["--profile", name], ["--all"]):
        r = gwgen(args, work, path_env)
        expect(r.returncode == EXIT_IO
               and f"it holds 'deploy.env', which gwgen did not write"
               in r.stderr and f"out/{name}.env" in r.stderr,
               f"gwgen {' '.join(args)} with out/{name}/deploy.env: "
               f"status {r.returncode}, {r.stderr[-400:]}")
        expect(snapshot(top) == before,
               f"gwgen {' '.join(args)}: out/{name}/ is unchanged")
    os.unlink(env_path)
    r = subprocess.run(["bash", deploy, "--dry-run"], cwd=work,
                       capture_output=True, text=True)
    expect(r.returncode == 1 and "move it to" in r.stderr,
           f"deploy.sh with only out/{name}/deploy.env asks to move it: "
           f"{r.returncode} {r.stderr}")


MODES = {
    "check": test_check,
    "extends": test_extends,
    "summary": test_summary,
    "color": test_color,
    "verbose": test_verbose,
    "completion": test_completion,
    "install": test_install,
    "man": test_man,
    "workflow": test_workflow,
    "deploy-env": test_deploy_env,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        sys.exit(f"usage: run_pr.py {'|'.join(MODES)}")
    MODES[sys.argv[1]]()
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
