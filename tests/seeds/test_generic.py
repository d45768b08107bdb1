#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks every shipped profile's out/NAME/ must pass, whatever its guide.

They encode the platform rules the task and the research list (domain.md
sections 4 and 5): partition-aware ARNs, IMDSv2, encrypted EBS, a private
TLS-only bucket, MIME user data within 16 KB, pinned downloads, AL2023.
Usage: test_generic.py NAME
"""

import base64
import email
import email.policy
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

import seedlib
from seedlib import as_list, statements, sub_text

# EC2 user data limit before base64 (EC2 "instancedata-add-user-data").
USER_DATA_MAX_BYTES = 16 * 1024
# Inline template body limit of `aws cloudformation deploy` without
# --s3-bucket (CloudFormation quotas).
TEMPLATE_INLINE_MAX_BYTES = 51200
IMDS_ADDRESS = "169.254.169.254"


def check_no_literal_partition(out, c):
    text = out.text("cloudformation.yaml")
    for n, line in enumerate(text.splitlines(), 1):
        c.check("arn:aws:" not in line,
                f"cloudformation.yaml:{n}: literal 'arn:aws:' (use "
                "${AWS::Partition}): " + line.strip(), "domain.md 5.1")


def check_launch_templates(out, c):
    for lid, r in out.resources("AWS::EC2::LaunchTemplate"):
        data = r["Properties"].get("LaunchTemplateData", {})
        md = data.get("MetadataOptions", {})
        c.eq(md.get("HttpTokens"), "required",
             f"{lid} MetadataOptions.HttpTokens (IMDSv2)", "domain.md L6")
        for bdm in as_list(data.get("BlockDeviceMappings")):
            ebs = bdm.get("Ebs")
            if ebs is None:
                continue
            c.check(ebs.get("Encrypted") is True,
                    f"{lid} {bdm.get('DeviceName')}: Ebs.Encrypted is not "
                    "true", "task: every EBS volume encrypted")
            c.check(ebs.get("DeleteOnTermination") is True,
                    f"{lid} {bdm.get('DeviceName')}: DeleteOnTermination is "
                    "not true (orphaned volumes)", "domain.md V4")
            c.check(not str(bdm.get("DeviceName", "")).startswith(
                "/dev/nvme"), f"{lid}: NVMe device name in a mapping",
                "domain.md D5")


def check_compute_environments(out, c):
    for lid, r in out.resources("AWS::Batch::ComputeEnvironment"):
        cr = r["Properties"].get("ComputeResources", {})
        for ec2c in as_list(cr.get("Ec2Configuration")):
            c.check(str(ec2c.get("ImageType", "")).startswith("ECS_AL2023"),
                    f"{lid}: ImageType {ec2c.get('ImageType')!r} is not "
                    "ECS_AL2023* (new AL2 CEs are blocked after 2026-06-30)",
                    "domain.md CE11")
        lt = cr.get("LaunchTemplate")
        if lt:
            version = lt.get("Version")
            c.check(isinstance(version, dict) and "Fn::GetAtt" in version
                    and version["Fn::GetAtt"][1] == "LatestVersionNumber",
                    f"{lid}: launch template version {version!r} is not "
                    "pinned with !GetAtt LT.LatestVersionNumber",
                    "domain.md CE13")


# AWS::Batch::ComputeEnvironment: infrastructure updates (in place, with
# ReplaceComputeEnvironment false and an UpdatePolicy) are supported for
# these allocation strategies, with Batch's service-linked role (no
# ServiceRole; AWS Batch "Updating compute environments");
# JobExecutionTimeoutMinutes is 1..7200 (Batch API reference, UpdatePolicy;
# it was 1..360 before).
INFRA_UPDATE_STRATEGIES = {"BEST_FIT_PROGRESSIVE", "SPOT_CAPACITY_OPTIMIZED",
                           "SPOT_PRICE_CAPACITY_OPTIMIZED"}


def check_ce_updates(out, c):
    src = "AWS::Batch::ComputeEnvironment UpdatePolicy"
    for lid, r in out.resources("AWS::Batch::ComputeEnvironment"):
        p = r["Properties"]
        strategy = p.get("ComputeResources", {}).get("AllocationStrategy")
        if strategy not in INFRA_UPDATE_STRATEGIES or "ServiceRole" in p:
            continue
        c.check(p.get("ReplaceComputeEnvironment") is False,
                f"{lid}: ReplaceComputeEnvironment false ({strategy}, "
                "custom name)", src)
        up = p.get("UpdatePolicy") or {}
        t = up.get("JobExecutionTimeoutMinutes")
        c.check(isinstance(t, int) and 1 <= t <= 7200,
                f"{lid}: UpdatePolicy.JobExecutionTimeoutMinutes {t}", src)
        c.check(isinstance(up.get("TerminateJobsOnUpdate"), bool),
                f"{lid}: UpdatePolicy.TerminateJobsOnUpdate", src)


def bucket_props(out):
    buckets = out.resources("AWS::S3::Bucket")
    return buckets[0] if buckets else (None, None)


def check_bucket(out, c):
    prof = out.profile()
    if "bucket" not in prof:
        return
    lid, r = bucket_props(out)
    if not c.check(r is not None, "no AWS::S3::Bucket although the profile "
                   "has a bucket"):
        return
    p = r["Properties"]
    c.eq(p.get("BucketName"), prof["bucket"]["name"], "BucketName")
    pab = p.get("PublicAccessBlockConfiguration", {})
    for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
              "RestrictPublicBuckets"):
        c.check(pab.get(k) is True, f"{lid} PublicAccessBlockConfiguration."
                f"{k} is not true", "task: public access block all true")
    rules = as_list(p.get("OwnershipControls", {}).get("Rules"))
    c.check(any(x.get("ObjectOwnership") == "BucketOwnerEnforced"
                for x in rules), f"{lid}: ObjectOwnership is not "
            "BucketOwnerEnforced")
    enc = as_list(p.get("BucketEncryption", {})
                  .get("ServerSideEncryptionConfiguration"))
    algos = [e.get("ServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
             for e in enc]
    c.check(any(a in ("AES256", "aws:kms", "aws:kms:dsse") for a in algos),
            f"{lid}: no default encryption ({algos!r})")
    # The bucket policy denies every request without TLS.
    denies = False
    for _, bp in out.resources("AWS::S3::BucketPolicy"):
        for st in statements(bp["Properties"].get("PolicyDocument")):
            cond = st.get("Condition", {}).get("Bool", {})
            if (st.get("Effect") == "Deny"
                    and str(cond.get("aws:SecureTransport")).lower()
                    == "false"):
                # The bucket's ARN as text, or as !GetAtt BUCKET.Arn.
                res = ["${%s.Arn}" % lid
                       if isinstance(x, dict) and x.get("Fn::GetAtt") in
                       ([lid, "Arn"], lid + ".Arn") else sub_text(x) or ""
                       for x in as_list(st.get("Resource"))]
                denies = denies or (any(x.endswith("}") or x.endswith(
                    prof["bucket"]["name"]) for x in res)
                    and any(x.endswith("/*") for x in res))
    c.check(denies, "the bucket policy does not deny aws:SecureTransport "
            "false on the bucket and its objects",
            "task: TLS-only bucket policy")


def check_policies(out, c):
    """Every customer policy is also iam/NAME.json, with the same actions,
    and no policy grants s3:*, ListAllMyBuckets or an admin wildcard."""
    for lid, r in out.resources("AWS::IAM::ManagedPolicy"):
        p = r["Properties"]
        name = p["ManagedPolicyName"]
        doc = p["PolicyDocument"]
        rel = f"iam/{name}.json"
        if c.check(out.exists(rel), f"policy {name}: no {rel}"):
            std = out.json(rel)
            c.eq(std.get("Version"), "2012-10-17", f"{rel} Version")
            c.eq(seedlib.actions_of(std), seedlib.actions_of(doc),
                 f"{rel} actions equal the template's")
            for st in statements(std):
                for res in as_list(st.get("Resource")):
                    c.check(res == "*" or res.startswith("arn:"),
                            f"{rel}: resource {res!r} is not an ARN")
        for a in seedlib.actions_of(doc):
            c.check(a not in ("*", "s3:*", "iam:*", "ec2:*"),
                    f"policy {name} grants {a}", "task: least privilege")
            c.check(a.lower() != "s3:listallmybuckets",
                    f"policy {name} grants s3:ListAllMyBuckets",
                    "task: ListAllMyBuckets dropped")
        for st in statements(doc):
            for res in as_list(st.get("Resource")):
                text = sub_text(res) or ""
                # ${aws:username} inside !Sub must be escaped as ${!...}
                # or CloudFormation tries to resolve it (domain.md L10).
                c.check("${aws:" not in text,
                        f"policy {name}: unescaped IAM variable in !Sub "
                        f"{text!r}", "domain.md L10")


def check_role_trust(out, c):
    for lid, r in out.resources("AWS::IAM::Role"):
        doc = r["Properties"]["AssumeRolePolicyDocument"]
        for st in statements(doc):
            svc = as_list(st.get("Principal", {}).get("Service"))
            c.check(svc, f"{lid}: trust policy without a service principal")


def user_data_of(lt):
    ud = lt["Properties"]["LaunchTemplateData"].get("UserData")
    if ud is None:
        return None
    if isinstance(ud, dict) and "Fn::Base64" in ud:
        return ud["Fn::Base64"]
    # Already base64 text.
    return base64.b64decode(ud).decode("utf-8")


def check_user_data(out, c):
    lts = out.resources("AWS::EC2::LaunchTemplate")
    for lid, r in lts:
        name = r["Properties"]["LaunchTemplateName"]
        text = user_data_of(r)
        rel = f"userdata/{name}.mime"
        if text is None:
            c.check(not out.exists(rel), f"{rel} exists but {lid} has no "
                    "UserData")
            continue
        if not c.check(isinstance(text, str),
                       f"{lid}: UserData is not a literal string under "
                       f"Fn::Base64 ({type(text).__name__})"):
            continue
        if not c.check(out.exists(rel), f"{lid}: no {rel}"):
            continue
        data = out.data(rel)
        c.check(text.encode("utf-8") == data,
                f"{lid}: the template's UserData differs from {rel}")
        c.check(len(data) <= USER_DATA_MAX_BYTES,
                f"{rel} is {len(data)} bytes, over {USER_DATA_MAX_BYTES}",
                "domain.md L2")
        try:
            msg, parts = seedlib.mime_parts(data)
        except ValueError as e:
            c.check(False, f"{rel}: {e}", "domain.md L1")
            continue
        c.eq(msg.get_content_type(), "multipart/mixed", f"{rel} type",
             "domain.md L1")
        c.check(msg.get("MIME-Version") == "1.0", f"{rel}: no MIME-Version",
                "domain.md L1")
        c.check(len(parts) >= 1, f"{rel}: no parts")
        whole = "\n".join(t for _, t in parts)
        if IMDS_ADDRESS in whole:
            c.check("X-aws-ec2-metadata-token" in whole,
                    f"{rel}: queries IMDS without an IMDSv2 token",
                    "domain.md L6")
        for m in re.finditer(r"\byum\b", whole):
            c.check(False, f"{rel}: uses yum (AL2023 has dnf)",
                    "domain.md L8")
            break
        c.check("amazon-linux-extras" not in whole,
                f"{rel}: amazon-linux-extras does not exist on AL2023",
                "domain.md L8")
        c.check("btrfs" not in whole, f"{rel}: btrfs on AL2023",
                "domain.md L8")
        c.check("pip install" not in whole, f"{rel}: pip install at boot",
                "task: no Python-2 pip awscli")
        for url in re.findall(r"https?://[^\s\"')]+", whole):
            if IMDS_ADDRESS in url:
                continue  # the metadata API path is /latest/, not a download
            c.check("latest" not in url.lower(),
                    f"{rel}: unpinned download {url}", "domain.md L9")
            c.check("aws-genomics-workflows" not in url,
                    f"{rel}: fetches from the dead public artifacts bucket "
                    f"{url}", "aws-genomics-workflows#92")
            c.check(not url.endswith("awscli-exe-linux-x86_64.zip"),
                    f"{rel}: AWS CLI download without a version: {url}",
                    "task: pinned AWS CLI")
        if "awscli.amazonaws.com" in whole:
            # The zip of the machine's architecture (uname -m), each
            # pinned: awscli-exe-linux-$arch-$version.zip.
            c.check(re.search(r"awscli-exe-linux-(x86_64|aarch64|"
                              r"\$\{?arch\}?)-(\d+\.\d+\.\d+|"
                              r"\$\{?version\}?)\.zip", whole)
                    and re.search(r"version='\d+\.\d+\.\d+'", whole),
                    f"{rel}: AWS CLI download without a pinned version",
                    "task: pinned AWS CLI")
            c.check(re.search(r"\b[0-9a-f]{64}\b", whole)
                    and "sha256sum" in whole,
                    f"{rel}: AWS CLI installed without a SHA-256 check",
                    "task: pinned AWS CLI")
    for rel in out.files("userdata"):
        c.check(any(rel == f"userdata/{r['Properties']['LaunchTemplateName']}"
                    ".mime" for _, r in lts),
                f"{rel} belongs to no launch template")


def check_scripts(out, c):
    scripts = [f for f in out.files() if f.endswith(".sh")]
    c.check("scripts/deploy.sh" in scripts, "no scripts/deploy.sh")
    shellcheck = shutil.which("shellcheck")
    for rel in scripts:
        path = out.path(rel)
        c.check(os.access(path, os.X_OK), f"{rel} is not executable")
        # Check the syntax with the script's own interpreter.
        first = out.text(rel).split("\n", 1)[0]
        shell = "bash" if "bash" in first else "sh"
        c.check(first.startswith("#!"), f"{rel} has no #! line")
        proc = subprocess.run([shell, "-n", path], capture_output=True,
                              text=True)
        c.check(proc.returncode == 0,
                f"{shell} -n {rel}: {proc.stderr.strip()}")
        if shellcheck:
            proc = subprocess.run([shellcheck, "-S", "warning", path],
                                  capture_output=True, text=True)
            c.check(proc.returncode == 0,
                    f"shellcheck {rel}:\n{proc.stdout.strip()}")
    if "scripts/deploy.sh" in scripts:
        deploy = out.text("scripts/deploy.sh")
        c.check("CAPABILITY_NAMED_IAM" in deploy,
                "deploy.sh does not pass CAPABILITY_NAMED_IAM",
                "domain.md C4")
        size = len(out.data("cloudformation.yaml"))
        if size > TEMPLATE_INLINE_MAX_BYTES:
            c.check("--s3-bucket" in deploy,
                    f"cloudformation.yaml is {size} bytes but deploy.sh "
                    "does not stage it in S3", "domain.md C1")


def dry_run(out, rel, *args):
    """The aws command lines a script's --dry-run prints, in order."""
    env = dict(os.environ)
    env.pop("AWS_REGION", None)
    proc = subprocess.run(["bash", out.path(rel), "--dry-run", *args],
                          capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=60)
    return proc, [line for line in proc.stdout.splitlines()
                  if line.startswith("aws ")]


