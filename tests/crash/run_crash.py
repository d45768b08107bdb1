#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Crash-safe output: SIGKILL gwgen while it writes DIR/NAME/.

usage: run_crash.py GWGEN SHIM SOURCE_ROOT SCRATCH

DIR/workshop/ holds the output of the shipped profile ("old"); gwgen then
writes a changed profile with the same name ("new": another region and
description, so most files differ) and is killed:

 1. at every fsync(), unlinkat() and linkat() it makes, one run per
    point, through the LD_PRELOAD shim crash_shim.c (GWGEN_CRASH_AT=N):
    every file the new tree links from the old one (some files are the
    same in both), every file synced, the fsyncs before the swap, right
    after the swap, and while the old tree is removed;
 2. after increasing delays from 0 to the length of a whole run, by a
    plain SIGKILL from outside (no shim).

After every kill DIR/workshop/ must be byte for byte the old or the new
output, never a mix and never missing; nothing but '.workshop.tmp-XXXXXX'
or '.workshop.old-XXXXXX' may have appeared beside it; and the next
normal run must write the new output and remove those leftovers. Both
outcomes (old and new) must be seen, so the kill points straddle the swap.

 3. (issue 20) with SIGTERM and with SIGINT instead of SIGKILL at every
    shim point: gwgen must end by that signal and leave nothing beside
    DIR/workshop/ at all (it removes its temporary tree first).
