#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The UserData of cloudformation.yaml as each mainstream consumer reads it.

usage: userdata_parsers.py DIR [CONSUMER...]

DIR is a generated out/NAME/. Every AWS::EC2::LaunchTemplate's UserData,
read by each CONSUMER, must be byte for byte its userdata/LTNAME.mime
(LTNAME: the resource's LaunchTemplateName). Consumers:
  libyaml     PyYAML's CSafeLoader, which is libyaml (as gwgen's check stage)
  pyyaml      PyYAML's pure-Python SafeLoader
  yaml-npm    the `yaml` npm package (tests/tools/node_modules)
  cfninclude  the AWS CDK's CfnInclude (tests/tools/cdk/node_modules)
Default: the first three. A YAML block scalar with an explicit indentation
indicator (`|2+`) is read differently by CfnInclude, so gwgen writes `|+`.

Exit status: 0 identical, 1 a difference, 2 a missing tool or bad usage, 77
when only cfninclude was asked for and aws-cdk-lib is not installed.
"""

import json
import os
import shutil
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77
DEFAULT = ["libyaml", "pyyaml", "yaml-npm"]


def tagged(loader, suffix, node):
    """A CloudFormation short tag (!Base64, !Sub, ...) as its plain value."""
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


def with_pyyaml(path, loader_class):
    class Loader(loader_class):  # pylint: disable=too-many-ancestors
        pass

    Loader.add_multi_constructor("!", tagged)
    with open(path, "rb") as f:
        doc = yaml.load(f, Loader=Loader)  # noqa: S506 (a SafeLoader)
    out = {}
    for lid, r in (doc.get("Resources") or {}).items():
        if isinstance(r, dict) and r.get("Type") == "AWS::EC2::LaunchTemplate":
            ud = ((r.get("Properties") or {}).get("LaunchTemplateData")
                  or {}).get("UserData")
            if ud is not None:
                out[lid] = ud
    return out


def with_node(path, mode):
    node = shutil.which("node")
    if not node:
        print("userdata_parsers: node is needed")
        sys.exit(2)
    p = subprocess.run([node, os.path.join(HERE, "userdata_yaml.js"), mode,
                        path], capture_output=True, text=True, check=False)
    if p.returncode == SKIP:
        sys.stderr.write(p.stderr)
        return None
    if p.returncode != 0:
        print(p.stderr.strip())
        sys.exit(1)
    return json.loads(p.stdout)


def names(path):
    """LaunchTemplateName of each launch template, by logical ID."""
    class Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
        pass

    Loader.add_multi_constructor("!", tagged)
    with open(path, "rb") as f:
        doc = yaml.load(f, Loader=Loader)  # noqa: S506
    return {lid: r["Properties"]["LaunchTemplateName"]
            for lid, r in (doc.get("Resources") or {}).items()
            if isinstance(r, dict)
            and r.get("Type") == "AWS::EC2::LaunchTemplate"}


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    out_dir = argv[1]
    consumers = argv[2:] or DEFAULT
    path = os.path.join(out_dir, "cloudformation.yaml")
    if not yaml.__with_libyaml__ and "libyaml" in consumers:
        print("userdata_parsers: PyYAML is built without libyaml")
        return 2
    lt_names = names(path)
    want = {}
    for lid, name in lt_names.items():
        mime = os.path.join(out_dir, "userdata", name + ".mime")
        if os.path.exists(mime):
            with open(mime, encoding="utf-8", newline="") as f:
                want[lid] = f.read()
    failures = 0
    skipped = 0
    for c in consumers:
        if c == "libyaml":
            got = with_pyyaml(path, yaml.CSafeLoader)
        elif c == "pyyaml":
            got = with_pyyaml(path, yaml.SafeLoader)
        elif c == "yaml-npm":
            got = with_node(path, "yaml")
        elif c == "cfninclude":
            got = with_node(path, "cfninclude")
        else:
            sys.stderr.write(f"userdata_parsers: unknown consumer {c}\n")
            return 2
        if got is None:
            skipped += 1
            continue
        if set(got) != set(want):
            print(f"{path}: {c}: UserData of {sorted(got)}, "
                  f"want {sorted(want)}")
            failures += 1
            continue
        for lid in sorted(want):
            if got[lid] != want[lid]:
                g, w = got[lid], want[lid]
                at = next((i for i in range(min(len(g), len(w)))
                           if g[i] != w[i]), min(len(g), len(w)))
                line = w.count("\n", 0, at) + 1
                print(f"{path}: {c}: {lid}'s UserData differs from "
                      f"userdata/{lt_names[lid]}.mime from line {line} "
                      f"({len(g)} vs {len(w)} characters): "
                      f"{g[at:at + 40]!r} vs {w[at:at + 40]!r}")
                failures += 1
    if failures:
        return 1
    if skipped == len(consumers):
        return SKIP
    print(f"{path}: {', '.join(c for c in consumers)}: UserData of "
          f"{len(want)} launch template(s) identical to userdata/*.mime")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