def check_teardown_bucket_order(out, c):
    """--delete-bucket empties the bucket after the stack is gone.

    Running jobs write to the bucket until CloudFormation has deleted the
    compute environments; emptying it first leaves objects behind (S3
    "Deleting a bucket": empty it, then delete it). A retained bucket is
    emptied and deleted after stack-delete-complete; a versioned one through
    its versions and delete markers, which 'aws s3 rm' does not remove (S3
    "Deleting object versions from a versioning-enabled bucket").
    """
    _, res = bucket_props(out)
    if res is None or "scripts/teardown.sh" not in out.files():
        return
    proc, cmds = dry_run(out, "scripts/teardown.sh", "--delete-bucket",
                         "--yes")
    if not c.check(proc.returncode == 0, "teardown.sh --dry-run "
                   f"--delete-bucket --yes exited {proc.returncode}: "
                   f"{proc.stderr.strip()}"):
        return
    src = "S3 'Deleting a bucket'"
    lines = proc.stdout.splitlines()
    wait = next((i for i, x in enumerate(lines) if x.startswith(
        "aws cloudformation wait stack-delete-complete")), None)
    empty = [i for i, x in enumerate(lines)
             if x.startswith("aws s3 rm") or "delete-objects" in x]
    delete = [i for i, x in enumerate(lines)
              if x.startswith("aws s3api delete-bucket ")]
    if res.get("DeletionPolicy") == "Retain":
        c.check(wait is not None and len(delete) == 1 and delete[0] > wait,
                "retained bucket deleted after stack-delete-complete", src)
        c.check(wait is not None and len(empty) > 0 and min(empty) > wait,
                "bucket emptied only after stack-delete-complete", src)
    versioning = res.get("Properties", {}).get("VersioningConfiguration")
    if (versioning or {}).get("Status") == "Enabled":
        c.check("delete-objects" in proc.stdout
                and not any(x.startswith("aws s3 rm") for x in cmds),
                "a versioned bucket is emptied through its versions and "
                "delete markers (s3api delete-objects), not 'aws s3 rm'",
                "S3 'Deleting object versions'")


