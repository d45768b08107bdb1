#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gwgen's benchmarks; see bench/run.sh and docs/performance.md.

Usage: bench.py BUILD_DIR [e2e|limit|many|quota|engine|template|all]...

Every process is timed by bench_exec (bench/bench_exec.c), which reports
the median wall time of RUNS runs and the child's own peak RSS. Each
benchmark prints a Markdown table. A missed target is reported in the table
('no'); the exit status is 1 only when something failed to run or a check
(valid profiles, identical renderings) did not hold.
"""

import glob
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(os.environ.get("RUNS", "30"))
MANY = [int(n) for n in os.environ.get("MANY", "10 100 1000").split()]

# Targets (issue 7).
E2E_WALL_MS = 5.0
E2E_RSS_KIB = 8 * 1024
MANY_1000_S = 2.0
MANY_GROWTH = 12.0
QUOTA_MS = 50.0
TEMPLATE_MS = 50.0
ENGINE_RATIO = 5.0
ENGINE_ROUNDS = int(os.environ.get("ENGINE_ROUNDS", "3"))
# Issue 13: gwgen end to end against the crash-safe writer (bench/safe_write),
# writing a new tree.
LIMIT_DISK = 1.25
LIMIT_TMPFS = 2.0
# The 'limit' table alternates gwgen and safe_write in this many rounds
# (RUNS split between them) and takes the median of the rounds' medians, so
# that a change in the machine's load hits both alike.
LIMIT_ROUNDS = int(os.environ.get("LIMIT_ROUNDS", "3"))

# The quota profiles: AWS Batch's 50 CEs and 50 queues per region. 'over'
# adds hundreds of job definitions and policies: 507 resources and 510
# outputs, more than CloudFormation's 500 resources and 200 outputs, so
# gwgen refuses to generate it (C2). gwgen's template has an output per
# CE, queue (two), job definition and policy, so the largest profile with
# 50 CEs and 50 queues that stays within 200 outputs has about 20 job
# definitions and policies together: 'within'.
QUOTA = {
    "over": ["--ces", "50", "--queues", "50", "--job-defs", "200",
             "--policies", "200"],
    "within": ["--ces", "50", "--queues", "50", "--job-defs", "10",
               "--policies", "10"],
}


class Failed(Exception):
    pass


class Bench:
    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.gwgen = os.path.join(self.build, "src", "gwgen")
        self.exec = os.path.join(self.build, "bench", "bench_exec")
        self.view = os.path.join(self.build, "bench", "bench_view")
        self.render = os.path.join(self.build, "bench", "mustache",
                                   "bench_render")
        self.safe_write = os.path.join(self.build, "bench", "safe_write")
        for exe in (self.gwgen, self.exec, self.view, self.render,
                    self.safe_write):
            if not os.access(exe, os.X_OK):
                raise Failed(f"missing {exe}: build first "
                             f"(ninja -C {build})")
        self.disk = os.environ.get("DISK_DIR",
                                   os.path.join(self.build, "bench-work"))
        os.makedirs(self.disk, exist_ok=True)
        shm = os.environ.get("SHM_DIR", "/dev/shm")
        self.shm = tempfile.mkdtemp(prefix="gwgen-bench-", dir=shm) \
            if os.path.isdir(shm) else None
        self.ok = True

    def cleanup(self):
        if self.shm:
            shutil.rmtree(self.shm, ignore_errors=True)

    def measure(self, cmd, runs=None, warmup=1, status=0):
        """bench_exec's RESULT as a dict of floats."""
        args = [self.exec, "-q", "-n", str(runs or RUNS), "-w", str(warmup),
                "-x", str(status), "--"] + cmd
        p = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
        m = re.search(r"^RESULT (.*)$", p.stdout, re.M)
        if p.returncode or not m:
            raise Failed(f"{' '.join(cmd)}: {p.stderr.strip()}")
        return {k: float(v) for k, v in
                (kv.split("=") for kv in m.group(1).split())}

    def gen_profiles(self, n):
        d = os.path.join(self.disk, f"profiles-{n}")
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([sys.executable,
                        os.path.join(ROOT, "tools", "gen-profiles.py"),
                        str(n), d], check=True)
        return d

    def gen_quota(self, kind):
        path = os.path.join(self.disk, f"quota-{kind}.yaml")
        subprocess.run([sys.executable,
                        os.path.join(ROOT, "tools", "gen-profiles.py"),
                        "--quota", "--name", f"quota-{kind}"]
                       + QUOTA[kind] + [path], check=True)
        return path

    def fs_type(self, path):
        p = subprocess.run(["stat", "-f", "-c", "%T", path],
                           capture_output=True, text=True)
        return p.stdout.strip() or "?"


