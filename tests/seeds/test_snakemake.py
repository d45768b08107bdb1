#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""out/snakemake/ against the Snakemake AWS Batch executor plugin's docs.

Expected values are the engine's: a Snakemake (8+) profile is a directory
whose config.yaml maps long command-line options, without their '--', to
values (Snakemake docs, "Profiles"). The AWS Batch executor plugin is
selected with `executor: aws-batch` and requires the settings region,
job_queue and job_role (snakemake-executor-plugin-aws-batch
ExecutorSettings, all three "required": True; the queue and the role are
"ARN"s; CLI flags --aws-batch-region, --aws-batch-job-queue,
--aws-batch-job-role). Its documented run uses
--default-storage-provider s3 and --default-storage-prefix s3://BUCKET
(docs/further.md). The plugin's Batch calls (batch_client.py) are
RegisterJobDefinition, SubmitJob, DescribeJobs, DeregisterJobDefinition,
TerminateJob, DescribeJobQueues and DescribeComputeEnvironments; the job
definitions it registers name the job role, which the caller must be
allowed to pass (iam:PassRole), and which Batch's container jobs assume
through ecs-tasks.amazonaws.com (Batch "IAM roles for tasks").
"""

import re
import sys

import yaml

import seedlib
from seedlib import actions_of, as_list, statements, sub_text

DOC = "snakemake-executor-plugin-aws-batch"
PLUGIN_CALLS = (
    "batch:RegisterJobDefinition",
    "batch:SubmitJob",
    "batch:DescribeJobs",
    "batch:DeregisterJobDefinition",
    "batch:TerminateJob",
    "batch:DescribeJobQueues",
    "batch:DescribeComputeEnvironments",
)
CONFIG = "client/snakemake/config.yaml"


def config(out):
    return yaml.safe_load(out.text(CONFIG))


def check_profile_dir(out, c):
    cfg = config(out)
    if not c.check(isinstance(cfg, dict), f"{CONFIG} is a YAML mapping",
                   "Snakemake 'Profiles'"):
        return
    # Every key is a long option: lowercase words joined by '-'.
    for key in cfg:
        c.check(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", key),
                f"key {key!r} is a long option without '--'",
                "Snakemake 'Profiles'")
    c.eq(cfg.get("executor"), "aws-batch", "executor",
         DOC + " '--executor aws-batch'")
    jobs = cfg.get("jobs")
    c.check(isinstance(jobs, int) and jobs >= 1, f"jobs {jobs!r} >= 1",
            DOC + " 'snakemake --jobs 4'")


def check_executor_settings(out, c):
    cfg = config(out)
    prof = out.profile()
    for key in ("aws-batch-region", "aws-batch-job-queue",
                "aws-batch-job-role"):
        c.check(cfg.get(key), f"{key} is set", DOC + " ExecutorSettings "
                "'required': True")
    c.eq(cfg.get("aws-batch-region"), prof["region"], "region", DOC)
    account = prof["account_id"]
    m = re.fullmatch(r"arn:aws:batch:([a-z0-9-]+):(\d{12}):job-queue/(.+)",
                     str(cfg.get("aws-batch-job-queue")))
    if c.check(m, "aws-batch-job-queue is a job queue ARN",
               DOC + " 'The AWS Batch task queue ARN'"):
        c.eq(m.group(1), prof["region"], "queue ARN region", DOC)
        c.eq(m.group(2), account, "queue ARN account", DOC)
        prio, order = out.queue_order(m.group(3))
        c.check(order, f"the stack creates queue {m.group(3)!r} with a "
                "compute environment", DOC + " 'AWS Infrastructure "
                "Requirements': a compute environment and a job queue")
    m = re.fullmatch(r"arn:aws:iam::(\d{12}):role/(.+)",
                     str(cfg.get("aws-batch-job-role")))
    if not c.check(m, "aws-batch-job-role is a role ARN",
                   DOC + " 'The AWS job role ARN'"):
        return
    c.eq(m.group(1), account, "role ARN account", DOC)
    _, role = out.by_name("AWS::IAM::Role", "RoleName", m.group(2))
    if not c.check(role, f"the stack creates role {m.group(2)!r}", DOC):
        return
    principals = []
    for st in statements(role["AssumeRolePolicyDocument"]):
        principals += [sub_text(p) for p in
                       as_list(st.get("Principal", {}).get("Service"))]
    c.check("ecs-tasks.amazonaws.com" in principals,
            "the job role trusts ecs-tasks", "Batch 'IAM roles for tasks'")


def role_policies(out, role_name):
    _, role = out.by_name("AWS::IAM::Role", "RoleName", role_name)
    docs = []
    for ref in as_list(role.get("ManagedPolicyArns")):
        lid = seedlib.ref_target(ref)
        r = out.resource(lid) if lid else None
        if r and r["Type"] == "AWS::IAM::ManagedPolicy":
            docs.append(r["Properties"]["PolicyDocument"])
    return docs


def allows(docs, action, arn):
    for doc in docs:
        for st in statements(doc):
            if st.get("Effect") != "Allow" or action not in as_list(
                    st.get("Action")):
                continue
            for res in as_list(st.get("Resource")):
                pat = sub_text(res).replace("${AWS::Partition}", "aws")
                rx = re.escape(pat).replace(r"\*", ".*")
                if re.fullmatch(rx, arn):
                    return True
    return False


def check_storage(out, c):
    cfg = config(out)
    c.eq(cfg.get("default-storage-provider"), "s3",
         "default-storage-provider", DOC + " '--default-storage-provider s3'")
    _, bucket = out.by_name("AWS::S3::Bucket", "BucketName",
                            out.profile()["bucket"]["name"])
    m = re.fullmatch(r"s3://([^/]+)/(.+)",
                     str(cfg.get("default-storage-prefix")))
    if not c.check(m and bucket, "default-storage-prefix is a prefix in the "
                   "stack's bucket", DOC + " '--default-storage-prefix "
                   "s3://...'"):
        return
    name, prefix = m.group(1), m.group(2)
    c.eq(name, bucket["BucketName"], "storage bucket", DOC)
    role = re.sub(r".*:role/", "", cfg["aws-batch-job-role"])
    docs = role_policies(out, role)
    key = f"arn:aws:s3:::{name}/{prefix}/results/out.txt"
    for action in ("s3:GetObject", "s3:PutObject"):
        c.check(allows(docs, action, key), f"job role may {action} under "
                f"the storage prefix", "snakemake-storage-plugin-s3")
    c.check(allows(docs, "s3:ListBucket", f"arn:aws:s3:::{name}"),
            "job role may list the bucket", "snakemake-storage-plugin-s3")
    c.check(not allows(docs, "s3:PutObject",
                       f"arn:aws:s3:::{name}/elsewhere/x"),
            "job role cannot write outside the storage prefix",
            "least privilege")


def check_users(out, c):
    cfg = config(out)
    role = re.sub(r".*:role/", "", cfg["aws-batch-job-role"])
    _, group = out.by_name("AWS::IAM::Group", "GroupName", "snakemake-users")
    if not c.check(group, "a group for the people who run Snakemake", DOC):
        return
    docs = []
    for ref in as_list(group.get("ManagedPolicyArns")):
        r = out.resource(seedlib.ref_target(ref))
        docs.append(r["Properties"]["PolicyDocument"])
    acts = set()
    for d in docs:
        acts |= actions_of(d)
    for call in PLUGIN_CALLS:
        c.check(call in acts, f"the group may call {call}",
                DOC + " batch_client.py")
    c.check(any("role/" + role in sub_text(r) for d in docs
                   for st in statements(d)
                   if "iam:PassRole" in as_list(st.get("Action"))
                   for r in as_list(st.get("Resource"))
                   if sub_text(r).endswith(":role/" + role)),
            "the group may pass the job role", DOC + " register_job_"
            "definition names the job role")


CHECKS = [
    check_profile_dir,
    check_executor_settings,
    check_storage,
    check_users,
]

if __name__ == "__main__":
    sys.exit(seedlib.run(CHECKS, "snakemake", "seeds snakemake"))