# A stand-in for the AWS CLI: logs each call to $AWS_LOG and answers the
# reads teardown.sh makes (each value comes as --option=VALUE, issue 20).
# Every policy is attached to user alice, to group $STACK_GROUP and group
# outsiders, to role $STACK_ROLE and role ext-role; every group has members
# alice and carol.
FAKE_AWS = r"""#!/bin/bash
printf '%s\n' "$*" >>"$AWS_LOG"
case "$1 $2" in
"batch update-job-queue") echo queue ;;
"batch describe-job-queues") printf 'DISABLED\tVALID\n' ;;
"cloudformation describe-stacks")
	printf 'arn:aws:iam::123456789012:policy/p-%s\n' "$RANDOM" ;;
"iam list-entities-for-policy")
	case "$*" in
	*"--entity-filter=User"*) printf 'alice\n' ;;
	*"--entity-filter=Group"*) printf '%s\touters\n' "$STACK_GROUP" ;;
	*"--entity-filter=Role"*) printf '%s\text-role\n' "$STACK_ROLE" ;;
	esac ;;
"iam get-group") printf 'alice\tcarol\n' ;;
esac
exit 0
"""


def check_teardown_iam(out, c):
    """Before delete-stack, teardown.sh detaches the stack's managed
    policies from every user, group and role outside the stack (IAM
    ListEntitiesForPolicy) and removes the members of the stack's groups
    (GetGroup, RemoveUserFromGroup): CloudFormation cannot delete a policy
    that is attached or a group that has members (IAM DeletePolicy,
    DeleteGroup). --dry-run prints those commands in that order."""
    src = "IAM DeletePolicy/DeleteGroup: detach and remove first"
    if "scripts/teardown.sh" not in out.files():
        return
    policies = [lid for lid, _ in out.resources("AWS::IAM::ManagedPolicy")]
    groups = [r["Properties"]["GroupName"]
              for _, r in out.resources("AWS::IAM::Group")]
    roles = [r["Properties"]["RoleName"]
             for _, r in out.resources("AWS::IAM::Role")]
    proc, cmds = dry_run(out, "scripts/teardown.sh")
    if not c.check(proc.returncode == 0, f"teardown.sh --dry-run exited "
                   f"{proc.returncode}: {proc.stderr.strip()}"):
        return
    delete = next((i for i, x in enumerate(cmds)
                   if x.startswith("aws cloudformation delete-stack")), None)
    if not c.check(delete is not None, "teardown.sh --dry-run deletes the "
                   "stack"):
        return
    for lid in policies:
        for kind in ("user", "group", "role"):
            lst = [i for i, x in enumerate(cmds) if
                   "list-entities-for-policy" in x and f"{lid}Arn" in x
                   and f"--entity-filter={kind.capitalize()}" in x]
            det = [i for i, x in enumerate(cmds) if
                   f"detach-{kind}-policy" in x and f"{lid}Arn" in x]
            c.check(len(lst) == 1 and len(det) == 1 and
                    lst[0] < det[0] < delete,
                    f"dry run: lists the {kind}s of {lid}, then detaches, "
                    "before delete-stack", src)
    for g in groups:
        get = [i for i, x in enumerate(cmds) if x.startswith(
            "aws iam get-group") and f"--group-name={g}" in x]
        rm = [i for i, x in enumerate(cmds) if "remove-user-from-group" in x
              and f"--group-name={g}" in x]
        c.check(len(get) == 1 and len(rm) == 1 and get[0] < rm[0] < delete,
                f"dry run: lists the members of group {g}, then removes, "
                "before delete-stack", src)
    # The real run, against the stand-in.
    with tempfile.TemporaryDirectory() as tmp:
        fake = os.path.join(tmp, "aws")
        with open(fake, "w") as f:
            f.write(FAKE_AWS)
        os.chmod(fake, 0o755)
        log = os.path.join(tmp, "log")
        env = dict(os.environ, PATH=tmp + os.pathsep + os.environ["PATH"],
                   AWS_LOG=log, STACK_GROUP=groups[0] if groups else "-",
                   STACK_ROLE=roles[0] if roles else "-")
        proc = subprocess.run(["bash", out.path("scripts/teardown.sh")],
                              capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=120)
        if not c.check(proc.returncode == 0, f"teardown.sh against a "
                       f"stand-in aws exited {proc.returncode}: "
                       f"{proc.stderr.strip()}"):
            return
        with open(log) as f:
            calls = f.read().splitlines()
    delete = next(i for i, x in enumerate(calls)
                  if x.startswith("cloudformation delete-stack"))
    before = calls[:delete]
    n = len(policies)
    c.eq(sum("detach-user-policy" in x and "--user-name=alice" in x
             for x in before), n, "alice detached from every policy", src)
    c.eq(sum("detach-group-policy" in x and "--group-name=outers" in x
             for x in before), n, "group outers detached from every policy",
         src)
    c.eq(sum("detach-role-policy" in x and "--role-name=ext-role" in x
             for x in before), n, "role ext-role detached from every policy",
         src)
    if groups:
        c.check(not any(f"--group-name={groups[0]} " in x + " " and "detach"
                        in x for x in calls),
                f"the stack's own group {groups[0]} is left to "
                "CloudFormation", src)
    if roles:
        c.check(not any(f"--role-name={roles[0]} " in x + " " and "detach"
                        in x for x in calls),
                f"the stack's own role {roles[0]} is left to CloudFormation",
                src)
    for g in groups:
        for user in ("alice", "carol"):
            c.check(any("remove-user-from-group" in x and
                        f"--group-name={g} " in x + " " and
                        f"--user-name={user}" in x for x in before),
                    f"{user} removed from group {g} before delete-stack", src)
    c.check(not any(x.startswith(("iam detach", "iam remove"))
                    for x in calls[delete:]),
            "nothing detached after delete-stack", src)


