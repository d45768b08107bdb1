#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden tests: gwgen's output for each shipped profile equals out/NAME/.

Modes (the first argument):

  compare NAME      generate profiles/NAME.yaml into a scratch directory under
                    the build directory and compare the whole tree with the
                    committed out/NAME/ byte for byte: the file list, every
                    file's contents and its mode. On a mismatch it prints what
                    differs with a unified diff. With GWGEN_UPDATE_GOLDEN=1 it
                    instead runs gwgen into the source tree's out/ (rewriting
                    out/NAME/), then compares again; review the diff with git.
  determinism NAME  generate twice from the source root (relative profile
                    path) and once from an unrelated working directory
                    (absolute profile path, another output directory) and
                    require identical trees, and no absolute path of either
                    run in any file.
  template NAME     the committed out/NAME/cloudformation.yaml passes every
                    template rule (`gwgen verify --template`) without an
                    error: generation holds a rendered template only to
                    CloudFormation's limits (the check stage), since the
                    profile verifier judged everything it is made of, so
                    this is where gwgen's own templates meet the rest.
  coverage N1 N2..  the names given (the golden test list in meson.build),
                    profiles/*.yaml and the directories of out/ are the same
                    set, so no profile goes untested and no stale output stays.

Environment (set by meson): GWGEN (the binary), GWGEN_SOURCE_ROOT (the
source tree), GWGEN_SCRATCH (a directory under the build tree; tests write
only there, and to out/ only when GWGEN_UPDATE_GOLDEN=1).
"""

import difflib
import os
import shutil
import stat
import subprocess
import sys

# Lines of unified diff printed per differing file before cutting it short.
MAX_DIFF_LINES = 200
# Distinct differing files shown with a diff before only their names are.
MAX_DIFF_FILES = 20


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"run_golden: {name} is not set (run through meson test)")
    return value


def read_tree(top):
    """{relative path: (mode bits, bytes)} of every file under 'top'.

    Directories are implied by the files; a symlink or any other non-regular
    entry is reported as such so it cannot slip through a comparison.
    """
    tree = {}
    for root, dirs, files in os.walk(top, followlinks=False):
        dirs.sort()
        for name in sorted(files) + [d for d in dirs
                                     if os.path.islink(os.path.join(root, d))]:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, top).replace(os.sep, "/")
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                tree[rel] = (st.st_mode, b"<not a regular file>")
                continue
            with open(path, "rb") as f:
                tree[rel] = (stat.S_IMODE(st.st_mode), f.read())
    return tree


def show_bytes_diff(rel, want, got, out):
    try:
        a = want.decode("utf-8").splitlines(keepends=True)
        b = got.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        out.write(f"  (binary contents differ: {len(want)} vs {len(got)} "
                  "bytes)\n")
        return
    lines = list(difflib.unified_diff(a, b, "expected/" + rel, "actual/" + rel))
    for line in lines[:MAX_DIFF_LINES]:
        out.write(line if line.endswith("\n") else line + "\n\\ no newline\n")
    if len(lines) > MAX_DIFF_LINES:
        out.write(f"  ... {len(lines) - MAX_DIFF_LINES} more diff lines\n")


def compare_trees(want, got, want_name, got_name, out):
    """Print every difference; return True when the trees are identical."""
    ok = True
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    for rel in missing:
        out.write(f"missing in {got_name}: {rel}\n")
        ok = False
    for rel in extra:
        out.write(f"extra in {got_name} (not in {want_name}): {rel}\n")
        ok = False
    shown = 0
    for rel in sorted(set(want) & set(got)):
        wmode, wdata = want[rel]
        gmode, gdata = got[rel]
        if wmode != gmode:
            out.write(f"mode differs: {rel}: {want_name} {wmode:04o}, "
                      f"{got_name} {gmode:04o}\n")
            ok = False
        if wdata != gdata:
            out.write(f"contents differ: {rel}\n")
            ok = False
            if shown < MAX_DIFF_FILES:
                show_bytes_diff(rel, wdata, gdata, out)
            shown += 1
    return ok


def run_gwgen(args, cwd):
    gwgen = env("GWGEN")
    proc = subprocess.run([gwgen] + args, cwd=cwd, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        sys.stderr.write(f"gwgen {' '.join(args)} (in {cwd}) exited "
                         f"{proc.returncode}\n{proc.stdout}{proc.stderr}")
        sys.exit(1)
    return proc


def fresh_dir(path):
    if os.path.lexists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    return path


def generate(name, out_dir, cwd, absolute):
    src = env("GWGEN_SOURCE_ROOT")
    profile = os.path.join(src, "profiles", name + ".yaml")
    if not absolute:
        profile = os.path.relpath(profile, cwd)
    run_gwgen(["--profile", profile, "-o", out_dir, "--color", "never"], cwd)
    tree_dir = os.path.join(out_dir, name)
    if not os.path.isdir(tree_dir):
        sys.exit(f"gwgen did not write {tree_dir}")
    return tree_dir


def cmd_compare(name):
    src = env("GWGEN_SOURCE_ROOT")
    scratch = env("GWGEN_SCRATCH")
    golden_dir = os.path.join(src, "out", name)
    if os.environ.get("GWGEN_UPDATE_GOLDEN") == "1":
        # Regenerate the committed output with the real binary.
        generate(name, os.path.join(src, "out"), src, absolute=False)
        print(f"updated out/{name}/ (review it with git diff)")
    if not os.path.isdir(golden_dir):
        print(f"out/{name}/ does not exist; generate it with "
              f"GWGEN_UPDATE_GOLDEN=1 meson test --suite golden")
        return 1
    work = fresh_dir(os.path.join(scratch, "compare-" + name))
    got = generate(name, work, work, absolute=True)
    if compare_trees(read_tree(golden_dir), read_tree(got),
                     f"out/{name}", "generated", sys.stdout):
        print(f"out/{name}/ matches gwgen's output")
        return 0
    print(f"\nout/{name}/ is stale. If the change is intended, regenerate "
          f"with:\n  GWGEN_UPDATE_GOLDEN=1 meson test -C BUILDDIR --suite "
          f"golden\nand review the diff.")
    return 1


def find_absolute_paths(tree, paths):
    bad = []
    for rel, (_, data) in sorted(tree.items()):
        for p in paths:
            if p.encode() in data:
                bad.append((rel, p))
    return bad


def cmd_determinism(name):
    src = env("GWGEN_SOURCE_ROOT")
    scratch = env("GWGEN_SCRATCH")
    base = fresh_dir(os.path.join(scratch, "determinism-" + name))
    first = generate(name, os.path.join(base, "a"), src, absolute=False)
    second = generate(name, os.path.join(base, "b"), src, absolute=False)
    elsewhere_cwd = fresh_dir(os.path.join(base, "elsewhere", "cwd"))
    third = generate(name, os.path.join(base, "elsewhere", "out"),
                     elsewhere_cwd, absolute=True)
    ta, tb, tc = read_tree(first), read_tree(second), read_tree(third)
    ok = compare_trees(ta, tb, "run 1", "run 2", sys.stdout)
    ok = compare_trees(ta, tc, "run 1", "run from another directory",
                       sys.stdout) and ok
    abs_paths = sorted({os.path.realpath(p) for p in (src, scratch, base)}
                       | {src, scratch, base}, key=len, reverse=True)
    for rel, p in find_absolute_paths(tc, abs_paths):
        print(f"absolute path '{p}' in {rel}")
        ok = False
    if ok:
        print(f"{name}: three runs gave identical bytes, no absolute paths")
        return 0
    return 1


def cmd_coverage(names):
    src = env("GWGEN_SOURCE_ROOT")
    tested = set(names)
    profiles = {f[:-len(".yaml")] for f in os.listdir(os.path.join(src,
                "profiles")) if f.endswith(".yaml")}
    out_dir = os.path.join(src, "out")
    outs = {d for d in os.listdir(out_dir)
            if os.path.isdir(os.path.join(out_dir, d))
            and not d.startswith(".")} if os.path.isdir(out_dir) else set()
    ok = True
    for n in sorted(profiles - tested):
        print(f"profiles/{n}.yaml has no golden test (add it to "
              "tests/golden/meson.build)")
        ok = False
    for n in sorted(tested - profiles):
        print(f"golden test '{n}' has no profiles/{n}.yaml")
        ok = False
    for n in sorted(outs - profiles):
        print(f"out/{n}/ has no profile: stale output, remove it")
        ok = False
    for n in sorted(profiles - outs):
        print(f"profiles/{n}.yaml has no out/{n}/ (GWGEN_UPDATE_GOLDEN=1)")
        ok = False
    if ok:
        print(f"{len(profiles)} profiles, each with a golden test and out/")
    return 0 if ok else 1


def cmd_template(name):
    src = env("GWGEN_SOURCE_ROOT")
    path = os.path.join("out", name, "cloudformation.yaml")
    p = subprocess.run([env("GWGEN"), "verify", "--template", path],
                       cwd=src, capture_output=True, text=True)
    if p.returncode != 0 or ": error:" in p.stderr:
        sys.stdout.write(p.stderr)
        print(f"{path}: the template verifier refuses it "
              f"(status {p.returncode})")
        return 1
    print(f"{path}: no template rule refuses it")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "compare":
        return cmd_compare(argv[2])
    if len(argv) >= 3 and argv[1] == "determinism":
        return cmd_determinism(argv[2])
    if len(argv) >= 3 and argv[1] == "template":
        return cmd_template(argv[2])
    if len(argv) >= 2 and argv[1] == "coverage":
        return cmd_coverage(argv[2:])
    sys.stderr.write("usage: run_golden.py compare NAME | determinism NAME | "
                     "template NAME | coverage NAME...\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
