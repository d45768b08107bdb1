#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hostile-input corpus: gwgen must refuse each case cleanly.

usage: run_hostile.py GWGEN SOURCE_ROOT SCRATCH [--group G] [CASE...]

A case is tests/hostile/cases/NAME.IN (NAME.yaml: a profile, NAME.mustache:
a template, NAME.json: data for 'gwgen render') with NAME.expect, or one generated at run time by gen_cases.py
(big, deep, binary or special-file inputs that are not committed). For
every case the runner checks:

  - the exit status is the expected one (never 0, never >= 128: no crash);
  - every 'stderr:' line of the .expect appears in stderr, after
    substituting {FILE} (the input as passed), {OUT}, {TPL} and {CASES};
  - stderr has no sanitizer report (the suite runs again under ASan/UBSan);
  - the output directory, seeded once with a real generation, is byte for
    byte unchanged: same entries, types, modes, contents and link targets.

The .expect format, one 'key: value' per line ('#' starts a comment):

  status: N         expected exit status (required)
  stderr: TEXT      a substring stderr must contain (repeatable)
  args: ARGS        the command line instead of the default
                    '-p {FILE} -o {OUT}' (shlex-split, placeholders above)
  template: PATH    the input is a template: run with --templates {TPL},
                    a copy of templates/ in which PATH is the input
  setup: KIND       prepare the output directory first (see SETUPS)