# deploy.sh's option, env key and the template parameter each sets.
DEPLOY_PARAMETERS = [
    ("--vpc-id", "VPC_ID", "VpcId", "vpc-0123456789abcdef0"),
    ("--key-pair", "KEY_PAIR", "KeyPair", "lab-key"),
    ("--image-id", "IMAGE_ID", "ImageId", "ami-0123456789abcdef0"),
    ("--create-job-log-group", "CREATE_JOB_LOG_GROUP", "CreateJobLogGroup",
     "true"),
]


def check_deploy_parameters(out, c):
    """deploy.sh takes an option or env key only for a parameter the
    template declares, and refuses the others as a usage error: one line on
    stderr, exit status 2, nothing run. Its --help says so."""
    params = out.cfn.get("Parameters", {})
    need = ["--subnets", "subnet-0123456789abcdef0",
            "--security-groups", "sg-0123456789abcdef0"]
    for opt, key, name, value in DEPLOY_PARAMETERS:
        if name in ("VpcId", "KeyPair") and name in params:
            need += [opt, value]
    if "TemplateBucket" in params or len(out.data("cloudformation.yaml")) > \
            TEMPLATE_INLINE_MAX_BYTES:
        need += ["--s3-bucket", "gwgen-validate-bucket"]
    proc = subprocess.run(["bash", out.path("scripts/deploy.sh"), "--help"],
                          capture_output=True, text=True, timeout=60)
    c.check(re.search(r"refused.*\(exit\s+status 2\)", proc.stdout, re.S),
            "deploy.sh --help says options for absent parameters are "
            "refused with status 2")
    for opt, key, name, value in DEPLOY_PARAMETERS:
        proc, cmds = dry_run(out, "scripts/deploy.sh", *need, opt, value)
        if name in params:
            c.check(proc.returncode == 0 and any(
                f"{name}={value}" in x for x in cmds),
                f"deploy.sh {opt} {value} passes {name}={value} "
                f"(exit {proc.returncode}: {proc.stderr.strip()})")
            continue
        err = proc.stderr.strip()
        c.check(proc.returncode == 2 and len(err.splitlines()) == 1 and
                name in err and not cmds,
                f"deploy.sh {opt}: refused, one line, status 2 (the template "
                f"has no {name}; exit {proc.returncode}: {err!r})")
        with tempfile.NamedTemporaryFile("w", suffix=".env",
                                         delete=False) as f:
            f.write(f"{key}={value}\n")
            env = f.name
        try:
            proc, cmds = dry_run(out, "scripts/deploy.sh", *need,
                                 "--env", env)
        finally:
            os.unlink(env)
        err = proc.stderr.strip()
        c.check(proc.returncode == 2 and len(err.splitlines()) == 1 and
                key in err and not cmds,
                f"deploy.sh env key {key}: refused, one line, status 2 "
                f"(exit {proc.returncode}: {err!r})")


