#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The stack's KMS key (compliance: hipaa) lets the stack work and nothing else.

usage: kms_policy.py DIR
       kms_policy.py --copy-of BASE.yaml COPY.yaml

DIR is a generated out/NAME/ whose profile sets 'compliance: hipaa'. Its
cloudformation.yaml is read with the pseudo parameters of a sample account,
and requests to the key are evaluated the way AWS KMS does for a key in the
same account (AWS KMS Developer Guide, "Determining access to an AWS KMS
key"): the key policy must allow the request; where it allows it to the
account (Principal ...:root), the caller's IAM policies must allow it too;
an explicit Deny wins. What must be allowed:

  - every role of the stack whose policies read the bucket's objects may
    kms:Decrypt through S3 for the bucket, and kms:GenerateDataKey where
    its policies write them (the bucket's default encryption is this key,
    with an S3 Bucket Key, so the encryption context is the bucket's ARN);
  - every user scripts/users.sh creates, the same way, with the policies
    users.sh attaches to it (directly and through the stack's groups);
  - CloudWatch Logs (logs.REGION.amazonaws.com) for each log group of the
    stack encrypted with the key;
  - the account administers the key (PutKeyPolicy, DescribeKey,
    ScheduleKeyDeletion), so it cannot lock itself out.

And what must not be: the key used directly rather than through S3, through
another service, for another bucket or log group, by a principal of the
account the key policy does not name (even one whose IAM policies allow
kms:* on every key), by the account's administrators, by another account or
another service; a statement with Principal "*".

With --copy-of, COPY.yaml must be BASE.yaml but for comments, 'name',
'description', 'compliance' and the settings compliance 'hipaa' refuses
(K1): bucket 'encryption' and Nextflow's 'storage_encryption'.

Exit status: 0 as described, 1 a difference, 2 bad usage.
"""

import fnmatch
import os
import re
import sys

import yaml

# The seed tests' reader of CloudFormation's short-form intrinsics.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "seeds"))
import seedlib  # noqa: E402 pylint: disable=wrong-import-position

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
USAGE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
         "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
         "kms:GenerateDataKeyPair", "kms:GenerateMac", "kms:Sign",
         "kms:DeriveSharedSecret"]
ADMIN = ["kms:PutKeyPolicy", "kms:DescribeKey", "kms:ScheduleKeyDeletion",
         "kms:GetKeyPolicy", "kms:EnableKeyRotation"]


def load(path):
    with open(path, encoding="utf-8") as f:
        return seedlib.load_cfn_text(f.read())


def partition_of(region):
    if region.startswith("cn-"):
        return "aws-cn", "amazonaws.com.cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov", "amazonaws.com"
    return "aws", "amazonaws.com"


class Stack:
    """The template with its intrinsic functions resolved for one account."""

    def __init__(self, d):
        self.template = load(os.path.join(d, "cloudformation.yaml"))
        with open(os.path.join(d, "scripts", "deploy.sh"),
                  encoding="utf-8") as f:
            m = re.search(r"^readonly REGION=(\S+)$", f.read(), re.M)
        self.region = m.group(1).strip("'\"")
        self.partition, self.suffix = partition_of(self.region)
        self.res = self.template["Resources"]

    def pseudo(self, name):
        return {"AWS::Partition": self.partition, "AWS::Region": self.region,
                "AWS::AccountId": ACCOUNT, "AWS::URLSuffix": self.suffix,
                "AWS::StackName": "stack"}.get(name)

    def attr(self, lid, att):
        r = self.res[lid]
        p = r.get("Properties", {})
        t = r["Type"]
        if t == "AWS::KMS::Key" and att == "Arn":
            return (f"arn:{self.partition}:kms:{self.region}:{ACCOUNT}:"
                    f"key/{KEY_ID}")
        if t == "AWS::S3::Bucket" and att == "Arn":
            return f"arn:{self.partition}:s3:::{p.get('BucketName', lid)}"
        if t == "AWS::IAM::Role" and att == "Arn":
            return f"arn:{self.partition}:iam::{ACCOUNT}:role/{p['RoleName']}"
        if t == "AWS::Logs::LogGroup" and att == "Arn":
            return (f"arn:{self.partition}:logs:{self.region}:{ACCOUNT}:"
                    f"log-group:{p['LogGroupName']}:*")
        raise KeyError(f"{lid}.{att}")

    def ref(self, name):
        v = self.pseudo(name)
        if v is not None:
            return v
        r = self.res[name]
        if r["Type"] == "AWS::IAM::ManagedPolicy":
            return (f"arn:{self.partition}:iam::{ACCOUNT}:policy/"
                    f"{r['Properties']['ManagedPolicyName']}")
        if r["Type"] == "AWS::KMS::Key":
            return KEY_ID
        return r["Properties"].get("BucketName", name)

    def value(self, v):
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, str) or not isinstance(v, dict):
            return v
        if "Fn::Sub" in v:
            def sub(m):
                name = m.group(1)
                if name.startswith("!"):
                    return "${" + name[1:] + "}"
                if "." in name and self.pseudo(name) is None:
                    return self.attr(*name.split(".", 1))
                return self.ref(name)
            return re.sub(r"\$\{([^}]*)\}", sub, v["Fn::Sub"])
        if "Ref" in v:
            return self.ref(v["Ref"])
        if "Fn::GetAtt" in v:
            return self.attr(*v["Fn::GetAtt"])
        return {k: self.value(x) for k, x in v.items()}

    def of_type(self, t):
        return [(lid, r) for lid, r in self.res.items() if r["Type"] == t]


as_list = seedlib.as_list


def glob(pattern, text, case=False):
    if case:
        return fnmatch.fnmatchcase(text.lower(), pattern.lower())
    return fnmatch.fnmatchcase(text, pattern)


def condition_holds(cond, ctx):
    """IAM's condition operators the key policy uses, all keys ANDed."""
    for op, keys in (cond or {}).items():
        for key, want in keys.items():
            want = [str(w) for w in as_list(want)]
            have = ctx.get(key)
            if op == "Null":
                if (have is None) != (want[0] == "true"):
                    return False
            elif have is None:
                if op in ("StringEquals", "ArnEquals", "ArnLike"):
                    return False
            elif op == "StringEquals":
                if have not in want:
                    return False
            elif op in ("ArnEquals", "ArnLike"):
                if not any(glob(w, have) for w in want):
                    return False
            elif op == "StringNotEquals":
                if have in want:
                    return False
            else:
                raise ValueError(f"operator {op} not evaluated")
    return True


def principal_matches(st, caller):
    """('aws', ARN) or ('service', NAME) against the statement's Principal;
    returns 'direct', 'account' (root: IAM must allow too) or None."""
    p = st.get("Principal")
    if p == "*" or "NotPrincipal" in st:
        return "direct"
    kind, who = caller
    if kind == "service":
        return "direct" if who in as_list(p.get("Service", [])) else None
    for arn in as_list(p.get("AWS", [])):
        if arn == who:
            return "direct"
        m = re.fullmatch(r"arn:[^:]+:iam::(\d{12}):root", arn)
        if m and f":{m.group(1)}:" in who.replace("::", ":"):
            return "account"
    return None


def key_policy_allows(policy, action, caller, ctx):
    """None: denied or not allowed; else 'direct' or 'account'."""
    how = None
    for st in as_list(policy.get("Statement", [])):
        if not any(glob(a, action, True) for a in as_list(st["Action"])):
            continue
        m = principal_matches(st, caller)
        if m is None or not condition_holds(st.get("Condition"), ctx):
            continue
        if st["Effect"] == "Deny":
            return None
        how = "direct" if m == "direct" or how == "direct" else m
    return how


def iam_allows(statements, action, resource):
    ok = False
    for st in statements:
        if not any(glob(a, action, True) for a in as_list(st["Action"])):
            continue
        if not any(glob(r, resource) for r in as_list(st["Resource"])):
            continue
        if st["Effect"] == "Deny":
            return False
        ok = True
    return ok


class Check:
    def __init__(self, d):
        self.d = d
        self.s = Stack(d)
        self.errors = 0
        self.checked = 0
        keys = self.s.of_type("AWS::KMS::Key")
        if len(keys) != 1:
            self.fail(f"expected one AWS::KMS::Key, found {len(keys)}")
            raise SystemExit(1)
        self.key_id = keys[0][0]
        self.key_arn = self.s.attr(self.key_id, "Arn")
        props = keys[0][1]["Properties"]
        self.policy = self.s.value(props["KeyPolicy"])
        if props.get("EnableKeyRotation") is not True:
            self.fail("the key's EnableKeyRotation is not true")
        self.policies = {lid: self.s.value(r["Properties"]["PolicyDocument"])
                         for lid, r in self.s.of_type(
                             "AWS::IAM::ManagedPolicy")}
        bucket = self.s.of_type("AWS::S3::Bucket")
        self.bucket = next((lid for lid, r in bucket
                            if "BucketName" in r["Properties"]), None)

    def fail(self, msg):
        print(f"{self.d}: error: {msg}")
        self.errors += 1

    def statements(self, policy_arns):
        out = []
        for lid, doc in self.policies.items():
            if self.s.ref(lid) in policy_arns:
                out += as_list(doc["Statement"])
        return out

    def decide(self, action, caller, ctx, iam=None):
        """Whether KMS allows it; 'iam' holds the caller's statements."""
        self.checked += 1
        how = key_policy_allows(self.policy, action, caller, ctx)
        if how == "account":
            return iam is not None and iam_allows(iam, action, self.key_arn)
        return how == "direct"

    def expect(self, want, what, action, caller, ctx, iam=None):
        got = self.decide(action, caller, ctx, iam)
        if got != want:
            self.fail(f"{what}: {action} is {'allowed' if got else 'denied'}"
                      f", expected {'allowed' if want else 'denied'}")

    def s3_ctx(self, principal, bucket_arn, via=None):
        return {"kms:ViaService": via or f"s3.{self.s.region}.{self.s.suffix}",
                "kms:CallerAccount": ACCOUNT, "aws:PrincipalArn": principal,
                "kms:EncryptionContext:aws:s3:arn": bucket_arn}

    def object_use(self, statements, bucket_arn):
        reads = iam_allows(statements, "s3:GetObject", bucket_arn + "/x")
        writes = iam_allows(statements, "s3:PutObject", bucket_arn + "/x")
        return reads, writes

    def bucket_encryption(self):
        b = self.s.value(self.s.res[self.bucket]["Properties"])
        rule = b["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        sse = rule["ServerSideEncryptionByDefault"]
        if sse.get("SSEAlgorithm") != "aws:kms" or \
                sse.get("KMSMasterKeyID") != self.key_arn:
            self.fail(f"bucket {self.bucket} is not encrypted with the key")
        if rule.get("BucketKeyEnabled") is not True:
            self.fail(f"bucket {self.bucket} has no S3 Bucket Key")

    def roles(self, bucket_arn):
        n = 0
        for lid, r in self.s.of_type("AWS::IAM::Role"):
            p = self.s.value(r["Properties"])
            arn = self.s.attr(lid, "Arn")
            iam = self.statements(p.get("ManagedPolicyArns", []))
            reads, writes = self.object_use(iam, bucket_arn)
            caller = ("aws", arn)
            ctx = self.s3_ctx(arn, bucket_arn)
            self.expect(reads, f"role {lid} through S3", "kms:Decrypt",
                        caller, ctx, iam)
            self.expect(writes, f"role {lid} through S3",
                        "kms:GenerateDataKey", caller, ctx, iam)
            n += reads
            if not reads:
                continue
            self.expect(False, f"role {lid} directly", "kms:Decrypt",
                        caller, {"kms:CallerAccount": ACCOUNT,
                                 "aws:PrincipalArn": arn}, iam)
            self.expect(False, f"role {lid} for another bucket",
                        "kms:Decrypt", caller, self.s3_ctx(
                            arn, bucket_arn + "-other"), iam)
            self.expect(False, f"role {lid} through EC2", "kms:Decrypt",
                        caller, self.s3_ctx(
                            arn, bucket_arn,
                            f"ec2.{self.s.region}.{self.s.suffix}"), iam)
            for a in USAGE:
                if a not in ("kms:Decrypt", "kms:GenerateDataKey"):
                    self.expect(False, f"role {lid} through S3", a, caller,
                                ctx, iam)
        return n

    def users_sh(self):
        """{user: [policy ARN]} as scripts/users.sh attaches them, directly
        and through the stack's groups."""
        path = os.path.join(self.d, "scripts", "users.sh")
        if not os.path.exists(path):
            return {}
        outputs = self.s.template.get("Outputs", {})
        groups = {self.s.value(r["Properties"]["GroupName"]):
                  self.s.value(r["Properties"].get("ManagedPolicyArns", []))
                  for _, r in self.s.of_type("AWS::IAM::Group")}
        users, user = {}, None
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^user='([^']*)'$", line)
                if m:
                    user = m.group(1)
                    users[user] = []
                    continue
                m = re.search(r"attach-user-policy .*policy_arn\[(\w+)\]",
                              line)
                if m and user:
                    users[user].append(self.s.value(
                        outputs[m.group(1)]["Value"]))
                m = re.search(r"add-user-to-group .*--group-name=(\S+)", line)
                if m and user:
                    users[user] += groups[m.group(1).strip("'\"")]
        return users

    def users(self, bucket_arn):
        """Each user of users.sh may use the key through S3 as far as the
        policies users.sh attaches read and write the bucket's objects."""
        n = 0
        for name, arns in self.users_sh().items():
            arn = f"arn:{self.s.partition}:iam::{ACCOUNT}:user/{name}"
            iam = self.statements(arns)
            reads, writes = self.object_use(iam, bucket_arn)
            ctx = self.s3_ctx(arn, bucket_arn)
            self.expect(reads, f"user {name} through S3", "kms:Decrypt",
                        ("aws", arn), ctx, iam)
            self.expect(writes, f"user {name} through S3",
                        "kms:GenerateDataKey", ("aws", arn), ctx, iam)
            n += reads
        return n

    def logs(self):
        svc = ("service", f"logs.{self.s.region}.{self.s.suffix}")
        n = 0
        for lid, r in self.s.of_type("AWS::Logs::LogGroup"):
            p = self.s.value(r["Properties"])
            if p.get("KmsKeyId") != self.key_arn:
                self.fail(f"log group {lid} is not encrypted with the key")
                continue
            arn = (f"arn:{self.s.partition}:logs:{self.s.region}:{ACCOUNT}:"
                   f"log-group:{p['LogGroupName']}")
            for a in ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey",
                      "kms:ReEncryptFrom", "kms:DescribeKey"):
                self.expect(True, f"CloudWatch Logs for {lid}", a, svc,
                            {"kms:EncryptionContext:aws:logs:arn": arn})
            n += 1
        other = (f"arn:{self.s.partition}:logs:{self.s.region}:{ACCOUNT}:"
                 "log-group:/some/other/group")
        self.expect(False, "CloudWatch Logs for another log group",
                    "kms:Decrypt", svc,
                    {"kms:EncryptionContext:aws:logs:arn": other})
        self.expect(False, "CloudWatch Logs without a log group",
                    "kms:Decrypt", svc, {})
        return n

    def nothing_else(self, bucket_arn):
        admin_iam = [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]
        outsider = f"arn:{self.s.partition}:iam::{ACCOUNT}:role/someone-else"
        root = f"arn:{self.s.partition}:iam::{ACCOUNT}:root"
        foreign = f"arn:{self.s.partition}:iam::{OTHER_ACCOUNT}:role/x"
        for a in USAGE:
            self.expect(False, "a role of the account the key policy does "
                        "not name, with kms:* in IAM", a, ("aws", outsider),
                        self.s3_ctx(outsider, bucket_arn), admin_iam)
            self.expect(False, "the account's administrators", a,
                        ("aws", root), {"kms:CallerAccount": ACCOUNT,
                                        "aws:PrincipalArn": root}, admin_iam)
            self.expect(False, "another account", a, ("aws", foreign),
                        self.s3_ctx(foreign, bucket_arn), admin_iam)
            for svc in ("s3.amazonaws.com", "ec2.amazonaws.com",
                        "batch.amazonaws.com"):
                self.expect(False, f"service {svc}", a, ("service", svc), {})
        for a in ADMIN:
            self.expect(True, "the account administering the key", a,
                        ("aws", root), {"aws:PrincipalArn": root}, admin_iam)
            self.expect(False, "another account administering the key", a,
                        ("aws", foreign), {}, admin_iam)
        for st in as_list(self.policy["Statement"]):
            if st.get("Principal") == "*" or "NotPrincipal" in st or \
                    "NotAction" in st:
                self.fail(f"key policy statement {st.get('Sid')} has "
                          "Principal \"*\", NotPrincipal or NotAction")

    def run(self):
        bucket_arn = None
        if self.bucket:
            bucket_arn = self.s.attr(self.bucket, "Arn")
            self.bucket_encryption()
            n_roles = self.roles(bucket_arn)
            n_users = self.users(bucket_arn)
        else:
            bucket_arn = f"arn:{self.s.partition}:s3:::no-bucket"
            n_roles = n_users = 0
        n_logs = self.logs()
        self.nothing_else(bucket_arn)
        print(f"kms_policy: {self.d}: {self.checked} requests evaluated; "
              f"{n_roles} role(s) and {n_users} user(s) use the key "
              f"through S3, CloudWatch Logs for {n_logs} log group(s); "
              f"{self.errors} error(s)")
        return 1 if self.errors else 0


def strip_copy(doc):
    doc = dict(doc)
    for k in ("name", "description", "compliance"):
        doc.pop(k, None)
    if isinstance(doc.get("bucket"), dict):
        doc["bucket"] = {k: v for k, v in doc["bucket"].items()
                         if k != "encryption"}
    if isinstance(doc.get("nextflow"), dict):
        doc["nextflow"] = {k: v for k, v in doc["nextflow"].items()
                           if k != "storage_encryption"}
    return doc


def check_copy(base, copy):
    with open(base, encoding="utf-8") as f:
        a = strip_copy(yaml.safe_load(f))
    with open(copy, encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    b = strip_copy(raw)
    if raw.get("compliance") != "hipaa":
        print(f"{copy}: error: compliance is not 'hipaa'")
        return 1
    if a != b:
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                print(f"{copy}: error: '{k}' differs from {base}")
        return 1
    print(f"kms_policy: {copy} is {base} at compliance 'hipaa'")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--copy-of":
        return check_copy(argv[2], argv[3])
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        sys.stderr.write(__doc__)
        return 2
    return Check(argv[1]).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