def yes(ok):
    return "yes" if ok else "**no**"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    print("\n".join(out))
    print()


def machine(b):
    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg", encoding="utf-8") as f:
        load = " ".join(f.read().split()[:3])
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), Linux "
          f"{platform.release()}, load average {load}")
    print(f"disk dir: {b.disk} ({b.fs_type(b.disk)}); tmpfs dir: "
          f"{b.shm} ({b.fs_type(b.shm) if b.shm else '-'}); "
          f"runs per row: {RUNS} (median)")
    print()


def variant_of(b, path):
    """A copy of profile 'path' with the same name in another region: its
    output differs from the profile's in most files (every file that
    names the region or an ARN)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    region = re.search(r"(?m)^region: (\S+)", text)
    other = "eu-west-1" if not region or region.group(1) != "eu-west-1" \
        else "us-east-2"
    text, n = re.subn(r"(?m)^region: .*$", f"region: {other}", text)
    if n != 1:
        raise Failed(f"{path}: no top-level 'region:' to change")
    d = os.path.join(b.disk, "variants")
    os.makedirs(d, exist_ok=True)
    out = os.path.join(d, os.path.basename(path))
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    return out


def e2e(b):
    """Each shipped profile, one whole process, written to disk and tmpfs."""
    print("## End to end, per shipped profile\n")
    print(f"`gwgen --profile NAME -o DIR`, median of {RUNS} runs. "
          "'unchanged': DIR/NAME holds this output already (a pull "
          "request's CI run, an editor saving a profile), so nothing is "
          "written. 'changed': before each run DIR/NAME is replaced by the "
          "output of the profile moved to another region (untimed), so the "
          "run writes and fsyncs most files, links the rest and removes the "
          "old tree. 'new': DIR/NAME is removed before each run. 'disk' is "
          "an ext4-style disk (every file and directory fsync'd: the "
          "crash-safety cost), 'tmpfs' memory (fsync is free, so 'tmpfs, "
          "changed' is gwgen's own cost of a real write). 'check' renders "
          "and compares with out/NAME in memory. Target: under "
          f"{E2E_WALL_MS:g} ms and {E2E_RSS_KIB // 1024} MB.\n")
    rows = []
    floor = b.measure(["/bin/true"])
    for path in sorted(glob.glob(os.path.join(ROOT, "profiles", "*.yaml"))):
        name = os.path.basename(path)[:-len(".yaml")]
        other = variant_of(b, path)

        def gen(out, before=None):
            cmd = [b.gwgen, "--profile", path, "-o", out]
            if before == "changed":
                cmd += ["--", b.gwgen, "--profile", other, "-o", out]
            elif before == "new":
                cmd += ["--", "rm", "-rf", os.path.join(out, name)]
            return b.measure(cmd)

        same = gen(os.path.join(b.disk, "e2e"))
        changed = gen(os.path.join(b.disk, "e2e-changed"), "changed")
        new = gen(os.path.join(b.disk, "e2e-new"), "new")
        shm = gen(os.path.join(b.shm, "e2e"), "changed") if b.shm else None
        check = b.measure([b.gwgen, "check", "--profile", path, "-o",
                           os.path.join(ROOT, "out")])
        runs = [r for r in (same, changed, new, shm, check) if r]
        rss = max(r["rss_max_kib"] for r in runs)
        own = shm or changed
        rows.append([
            name, f"{same['wall_med_ms']:.2f}",
            f"{changed['wall_med_ms']:.1f}", f"{new['wall_med_ms']:.1f}",
            f"{shm['wall_med_ms']:.2f}" if shm else "-",
            f"{check['wall_med_ms']:.2f}", f"{own['cpu_med_ms']:.1f}",
            f"{rss / 1024:.1f}",
            yes(same["wall_med_ms"] < E2E_WALL_MS),
            yes(own["wall_med_ms"] < E2E_WALL_MS),
            yes(changed["wall_med_ms"] < E2E_WALL_MS),
            yes(rss < E2E_RSS_KIB)])
    table(["profile", "disk, unchanged ms", "disk, changed ms",
           "disk, new ms", "tmpfs, changed ms", "check ms",
           "CPU ms (changed)", "peak RSS MB", "< 5 ms (unchanged)",
           "< 5 ms (tmpfs)", "< 5 ms (disk, changed)", "< 8 MB"], rows)
    print(f"(`/bin/true` through the same driver: "
          f"{floor['wall_med_ms']:.2f} ms, {floor['rss_max_kib'] / 1024:.1f}"
          " MB peak RSS: the floor of every row.)\n")


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def modes_of(top):
    """{relative path: st_mode} of everything below 'top'."""
    out = {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            path = os.path.join(d, n)
            out[os.path.relpath(path, top)] = os.lstat(path).st_mode
    return out


def limit(b):
    """gwgen against the physical limit of its job (bench/safe_write.c)."""
    print("## Against the crash-safe-writer limit\n")
    rounds = max(1, LIMIT_ROUNDS)
    per = max(3, RUNS // rounds)
    print("Each shipped profile, one whole process each: `gwgen --profile "
          "NAME -o DIR` against `safe_write SRC DIR NAME` "
          "(bench/safe_write.c), which reads the bundle gwgen wrote "
          "(SRC, written untimed beforehand; reading it is inside the "
          "timed process, as gwgen reads its profile) and writes the same "
          "files into DIR/NAME the way src/output.c does (temporary tree, "
          "every file and directory fsync'd, rename or exchange, old tree "
          "removed, DIR fsync'd) and nothing else. 'new': DIR/NAME is "
          "removed before each run (untimed), so both write every file. "
          "'changed': before each run DIR/NAME is replaced by gwgen's "
          "output for the profile moved to another region (untimed); "
          "safe_write writes every file, gwgen writes the changed ones and "
          "hard-links the rest, and both remove the old tree. "
          "'unchanged': gwgen over its own output, which it leaves alone "
          "(nothing written), shown against safe_write's 'changed'. "
          f"Median of {rounds} alternating rounds' medians of {per} runs "
          f"each. Targets (issue 13), 'new': at most {LIMIT_DISK:g}x on "
          f"disk and {LIMIT_TMPFS:g}x in tmpfs.\n")
    rows = []
    floor = b.measure(["/bin/true"])
    places = [("disk", b.disk)] + ([("tmpfs", b.shm)] if b.shm else [])
    for path in sorted(glob.glob(os.path.join(ROOT, "profiles", "*.yaml"))):
        name = os.path.basename(path)[:-len(".yaml")]
        other = variant_of(b, path)
        src = os.path.join(b.disk, "limit-src")
        p = subprocess.run([b.gwgen, "--profile", path, "-o", src],
                           capture_output=True, text=True)
        if p.returncode:
            raise Failed(f"gwgen --profile {name}: {p.stderr.strip()}")
        src = os.path.join(src, name)
        res = {}
        for place, top in places:
            for case in ("new", "changed"):
                gdir = os.path.join(top, f"limit-{case}-gwgen")
                sdir = os.path.join(top, f"limit-{case}-safe")
                os.makedirs(sdir, exist_ok=True)
                gcmd = [b.gwgen, "--profile", path, "-o", gdir]
                scmd = [b.safe_write, src, sdir, name]
                if case == "new":
                    gcmd += ["--", "rm", "-rf", os.path.join(gdir, name)]
                    scmd += ["--", "rm", "-rf", os.path.join(sdir, name)]
                else:
                    gcmd += ["--", b.gwgen, "--profile", other, "-o", gdir]
                    scmd += ["--", b.gwgen, "--profile", other, "-o", sdir]
                g, s = [], []
                for _ in range(rounds):
                    g.append(b.measure(gcmd, runs=per)["wall_med_ms"])
                    s.append(b.measure(scmd, runs=per)["wall_med_ms"])
                res[place, case] = (median(g), median(s))
            # The tree safe_write wrote is gwgen's: bytes and modes.
            out = os.path.join(top, "limit-new-safe", name)
            p = subprocess.run(["diff", "-r", src, out],
                               capture_output=True, text=True)
            if p.returncode or modes_of(src) != modes_of(out):
                b.ok = False
                print(f"safe_write's {name} differs from gwgen's:\n"
                      f"{p.stdout[-1000:]}")
        same = b.measure([b.gwgen, "--profile", path, "-o",
                          os.path.dirname(src)], runs=per)
        row = [name]
        for place, _ in places:
            for case in ("new", "changed"):
                g, s = res[place, case]
                row += [f"{g:.2f}", f"{s:.2f}", f"{g / s:.2f}x"]
        row.append(f"{same['wall_med_ms']:.2f}")
        for place, _ in places:
            g, s = res[place, "new"]
            target = LIMIT_DISK if place == "disk" else LIMIT_TMPFS
            row.append(yes(g / s <= target))
        rows.append(row)
    head = ["profile"]
    for place, _ in places:
        for case in ("new", "changed"):
            head += [f"{place} {case}: gwgen ms", "limit ms", "ratio"]
    head.append("disk unchanged: gwgen ms")
    for place, _ in places:
        target = LIMIT_DISK if place == "disk" else LIMIT_TMPFS
        head.append(f"{place} new <= {target:g}x")
    table(head, rows)
    print(f"(`/bin/true` through the same driver: "
          f"{floor['wall_med_ms']:.2f} ms, paid by both sides of every "
          "ratio.)\n")


# For the 'changed' rows of 'many': each region's neighbour in its own
# partition, so a profile moved there still verifies.
REGION_SWAP = {
    "us-east-1": "us-east-2", "us-east-2": "us-east-1",
    "us-west-2": "us-east-1", "eu-west-1": "eu-central-1",
    "eu-central-1": "eu-west-1", "eu-north-1": "eu-west-1",
    "ap-southeast-2": "ap-northeast-1", "ap-northeast-1": "ap-southeast-2",
    "ap-south-1": "ap-southeast-2", "ca-central-1": "us-east-1",
    "sa-east-1": "us-east-1", "cn-north-1": "cn-northwest-1",
    "cn-northwest-1": "cn-north-1", "us-gov-west-1": "us-gov-east-1",
    "us-gov-east-1": "us-gov-west-1",
}


def moved_profiles(d):
    """A copy of the profiles in 'd', each moved to REGION_SWAP's region."""
    out = d + "-moved"
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for path in glob.glob(os.path.join(d, "*.yaml")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(?m)^region: (\S+)$",
                      lambda m: "region: " + REGION_SWAP[m.group(1)], text)
        with open(os.path.join(out, os.path.basename(path)), "w",
                  encoding="utf-8") as f:
            f.write(text)
    return out