def check_script_usage_errors(out, c):
    """Every script refuses an unknown option as a usage error: one line on
    stderr, status 2, no aws command; and --help gives the exit statuses."""
    for rel in sorted(out.files("scripts")):
        if not rel.endswith(".sh"):
            continue
        proc, cmds = dry_run(out, rel, "--no-such-option")
        err = proc.stderr.strip()
        c.check(proc.returncode == 2 and len(err.splitlines()) == 1 and
                "--no-such-option" in err and not cmds,
                f"{rel} --no-such-option: one line, status 2 "
                f"(exit {proc.returncode}: {err!r})")
        proc = subprocess.run(["bash", out.path(rel), "--help"],
                              capture_output=True, text=True, timeout=60)
        c.check(proc.returncode == 0 and
                re.search(r"Exit status:.*\b2 usage error", proc.stdout,
                          re.S) is not None,
                f"{rel} --help lists its exit statuses, 2 usage error")


def check_provision_checksums(out, c):
    """Every provisioning file shipped is pinned by its SHA-256 in the user
    data that fetches it."""
    files = out.files("provision")
    if not files:
        return
    pinned = ""
    for rel in out.files("userdata"):
        pinned += out.text(rel)
    for rel in files:
        digest = hashlib.sha256(out.data(rel)).hexdigest()
        c.check(digest in pinned, f"{rel}: its SHA-256 {digest} is not in "
                "any user data", "seed 004: flexible provisioning, pinned")