HOSTILE_VERBOSE=1 in the environment shows stderr of passing cases too.
"""

import functools
import os
import resource
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_cases  # noqa: E402

# Inputs of file cases: profiles, templates, JSON data for 'render'.
INPUT_EXTS = (".yaml", ".mustache", ".json")
# Lines of stderr shown for a failing case.
STDERR_SHOWN = 8
# Case timeout: every hostile input must be refused in well under this.
CASE_TIMEOUT_S = 30
# Exit statuses at or above this mean a signal killed gwgen (sh convention).
SIGNAL_STATUS = 128
# Text a sanitizer prints when it finds something.
SANITIZER_MARKS = (
    "AddressSanitizer",
    "LeakSanitizer",
    "UndefinedBehaviorSanitizer",
    "runtime error:",
    "Sanitizer",
)
# The profile that seeds the output directory and drives template cases.
GOOD_PROFILE = "workshop"
# An unprivileged account for the unwritable-directory case (see README).
NOBODY_UID = 65534


def parse_expect(path):
    spec = {"stderr": [], "status": None, "args": None, "template": None,
            "setup": None}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(": ")
            if not sep:
                key, sep, value = line.partition(":")
            if not sep or key not in spec:
                raise SystemExit(f"{path}:{n}: bad line {line!r}")
            if key == "stderr":
                spec["stderr"].append(value)
            elif key == "status":
                spec["status"] = int(value)
            else:
                spec[key] = value
    if spec["status"] is None:
        raise SystemExit(f"{path}: no 'status:' line")
    return spec


def snapshot(root):
    """Every entry below 'root' with its type, mode and contents."""
    snap = {}
    if not os.path.lexists(root):
        return None
    st = os.lstat(root)
    if not stat.S_ISDIR(st.st_mode):
        with open(root, "rb") as f:
            return {".": ("file", st.st_mode, f.read())}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                snap[rel] = ("link", st.st_mode, os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                snap[rel] = ("dir", st.st_mode, None)
            else:
                with open(p, "rb") as f:
                    snap[rel] = ("file", st.st_mode, f.read())
    return snap


def diff_snapshots(before, after):
    if before == after:
        return []
    if before is None or after is None:
        return ["the output directory appeared or disappeared"]
    out = []
    for k in sorted(set(before) | set(after)):
        if k not in after:
            out.append(f"removed: {k}")
        elif k not in before:
            out.append(f"added: {k}")
        elif before[k] != after[k]:
            out.append(f"changed: {k}")
    return out


class Runner:
    def __init__(self, gwgen, root, scratch):
        self.gwgen = os.path.abspath(gwgen)
        self.root = os.path.abspath(root)
        self.scratch = os.path.abspath(scratch)
        self.cases = os.path.join(self.root, "tests", "hostile", "cases")
        self.out = os.path.join(self.scratch, "out")
        self.tpl = os.path.join(self.scratch, "templates")
        self.work = os.path.join(self.scratch, "work")
        self.boxes = []  # temporary directories of gen_cases, removed last

    @functools.lru_cache(maxsize=None)
    def has_asan(self):
        with open(self.gwgen, "rb") as f:
            return b"__asan_init" in f.read()

    def env(self):
        env = dict(os.environ)
        env.pop("GWGEN_PROFILE_PATH", None)
        env["NO_COLOR"] = "1"
        return env

    def seed_out(self):
        """A real previous generation plus a stray file: what must survive."""
        self.reset_out()
        r = subprocess.run([self.gwgen, "-p", GOOD_PROFILE, "-o", self.out],
                           cwd=self.root, env=self.env(),
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("cannot seed the output directory:\n"
                             + r.stderr)
        with open(os.path.join(self.out, "KEEP.txt"), "w") as f:
            f.write("not gwgen's: must survive every case\n")

    def reset_out(self):
        if os.path.lexists(self.out):
            if os.path.isdir(self.out) and not os.path.islink(self.out):
                os.chmod(self.out, 0o755)
                shutil.rmtree(self.out)
            else:
                os.unlink(self.out)

    def fresh_templates(self, replace, text):
        if os.path.exists(self.tpl):
            shutil.rmtree(self.tpl)
        shutil.copytree(os.path.join(self.root, "templates"), self.tpl)
        dst = os.path.join(self.tpl, replace)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(text)

    def run_case(self, name, input_path, spec, shown=None):
        """Run one case; returns a list of failure messages."""
        setup = spec.get("setup")
        restore = None
        if setup:
            restore = gen_cases.SETUPS[setup](self)
        before = snapshot(self.out)
        file_arg = shown or input_path
        subst = {
            "{FILE}": file_arg,
            "{OUT}": self.out,
            "{TPL}": self.tpl,
            "{CASES}": os.path.relpath(self.cases, self.root),
            "{WORK}": self.work,
        }

        def fill(s):
            for k, v in subst.items():
                s = s.replace(k, v)
            return s

        if spec.get("template"):
            with open(os.path.join(self.root, input_path), "rb") as f:
                self.fresh_templates(spec["template"], f.read())
            default = f"-p {GOOD_PROFILE} -T {{TPL}} -o {{OUT}}"
        else:
            default = "-p {FILE} -o {OUT}"
        argv = [fill(a) for a in shlex.split(spec.get("args") or default)]
        prefix = spec.get("prefix") or []
        fails = []
        limit = spec.get("memory_limit")
        # AddressSanitizer reserves terabytes of address space for its
        # shadow memory, so an address-space limit applies only to a build
        # without it (the plain run of the suite).
        preexec = None
        if limit and not self.has_asan():
            def preexec():
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            r = subprocess.run(prefix + [spec.get("exe", self.gwgen)] + argv,
                               cwd=spec.get("cwd", self.root),
                               env=self.env(), capture_output=True,
                               timeout=CASE_TIMEOUT_S, preexec_fn=preexec)
            status, err = r.returncode, r.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            status, err = None, ""
            fails.append(f"timed out after {CASE_TIMEOUT_S} s")
        if status is not None:
            if status < 0 or status >= SIGNAL_STATUS:
                fails.append(f"crashed: status {status}")
            elif status != spec["status"]:
                fails.append(f"exit status {status}, expected "
                             f"{spec['status']}")
            if status == 0:
                fails.append("accepted a hostile input (status 0)")
        for mark in SANITIZER_MARKS:
            if mark in err:
                fails.append(f"sanitizer report ({mark})")
                break
        for want in spec["stderr"]:
            want = fill(want)
            if want not in err:
                fails.append(f"stderr lacks: {want}")
        after = snapshot(self.out)
        if restore:
            restore(self)
        changes = diff_snapshots(before, after)
        if changes:
            fails.append("output directory changed: "
                         + "; ".join(changes[:5]))
        if fails or os.environ.get("HOSTILE_VERBOSE"):
            fails.append("stderr was:\n    "
                         + "\n    ".join(err.rstrip("\n").split("\n")[:STDERR_SHOWN]))
        return fails

    def file_cases(self):
        for fn in sorted(os.listdir(self.cases)):
            base, ext = os.path.splitext(fn)
            if ext not in INPUT_EXTS or fn.startswith("."):
                continue
            expect = os.path.join(self.cases, base + ".expect")
            # JSON files without an .expect are data for other cases.
            if ext == ".json" and not os.path.exists(expect):
                continue
            if not os.path.exists(expect):
                raise SystemExit(f"{fn}: missing {base}.expect")
            rel = os.path.relpath(os.path.join(self.cases, fn), self.root)
            yield base, rel, parse_expect(expect)


def main(argv):
    if len(argv) < 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    runner = Runner(argv[1], argv[2], argv[3])
    wanted = set(argv[4:])
    os.makedirs(runner.scratch, exist_ok=True)
    if os.path.exists(runner.work):
        shutil.rmtree(runner.work)
    os.makedirs(runner.work)
    runner.seed_out()

    cases = [(n, p, s, None) for n, p, s in runner.file_cases()]
    cases += gen_cases.generate(runner)
    failed = 0
    ran = 0
    names = set()
    for name, path, spec, shown in cases:
        if name in names:
            raise SystemExit(f"duplicate case name {name}")
        names.add(name)
        if wanted and name not in wanted:
            continue
        ran += 1
        fails = runner.run_case(name, path, spec, shown)
        if fails and not fails[0].startswith("stderr was:"):
            failed += 1
            print(f"FAIL {name}: " + "\n  ".join(fails))
        else:
            print(f"ok   {name}" + "".join("\n  " + f for f in fails))
    idle = functools.partial(gen_cases.fifo_idle_case, snapshot=snapshot)
    for name, case in ((gen_cases.FIFO_CASE, gen_cases.fifo_case),
                       (gen_cases.FIFO_IDLE_CASE, idle)):
        names.add(name)
        if wanted and name not in wanted:
            continue
        ran += 1
        fails = case(runner)
        if fails:
            failed += 1
            print(f"FAIL {name}: " + "\n  ".join(fails))
        else:
            print(f"ok   {name}")
    gen_cases.cleanup(runner)
    print(f"{ran - failed} of {ran} hostile cases passed")
    if wanted - names:
        print("unknown cases: " + " ".join(sorted(wanted - names)))
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