def many(b):
    """N synthetic profiles in one `gwgen --all DIR` invocation."""
    print("## Many profiles in one invocation\n")
    print("`gwgen --all DIR -o OUT` over N profiles from "
          "`tools/gen-profiles.py N DIR`; every profile verifies first "
          "(`gwgen verify --all DIR`). 'changed': before each run OUT "
          "holds the output of the same profiles moved to a neighbouring "
          "region (written untimed), so every profile's tree is replaced; "
          "'unchanged': OUT holds this output already. Target: 1,000 "
          f"under {MANY_1000_S:g} s; the 1,000 figure at most "
          f"{MANY_GROWTH:g}x the 100 figure; peak RSS flat in N.\n")
    rows = []
    res = {}
    for n in MANY:
        d = b.gen_profiles(n)
        moved = moved_profiles(d)
        p = subprocess.run([b.gwgen, "verify", "--all", d],
                           capture_output=True, text=True)
        if not p.returncode:
            p = subprocess.run([b.gwgen, "verify", "--all", moved],
                               capture_output=True, text=True)
        if p.returncode:
            b.ok = False
            print(f"profiles-{n} do not verify:\n{p.stderr[-2000:]}")
            continue
        # Fewer runs for the big sizes: each is a whole batch.
        runs = max(3, min(RUNS, 3000 // n))
        disk_runs = max(1, min(RUNS, 300 // n))

        def gen(out, changed, runs):
            cmd = [b.gwgen, "--all", d, "-o", out]
            if changed:
                cmd += ["--", b.gwgen, "--all", moved, "-o", out]
            return b.measure(cmd, runs=runs)

        shm = gen(os.path.join(b.shm, f"many-{n}"), True, runs) \
            if b.shm else None
        same = gen(os.path.join(b.disk, f"many-{n}"), False, disk_runs)
        disk = gen(os.path.join(b.disk, f"many-{n}"), True, disk_runs)
        ver = b.measure([b.gwgen, "verify", "--all", d], runs=runs)
        best = shm or disk
        res[n] = (best, same, disk)
        rows.append([
            n, f"{best['wall_med_ms']:.0f}",
            f"{best['wall_med_ms'] / n:.2f}",
            f"{best['cpu_med_ms']:.0f}",
            f"{best['rss_max_kib'] / 1024:.1f}",
            f"{same['wall_med_ms']:.0f}", f"{same['wall_med_ms'] / n:.2f}",
            f"{disk['wall_med_ms']:.0f}", f"{disk['wall_med_ms'] / n:.1f}",
            f"{max(same['rss_max_kib'], disk['rss_max_kib']) / 1024:.1f}",
            f"{ver['wall_med_ms']:.0f}"])
    table(["N", "tmpfs, changed ms", "ms/profile", "CPU ms", "peak RSS MB",
           "disk, unchanged ms", "ms/profile", "disk, changed ms",
           "ms/profile", "disk peak RSS MB", "verify-only ms"], rows)
    if 100 in res and 1000 in res:
        t100, t1000 = res[100][0], res[1000][0]
        tr = t1000["wall_med_ms"] / t100["wall_med_ms"]
        rr = t1000["rss_max_kib"] / t100["rss_max_kib"]
        same, disk = res[1000][1], res[1000][2]
        print(f"- 1,000 profiles, target {MANY_1000_S:g} s: tmpfs, changed "
              f"{t1000['wall_med_ms'] / 1000:.2f} s: "
              f"{yes(t1000['wall_med_ms'] / 1000 < MANY_1000_S)}; disk, "
              f"unchanged {same['wall_med_ms'] / 1000:.2f} s: "
              f"{yes(same['wall_med_ms'] / 1000 < MANY_1000_S)}; disk, "
              f"changed {disk['wall_med_ms'] / 1000:.1f} s: "
              f"{yes(disk['wall_med_ms'] / 1000 < MANY_1000_S)}")
        print(f"- growth 100 -> 1,000 (tmpfs, changed): time x{tr:.1f}, "
              f"peak RSS x{rr:.2f} (at most x{MANY_GROWTH:g}): "
              f"{yes(tr <= MANY_GROWTH)}")
    if MANY and min(MANY) in res and max(MANY) in res:
        lo, hi = res[min(MANY)][0], res[max(MANY)][0]
        print(f"- peak RSS, N={min(MANY)} vs N={max(MANY)}: "
              f"{lo['rss_max_kib'] / 1024:.1f} vs "
              f"{hi['rss_max_kib'] / 1024:.1f} MB (flat: each profile's "
              "memory is freed before the next)")
    print()


def resources_of(template):
    with open(template, encoding="utf-8") as f:
        text = f.read()
    body = text.split("\nResources:\n", 1)[1].split("\nOutputs:\n", 1)[0]
    return len(re.findall(r"^  [A-Za-z0-9]+:$", body, re.M)), len(text)


def quota(b):
    """Profiles at the AWS Batch quotas."""
    print("## Profiles at the AWS quotas\n")
    print("`tools/gen-profiles.py --quota`: 50 compute environments and 50 "
          "job queues (AWS Batch's per-region quotas) with 200 job "
          "definitions and 200 managed policies ('over'), or 10 and 10 "
          "('within'). 'over' would render 507 resources and 510 outputs, "
          "more than CloudFormation's 500 and 200, so gwgen refuses it "
          "(rule C2, status 1: that refusal is what its 'verify' and "
          "'generate' rows time; verify renders in memory to find it). "
          f"Target: under {QUOTA_MS:g} ms.\n")
    rows = []
    for kind in ("within", "over"):
        path = b.gen_quota(kind)
        vcmd = [b.gwgen, "verify", "--profile", path]
        vstatus = subprocess.run(vcmd, capture_output=True).returncode
        if vstatus not in (0, 1):
            raise SystemExit(f"bench: {' '.join(vcmd)}: status {vstatus}")
        ver = b.measure(vcmd, status=vstatus)
        rows.append([kind, "verify", str(vstatus),
                     f"{ver['wall_med_ms']:.1f}",
                     f"{ver['cpu_med_ms']:.1f}",
                     f"{ver['rss_max_kib'] / 1024:.1f}", "",
                     yes(ver["wall_med_ms"] < QUOTA_MS)])
        out = os.path.join(b.shm or b.disk, "quota")
        p = subprocess.run([b.gwgen, "--profile", path, "-o", out],
                           capture_output=True, text=True)
        status = p.returncode
        # Into a new directory each time (an unchanged output would be
        # left alone, which is not what this row is for).
        fresh = ["--", "rm", "-rf", os.path.join(out, f"quota-{kind}")]
        gen = b.measure([b.gwgen, "--profile", path, "-o", out] + fresh,
                        status=status)
        what = ""
        if status == 0:
            n, size = resources_of(os.path.join(out, f"quota-{kind}",
                                                "cloudformation.yaml"))
            what = f"{n} resources, {size} bytes"
        else:
            m = re.search(r"error: (.*)", p.stderr)
            what = m.group(1)[:90] if m else "?"
        rows.append([kind, "generate" + (" (tmpfs, new)" if b.shm
                                         else " (new)"),
                     str(status), f"{gen['wall_med_ms']:.1f}",
                     f"{gen['cpu_med_ms']:.1f}",
                     f"{gen['rss_max_kib'] / 1024:.1f}", what,
                     yes(gen["wall_med_ms"] < QUOTA_MS)])
        if status == 0:
            dout = os.path.join(b.disk, "quota")
            disk = b.measure([b.gwgen, "--profile", path, "-o", dout, "--",
                              "rm", "-rf", os.path.join(dout,
                                                        f"quota-{kind}")])
            rows.append([kind, "generate (disk, new)", "0",
                         f"{disk['wall_med_ms']:.1f}",
                         f"{disk['cpu_med_ms']:.1f}",
                         f"{disk['rss_max_kib'] / 1024:.1f}", "",
                         yes(disk["wall_med_ms"] < QUOTA_MS)])
    table(["profile", "path", "status", "wall ms", "CPU ms", "peak RSS MB",
           "output", f"< {QUOTA_MS:g} ms"], rows)


def engine(b):
    """gwgen's mustache engine against mustache.js on stack.yaml.mustache."""
    print("## Mustache engine against mustache.js\n")
    print("templates/cfn/stack.yaml.mustache (+ templates/cfn and "
          "templates/common partials) with a real profile's view "
          "(`bench_view PROFILE`), through bench/mustache/run.sh (compile "
          "once, render N times, both engines HTML-escaping so the outputs "
          f"compare byte for byte); the best of {ENGINE_ROUNDS} runs of "
          "each engine. The view is checked first: gwgen's "
          "rendering with the YAML escaper equals out/NAME/"
          f"cloudformation.yaml. Target: at least {ENGINE_RATIO:g}x.\n")
    tmpl = os.path.join(ROOT, "templates", "cfn", "stack.yaml.mustache")
    parts = [os.path.join(ROOT, "templates", d) for d in ("cfn", "common")]
    # The largest shipped template, and the quota profile's.
    cases = [("workshop", os.path.join(ROOT, "profiles", "workshop.yaml"),
              os.path.join(ROOT, "out", "workshop", "cloudformation.yaml"),
              2000)]
    qpath = b.gen_quota("within")
    cases.append(("quota-within", qpath, None, 100))
    rows = []
    for name, prof, golden, n in cases:
        view = os.path.join(b.disk, f"view-{name}.json")
        with open(view, "w", encoding="utf-8") as f:
            p = subprocess.run([b.view, prof], stdout=f,
                               stderr=subprocess.PIPE, text=True)
        if p.returncode:
            b.ok = False
            print(f"bench_view {name} failed: {p.stderr[-1000:]}")
            continue
        rendered = os.path.join(b.disk, f"render-{name}.yaml")
        pargs = sum((["-p", d] for d in parts), [])
        p = subprocess.run([b.render, "-n", str(n), "-e", "yaml"] + pargs
                           + ["-o", rendered, tmpl, view],
                           capture_output=True, text=True)
        m = re.search(r"cpu_rate=([\d.]+) wall_rate=([\d.]+) bytes=(\d+)",
                      p.stdout)
        if p.returncode or not m:
            b.ok = False
            print(f"bench_render {name} failed: {p.stderr[-1000:]}")
            continue
        yaml_rate = float(m.group(1))
        same = "-"
        if golden:
            with open(rendered, "rb") as f1, open(golden, "rb") as f2:
                same = "yes" if f1.read() == f2.read() else "**no**"
            b.ok = b.ok and same == "yes"
        env = dict(os.environ, N=str(n), BENCH_RENDER=b.render,
                   ESCAPE="html")
        # The best of ENGINE_ROUNDS runs of each engine: on a shared
        # machine a single run's rate varies by 20% or more either way.
        best_gw = best_js = None
        size, ident = None, "-"
        for _ in range(ENGINE_ROUNDS):
            p = subprocess.run(["sh", os.path.join(ROOT, "bench",
                                                   "mustache", "run.sh"),
                                tmpl, view] + parts,
                               capture_output=True, text=True, env=env)
            gw = re.search(r"gwgen: (\d+) renders per CPU second, (\d+) "
                           r"per wall second \(\d+ renders of (\d+) bytes",
                           p.stdout)
            js = re.search(r"mustache.js: (\d+) renders per CPU second, "
                           r"(\d+)", p.stdout)
            if not gw:
                break
            size = gw.group(3)
            best_gw = max(best_gw or 0, int(gw.group(1)))
            if js:
                best_js = max(best_js or 0, int(js.group(1)))
            if "DIFFER" in p.stdout:
                ident = "**differ**"
            elif "outputs: identical" in p.stdout and ident == "-":
                ident = "identical"
        if not gw:
            b.ok = False
            print(f"run.sh {name} failed: {p.stdout[-1000:]}"
                  f"{p.stderr[-1000:]}")
            continue
        ratio = best_gw / best_js if best_js else None
        rows.append([name, size, n, f"{yaml_rate:.0f}",
                     same, str(best_gw),
                     str(best_js) if best_js else "skipped",
                     f"{ratio:.1f}x" if ratio else "-", ident,
                     yes(ratio is not None and ratio >= ENGINE_RATIO)])
    table(["view", "bytes", "renders", "gwgen yaml-escaped /CPU s",
           "= out/", "gwgen html /CPU s", "mustache.js /CPU s", "ratio",
           "outputs", f">= {ENGINE_RATIO:g}x"], rows)


def template(b):
    """`gwgen verify --template` on large hand-written templates."""
    print("## Verifying a large CloudFormation template\n")
    print("`gwgen verify --template FILE` on a template from "
          "`bench/gen-template.py N` (buckets, policies, roles, instance "
          "profiles, launch templates with MIME user data, compute "
          "environments, queues, job definitions, log groups, cross-"
          "referenced). 1,000 resources exceed CloudFormation's 500, which "
          "the verifier reports (C2, status 1) after running every rule. "
          f"Target: 1,000 resources under {TEMPLATE_MS:g} ms.\n")
    rows = []
    for n in (100, 500, 1000):
        path = os.path.join(b.disk, f"template-{n}.yaml")
        with open(path, "w", encoding="utf-8") as f:
            subprocess.run([sys.executable,
                            os.path.join(ROOT, "bench", "gen-template.py"),
                            str(n)], stdout=f, check=True)
        p = subprocess.run([b.gwgen, "verify", "--template", path],
                           capture_output=True, text=True)
        errors = sorted(set(re.findall(r"error: .*\[([A-Z0-9]+)\]$",
                                       p.stderr, re.M)))
        r = b.measure([b.gwgen, "verify", "--template", path],
                      status=p.returncode)
        rows.append([n, os.path.getsize(path), p.returncode,
                     ", ".join(errors) or "-", f"{r['wall_med_ms']:.1f}",
                     f"{r['cpu_med_ms']:.1f}",
                     f"{r['rss_max_kib'] / 1024:.1f}",
                     yes(r["wall_med_ms"] < TEMPLATE_MS)])
    table(["resources", "bytes", "status", "errors", "wall ms", "CPU ms",
           "peak RSS MB", f"< {TEMPLATE_MS:g} ms"], rows)


BENCHES = {"e2e": e2e, "limit": limit, "many": many, "quota": quota, "engine": engine,
           "template": template}


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) > 1 else 2
    which = sys.argv[2:] or ["all"]
    if "all" in which:
        which = list(BENCHES)
    for w in which:
        if w not in BENCHES:
            print(f"unknown benchmark '{w}' ({', '.join(BENCHES)}, all)",
                  file=sys.stderr)
            return 2
    try:
        b = Bench(sys.argv[1])
    except Failed as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2
    try:
        machine(b)
        for w in which:
            BENCHES[w](b)
            sys.stdout.flush()
    except Failed as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    finally:
        b.cleanup()
    return 0 if b.ok else 1


if __name__ == "__main__":
    sys.exit(main())