def instance_role_actions(out, lt_lid):
    """Actions the instance role of CEs using launch template 'lt_lid' has,
    through its customer-managed policies (lower-cased)."""
    acts = set()
    for _, ce in out.resources("AWS::Batch::ComputeEnvironment"):
        cr = ce["Properties"]["ComputeResources"]
        lt = cr.get("LaunchTemplate", {}).get("LaunchTemplateId")
        if seedlib.ref_target(lt) != lt_lid:
            continue
        ip = out.resource(seedlib.ref_target(cr.get("InstanceRole")))
        if not ip:
            continue
        role = out.resource(seedlib.ref_target(ip["Properties"]["Roles"][0]))
        for arn in role["Properties"].get("ManagedPolicyArns", []):
            pol = out.resource(seedlib.ref_target(arn) or "")
            if pol and pol["Type"] == "AWS::IAM::ManagedPolicy":
                acts |= {a.lower() for a in seedlib.actions_of(
                    pol["Properties"]["PolicyDocument"])}
    return acts


def check_user_data_permissions(out, c):
    """Every EC2 API the user data calls with the instance's credentials is
    allowed to the instance role (the scratch daemon must not fail on
    AccessDenied at the first disk-full), and nothing much more."""
    for lid, r in out.resources("AWS::EC2::LaunchTemplate"):
        text = user_data_of(r)
        if not isinstance(text, str):
            continue
        calls = set()
        for sub in re.findall(r"\bec2 ([a-z][a-z-]+)", text):
            if sub == "wait":
                continue
            calls.add("ec2:" + "".join(w.capitalize() for w in
                                         sub.split("-")))
        if re.search(r"\bec2 wait volume-", text):
            calls.add("ec2:DescribeVolumes")
        if re.search(r"\bec2 create-volume\b[^\n]*\\?\n?[^\n]*"
                     r"--tag-specifications", text) or (
                "create-volume" in text and "--tag-specifications" in text):
            calls.add("ec2:CreateTags")
        if not calls:
            continue
        acts = instance_role_actions(out, lid)
        for a in sorted(calls):
            c.check(a.lower() in acts, f"{lid}: user data calls {a} but the "
                    "instance role does not allow it",
                    "scratch daemon IAM needs")
        granted = {a for a in acts if a.startswith("ec2:")}
        for a in sorted(granted - {x.lower() for x in calls}):
            c.check(False, f"{lid}: instance role allows {a}, which the "
                    "user data never calls", "task: least privilege")