"""

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time

NAME = "workshop"
# Leftovers a killed run may leave beside DIR/NAME (src/output.c).
LEFTOVER = re.compile(r"^\." + NAME + r"\.(tmp|old)-[A-Za-z0-9]{6}$")
# Runs killed after a delay (part 2), spread over one run's duration.
DELAY_STEPS = 60
RUN_TIMEOUT_S = 60


def snapshot(root):
    if not os.path.lexists(root):
        return None
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    snap[rel] = (st.st_mode, f.read())
            else:
                snap[rel] = (st.st_mode, None)
    return snap


class Crash:
    def __init__(self, gwgen, shim, root, scratch):
        self.gwgen = os.path.abspath(gwgen)
        self.shim = os.path.abspath(shim)
        self.root = os.path.abspath(root)
        self.scratch = os.path.abspath(scratch)
        self.out = os.path.join(self.scratch, "out")
        self.old_profile = os.path.join(self.root, "profiles",
                                        NAME + ".yaml")
        self.new_profile = os.path.join(self.scratch, NAME + "-new.yaml")
        self.failures = []

    def env(self, **extra):
        env = dict(os.environ)
        env.pop("GWGEN_PROFILE_PATH", None)
        env.pop("GWGEN_CRASH_AT", None)
        env.pop("GWGEN_CRASH_COUNT", None)
        env.pop("GWGEN_CRASH_SIGNAL", None)
        env.update(extra)
        return env

    def shim_env(self, **extra):
        # The shim is not instrumented; ASan only needs to be told that
        # something was preloaded before its runtime.
        asan = os.environ.get("ASAN_OPTIONS", "")
        asan = (asan + ":" if asan else "") + "verify_asan_link_order=0"
        return self.env(LD_PRELOAD=self.shim, ASAN_OPTIONS=asan, **extra)

    def gen(self, profile, out, env=None, check=True):
        r = subprocess.run([self.gwgen, "-p", profile, "-o", out],
                           cwd=self.root, env=env or self.env(),
                           capture_output=True, text=True,
                           timeout=RUN_TIMEOUT_S)
        if check and r.returncode != 0:
            raise SystemExit(f"gwgen -p {profile} failed:\n{r.stderr}")
        return r

    def prepare(self):
        if os.path.exists(self.scratch):
            shutil.rmtree(self.scratch)
        os.makedirs(self.scratch)
        with open(self.old_profile, encoding="utf-8") as f:
            text = f.read()
        text, n1 = re.subn(r"(?m)^region: .*$", "region: us-west-2", text)
        text, n2 = re.subn(r"(?m)^description: .*$",
                           "description: the new output of the crash test",
                           text)
        if n1 != 1 or n2 != 1:
            raise SystemExit("cannot derive the new profile")
        with open(self.new_profile, "w", encoding="utf-8") as f:
            f.write(text)
        for which, prof in (("old", self.old_profile),
                            ("new", self.new_profile)):
            ref = os.path.join(self.scratch, "ref-" + which)
            self.gen(prof, ref)
            setattr(self, which, snapshot(os.path.join(ref, NAME)))
        if self.old == self.new:
            raise SystemExit("old and new output are the same")
        # Files the new tree takes from the old one as links: their
        # linkat() calls must be kill points too.
        shared = [k for k, v in self.new.items()
                  if v[1] is not None and self.old.get(k) == v]
        if not shared:
            raise SystemExit("old and new output share no file")

    def seed_old(self):
        if os.path.exists(self.out):
            shutil.rmtree(self.out)
        self.gen(self.old_profile, self.out)

    def leftovers(self):
        return sorted(n for n in os.listdir(self.out) if n != NAME)

    def check_after_kill(self, what):
        """The invariants after a kill; returns 'old' or 'new'."""
        snap = snapshot(os.path.join(self.out, NAME))
        state = ("old" if snap == self.old else
                 "new" if snap == self.new else None)
        if snap is None:
            self.failures.append(f"{what}: {NAME}/ is missing")
        elif state is None:
            self.failures.append(f"{what}: {NAME}/ is neither the old nor "
                                 "the new output (a mix)")
        stray = [n for n in self.leftovers() if not LEFTOVER.match(n)]
        if stray:
            self.failures.append(f"{what}: unexpected entries {stray}")
        # The next run writes the new output and cleans up.
        self.gen(self.new_profile, self.out)
        if snapshot(os.path.join(self.out, NAME)) != self.new:
            self.failures.append(f"{what}: the next run did not write "
                                 "the new output")
        if self.leftovers():
            self.failures.append(f"{what}: the next run left "
                                 f"{self.leftovers()}")
        return state

    def count_points(self):
        self.seed_old()
        count_file = os.path.join(self.scratch, "count")
        self.gen(self.new_profile, self.out,
                 env=self.shim_env(GWGEN_CRASH_COUNT=count_file))
        with open(count_file) as f:
            n = int(f.read())
        if snapshot(os.path.join(self.out, NAME)) != self.new:
            raise SystemExit("the counting run did not write the new output")
        return n

    def at_each_point(self):
        n = self.count_points()
        seen = {"old": 0, "new": 0, None: 0}
        for k in range(1, n + 1):
            self.seed_old()
            r = self.gen(self.new_profile, self.out, check=False,
                         env=self.shim_env(GWGEN_CRASH_AT=str(k)))
            if r.returncode != -signal.SIGKILL:
                self.failures.append(f"point {k}: not killed (status "
                                     f"{r.returncode}): {r.stderr}")
                continue
            seen[self.check_after_kill(f"killed at call {k} of {n}")] += 1
        print(f"shim: {n} kill points: {seen['old']} left the old output, "
              f"{seen['new']} the new")
        if not seen["old"] or not seen["new"]:
            self.failures.append("the kill points did not straddle the swap")

    def signals_at_each_point(self):
        n = self.count_points()
        for sig in (signal.SIGTERM, signal.SIGINT):
            seen = {"old": 0, "new": 0, None: 0}
            for k in range(1, n + 1):
                self.seed_old()
                r = self.gen(self.new_profile, self.out, check=False,
                             env=self.shim_env(GWGEN_CRASH_AT=str(k),
                                               GWGEN_CRASH_SIGNAL=str(
                                                   int(sig))))
                what = f"{sig.name} at call {k} of {n}"
                if r.returncode != -sig:
                    self.failures.append(f"{what}: not ended by it "
                                         f"(status {r.returncode}): "
                                         f"{r.stderr}")
                    continue
                if self.leftovers():
                    self.failures.append(f"{what}: left "
                                         f"{self.leftovers()}")
                seen[self.check_after_kill(what)] += 1
            print(f"shim: {n} {sig.name} points: {seen['old']} left the "
                  f"old output, {seen['new']} the new, nothing beside it")

    def after_delays(self):
        self.seed_old()
        t0 = time.monotonic()
        self.gen(self.new_profile, self.out)
        span = time.monotonic() - t0
        seen = {"old": 0, "new": 0, None: 0}
        for i in range(DELAY_STEPS + 1):
            self.seed_old()
            delay = span * i / DELAY_STEPS
            p = subprocess.Popen([self.gwgen, "-p", self.new_profile, "-o",
                                  self.out], cwd=self.root, env=self.env(),
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=RUN_TIMEOUT_S)
            seen[self.check_after_kill(
                f"killed after {delay * 1e3:.2f} ms")] += 1
        print(f"delays over {span * 1e3:.1f} ms: {seen['old']} old, "
              f"{seen['new']} new")


def main(argv):
    if len(argv) != 5:
        print("usage: run_crash.py GWGEN SHIM SOURCE_ROOT SCRATCH",
              file=sys.stderr)
        return 2
    c = Crash(*argv[1:])
    c.prepare()
    c.at_each_point()
    c.signals_at_each_point()
    c.after_delays()
    for f in c.failures:
        print("FAIL " + f)
    if not c.failures:
        print("ok: every kill left the complete old or new output")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