# AWS Batch's default awslogs group: account-wide, created by the first job
# of any workload (Batch User Guide, "Use the awslogs log driver").
BATCH_JOB_LOG_GROUP = "/aws/batch/job"
# The instance role's managed policy that gives the awslogs driver
# logs:CreateLogStream and logs:PutLogEvents (AWS managed policy reference).
ECS_INSTANCE_POLICY = "service-role/AmazonEC2ContainerServiceforEC2Role"


def check_log_groups(out, c):
    """A stack never owns Batch's shared default log group outright: it
    would fail to create wherever a Batch job has run (the group exists) and
    deleting the stack would delete other workloads' logs. It may create it
    behind a true/false parameter, and then keeps it. Job definitions log
    through awslogs to a group the stack creates or to Batch's default."""
    src = "review of issue 4: shared /aws/batch/job"
    params = out.cfn.get("Parameters", {})
    created = {}
    for lid, r in out.resources("AWS::Logs::LogGroup"):
        name = r["Properties"].get("LogGroupName")
        created[lid] = name
        if name != BATCH_JOB_LOG_GROUP:
            c.check("Condition" not in r, f"{lid}: the stack's own log group "
                    f"{name} is created unconditionally (job definitions "
                    "Ref it)")
            continue
        cond = r.get("Condition")
        if not c.check(cond is not None, f"{lid}: creates {name} "
                       "unconditionally", src):
            continue
        body = out.cfn.get("Conditions", {}).get(cond)
        pname = None
        if isinstance(body, dict) and "Fn::Equals" in body:
            args = body["Fn::Equals"]
            pname = next((seedlib.ref_target(a) for a in args
                          if seedlib.ref_target(a)), None)
            c.check("true" in args, f"{cond} compares with \"true\"", src)
        p = params.get(pname or "", {})
        c.check(p.get("AllowedValues") == ["true", "false"],
                f"{lid}: condition {cond} on a true/false parameter "
                f"({pname}: {p.get('AllowedValues')})", src)
        c.check(bool(p.get("Description")), f"{pname} is described", src)
        c.check(r.get("DeletionPolicy") in ("Retain", "RetainExceptOnCreate"),
                f"{lid}: kept when the stack is deleted "
                f"(DeletionPolicy {r.get('DeletionPolicy')})", src)
        c.check(r.get("UpdateReplacePolicy") == "Retain",
                f"{lid}: kept when replaced (UpdateReplacePolicy "
                f"{r.get('UpdateReplacePolicy')})", src)
        for oid, o in out.cfn.get("Outputs", {}).items():
            if seedlib.ref_target(o.get("Value")) == lid:
                c.check(o.get("Condition") == cond,
                        f"output {oid} of {lid} has its condition", src)
        env = out.text("deploy.env.example")
        deploy = out.text("scripts/deploy.sh")
        key = re.sub(r"(?<!^)(?=[A-Z])", "_", pname or "?").upper()
        c.check(re.search(rf"^{key}=", env, re.M) is not None,
                f"deploy.env.example sets {key}", src)
        c.check(f'"{pname}=$' in deploy, f"deploy.sh passes {pname}", src)
        c.check(pname in out.text("README.md"),
                f"README.md documents {pname}", src)
    for lid, r in out.resources("AWS::Batch::JobDefinition"):
        lc = r["Properties"].get("ContainerProperties", {}).get(
            "LogConfiguration", {})
        opts = lc.get("Options", {})
        if not lc:
            # Batch's default: awslogs to /aws/batch/job, a group Batch
            # creates itself (Batch User Guide, "Use the awslogs log
            # driver"); a group named in LogConfiguration must exist (J8).
            continue
        if not c.check(lc.get("LogDriver") == "awslogs",
                       f"{lid}: logs with awslogs", "domain.md J8"):
            continue
        group = opts.get("awslogs-group", BATCH_JOB_LOG_GROUP)
        target = seedlib.ref_target(group)
        if target:
            c.check(target in created and created[target] !=
                    BATCH_JOB_LOG_GROUP, f"{lid}: awslogs-group Refs "
                    f"{target}, a log group the stack always creates", src)
        else:
            c.check(group == BATCH_JOB_LOG_GROUP or group not in
                    created.values(), f"{lid}: names the stack's log group "
                    f"{group} without a Ref (created after the job "
                    "definition)")
        c.check(seedlib.ref_target(opts.get("awslogs-region")) ==
                "AWS::Region", f"{lid}: awslogs-region is the stack's region")
        c.check(bool(opts.get("awslogs-stream-prefix")),
                f"{lid}: awslogs-stream-prefix is set")
    # On EC2 the awslogs driver writes with the container instance's role
    # (ECS Developer Guide, "Amazon ECS container instance IAM role").
    if not out.resources("AWS::Batch::JobDefinition"):
        return
    for lid, ce in out.resources("AWS::Batch::ComputeEnvironment"):
        cr = ce["Properties"].get("ComputeResources", {})
        ip = out.resource(seedlib.ref_target(cr.get("InstanceRole")) or "")
        if not ip:
            continue
        role = out.resource(seedlib.ref_target(ip["Properties"]["Roles"][0]))
        arns = [sub_text(a) or "" for a in
                role["Properties"].get("ManagedPolicyArns", [])]
        acts = set()
        for a in role["Properties"].get("ManagedPolicyArns", []):
            pol = out.resource(seedlib.ref_target(a) or "")
            if pol and pol["Type"] == "AWS::IAM::ManagedPolicy":
                acts |= {x.lower() for x in seedlib.actions_of(
                    pol["Properties"]["PolicyDocument"])}
        c.check(any(a.endswith(ECS_INSTANCE_POLICY) for a in arns) or
                {"logs:createlogstream", "logs:putlogevents"} <= acts,
                f"{lid}: the instance role lets the awslogs driver create "
                "streams and put events", "ECS container instance role")


def check_headers(out, c):
    """Every generated file whose format has comments starts by naming the
    profile, that gwgen generated it, and how to regenerate it (issue 2):
    in the first comment lines, after the #! line of a script, and in the
    MIME preamble of user data (the text before the first boundary, which
    MIME readers skip: RFC 2046 section 5.1.1). JSON has no comments, and
    neither has .gwgen-files, the sha256sum(1) list of what gwgen wrote."""
    regen = f"Regenerate with: gwgen --profile {out.name} -o out/"
    for rel in out.files():
        if rel.endswith(".json") or rel == ".gwgen-files":
            continue
        data = out.data(rel)
        if rel.endswith(".mime"):
            msg = email.message_from_bytes(data, policy=email.policy.compat32)
            head = (msg.preamble or "").splitlines()
            what = f"{rel} (MIME preamble)"
        else:
            lines = data.decode("utf-8").split("\n")
            if lines[0].startswith("#!"):
                c.check(len(lines) > 1 and lines[1].startswith("# "),
                        f"{rel}: no comment right after the #! line")
                lines = lines[1:]
            head = lines[:5]
            what = f"{rel} (first lines)"
        text = "\n".join(head)
        c.check(f"'{out.name}'" in text,
                f"{what}: does not name the profile '{out.name}'", "issue 2")
        c.check("Generated by gwgen; do not edit." in text,
                f"{what}: does not say gwgen generated it", "issue 2")
        c.check(regen in text, f"{what}: does not say '{regen}'", "issue 2")


CHECKS = [
    check_user_data_permissions,
    check_no_literal_partition,
    check_launch_templates,
    check_compute_environments,
    check_ce_updates,
    check_bucket,
    check_policies,
    check_role_trust,
    check_user_data,
    check_scripts,
    check_teardown_bucket_order,
    check_teardown_iam,
    check_deploy_parameters,
    check_script_usage_errors,
    check_provision_checksums,
    check_headers,
    check_log_groups,
]

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: test_generic.py NAME")
    sys.exit(seedlib.run(CHECKS, sys.argv[1], f"generic {sys.argv[1]}"))
