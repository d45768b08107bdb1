#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write synthetic, valid gwgen lab profiles for the benchmarks (bench/).

Usage:
  gen-profiles.py [--seed S] N DIR
      N realistic lab profiles, DIR/labNNNNN-*.yaml. They vary the name,
      the region (every partition gwgen renders: aws, aws-cn, aws-us-gov),
      the engine, instance families (x86_64 and arm64), Fargate, EC2 and
      Spot compute environments, queues, job definitions, policies, roles,
      groups, users, launch templates and their user data.
  gen-profiles.py --quota [--ces C] [--queues Q] [--job-defs J]
                  [--policies P] [--name NAME] FILE
      one profile at the AWS Batch quotas: C compute environments (default
      50, the per-region quota), Q job queues (50), J job definitions and
      P customer-managed policies (default 200 each). gwgen refuses to
      generate a stack over CloudFormation's quotas (500 resources, 200
      outputs); `gwgen verify` still checks the profile.

Output is deterministic for a given seed and N: profile i depends only on
(seed, i), so the first 10 of 1,000 profiles are the 10 of a run with N=10.
Every profile passes `gwgen verify` (warnings allowed: several guides'
choices, such as Resource "*" on actions with resource-level permissions,
are warnings by design). The benchmark checks this for every N it uses.
"""

import argparse
import os
import random
import sys

# Regions of the three partitions gwgen renders ARNs for; every profile
# index below len(REGIONS) takes them in turn so small N covers them all.
REGIONS = [
    "us-east-1", "cn-north-1", "us-gov-west-1", "us-west-2", "eu-west-1",
    "cn-northwest-1", "us-gov-east-1", "eu-central-1", "ap-southeast-2",
    "ap-northeast-1", "ca-central-1", "sa-east-1", "us-east-2",
    "eu-north-1", "ap-south-1",
]

ENGINES = ["nextflow", "nextflow", "nextflow", "nextstrain", "snakemake",
           "none"]

# Instance families from data/instance-types.tsv, by architecture. A
# compute environment never mixes architectures (rule CE6), nor does a
# queue (Q3).
X86_FAMILIES = ["c5", "c5d", "c6i", "c6a", "c7i", "m5", "m5d", "m6i", "m6a",
                "m7i", "r5", "r5d", "r6i", "r6a", "r7i"]
X86_TYPES = ["c5.xlarge", "c5.2xlarge", "c5.4xlarge", "m5.2xlarge",
             "m6i.4xlarge", "r5.2xlarge", "r6i.xlarge", "c6i.8xlarge"]
ARM_FAMILIES = ["c6g", "c7g", "m6g", "m7g", "r6g", "r7g"]

FIELDS = ["proteomics", "genomics", "imaging", "metagenomics", "phylo",
          "rnaseq", "structural", "epigenomics", "singlecell", "virology"]

PACKAGES = ["jq", "sed", "wget", "git", "htop", "tmux", "unzip"]

# The AWS CLI the shipped profiles pin (x86_64 zip, published SHA-256).
AWS_CLI = ("2.36.11",
           "50fbb7a2f44a78eab4a210088040e8f0bc4b9937cac8043c2354269d58614df6")
CLI_PATH = "/usr/local/aws-cli/v2/current/bin/aws"

RETENTIONS = [7, 14, 30, 60, 90, 180, 365]

# A profile index written with this many digits keeps names sortable.
INDEX_DIGITS = 5


def q(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Writer:
    """Indented YAML lines."""

    def __init__(self):
        self.lines = []

    def put(self, depth, text):
        self.lines.append("  " * depth + text)

    def text(self):
        return "\n".join(self.lines) + "\n"


def policy_bucket(w, name):
    w.put(1, f"- name: {name}")
    w.put(2, "description: Read and write the lab bucket")
    w.put(2, "statements:")
    w.put(3, "- sid: ListBucket")
    w.put(4, "actions: [s3:ListBucket, s3:GetBucketLocation]")
    w.put(4, "resources: [bucket]")
    w.put(3, "- sid: ReadWriteObjects")
    w.put(4, "actions: [s3:GetObject, s3:PutObject, s3:DeleteObject, "
          "s3:AbortMultipartUpload]")
    w.put(4, "resources: [bucket/*]")


def policy_secrets(w, name, prefix):
    w.put(1, f"- name: {name}")
    w.put(2, "statements:")
    w.put(3, "- actions: [secretsmanager:GetSecretValue, "
          "secretsmanager:DescribeSecret]")
    w.put(4, f'resources: ["secret:{prefix}_*"]')


def policy_logs(w, name, group):
    w.put(1, f"- name: {name}")
    w.put(2, "description: Read the job logs")
    w.put(2, "statements:")
    w.put(3, "- actions: [logs:GetLogEvents, logs:FilterLogEvents]")
    w.put(4, "resources:")
    w.put(5, f'- "log-group:{group}"')
    w.put(5, f'- "log-group:{group}:log-stream:*"')


def policy_batch(w, name, role):
    w.put(1, f"- name: {name}")
    w.put(2, "description: Submit and watch Batch jobs")
    w.put(2, "statements:")
    w.put(3, "- sid: Describe")
    w.put(4, "actions: [batch:DescribeJobQueues, batch:DescribeJobs, "
          "batch:ListJobs, batch:DescribeJobDefinitions]")
    w.put(4, 'resources: ["*"]')
    if role:
        w.put(3, "- sid: PassJobRole")
        w.put(4, "actions: [iam:PassRole]")
        w.put(4, f'resources: ["role:{role}"]')


def compute_env(w, ce, lt_name, instance_role):
    w.put(1, f"- name: {ce['name']}")
    w.put(2, f"type: {ce['type']}")
    if ce["type"] in ("FARGATE", "FARGATE_SPOT"):
        w.put(2, f"max_vcpus: {ce['max']}")
        return
    if ce.get("strategy"):
        w.put(2, f"allocation_strategy: {ce['strategy']}")
    w.put(2, "instance_types: [" + ", ".join(ce["types"]) + "]")
    w.put(2, "min_vcpus: 0")
    w.put(2, f"max_vcpus: {ce['max']}")
    if ce.get("bid"):
        w.put(2, f"bid_percentage: {ce['bid']}")
    if lt_name:
        w.put(2, f"launch_template: {lt_name}")
    w.put(2, f"instance_role: {instance_role}")
    if ce.get("tag"):
        w.put(2, "tags:")
        w.put(3, f"Name: {ce['tag']}")


def make_ces(rng, name, count, allow_fargate):
    """Compute environments; each one x86_64 or arm64, EC2/SPOT or Fargate."""
    ces = []
    for j in range(count):
        kind = rng.random()
        ce = {"name": f"{name}-ce{j + 1}", "max": rng.choice(
            [64, 128, 256, 512, 1024])}
        if allow_fargate and kind < 0.1:
            ce["type"] = rng.choice(["FARGATE", "FARGATE_SPOT"])
            ce["arch"] = "fargate"
        else:
            ce["type"] = "SPOT" if kind < 0.55 else "EC2"
            ce["arch"] = "arm64" if rng.random() < 0.2 else "x86_64"
            if ce["arch"] == "arm64":
                ce["types"] = rng.sample(ARM_FAMILIES, rng.randint(1, 3))
            elif rng.random() < 0.3:
                ce["types"] = rng.sample(X86_TYPES, rng.randint(1, 4))
            elif rng.random() < 0.15:
                ce["types"] = ["optimal"]
            else:
                ce["types"] = rng.sample(X86_FAMILIES, rng.randint(1, 4))
            if ce["type"] == "SPOT":
                ce["strategy"] = rng.choice(
                    ["SPOT_PRICE_CAPACITY_OPTIMIZED",
                     "SPOT_CAPACITY_OPTIMIZED"])
                if rng.random() < 0.3:
                    ce["bid"] = rng.choice([50, 60, 80, 100])
            elif rng.random() < 0.5:
                ce["strategy"] = "BEST_FIT_PROGRESSIVE"
            if rng.random() < 0.5:
                ce["tag"] = f"{ce['name']}-worker"
        ces.append(ce)
    return ces


def make_queues(rng, name, ces, count):
    """Queues over CEs of one architecture (Q3), 1..3 CEs each (Q1)."""
    by_arch = {}
    for ce in ces:
        by_arch.setdefault(ce["arch"], []).append(ce)
    arches = sorted(by_arch)
    queues = []
    for j in range(count):
        group = by_arch[arches[j % len(arches)]]
        n = min(len(group), rng.randint(1, 3))
        start = j % len(group)
        members = [group[(start + k) % len(group)] for k in range(n)]
        on_demand = [c for c in members if c["type"] == "EC2"]
        queues.append({
            "name": f"{name}-q{j + 1}",
            # Distinct priorities: queues sharing a CE are ordered (Q4).
            "priority": 1 + j * 10,
            "ces": members,
            # A head queue must not reach Spot (Q8).
            "head": bool(on_demand) and len(on_demand) == len(members)
            and rng.random() < 0.5,
        })
    return queues


def job_def_fits(queue):
    """Small resources every CE of the queue can run (J2, J3, J4)."""
    if queue["ces"][0]["arch"] == "fargate":
        return 1, 2048
    return 1, 1024


def lab_profile(seed, i):
    rng = random.Random(seed * 1_000_003 + i)
    field = rng.choice(FIELDS)
    name = f"lab{i:0{INDEX_DIGITS}d}-{field}"
    region = REGIONS[i] if i < len(REGIONS) else rng.choice(REGIONS)
    engine = rng.choice(ENGINES)
    w = Writer()
    w.put(0, f"# Synthetic benchmark profile {i} (tools/gen-profiles.py, "
          f"seed {seed}).")
    w.put(0, f"name: {name}")
    w.put(0, f"description: {q('Synthetic ' + field + ' lab ' + str(i))}")
    w.put(0, f"region: {region}")
    if rng.random() < 0.5:
        w.put(0, f'account_id: "{rng.randint(10**11, 10**12 - 1)}"')
    w.put(0, f"engine: {engine}")
    if rng.random() < 0.6:
        w.put(0, "tags:")
        w.put(1, f"Project: {field}")
        if rng.random() < 0.5:
            w.put(1, f"CostCenter: {q(str(rng.randint(1000, 9999)))}")
    if rng.random() < 0.5:
        w.put(0, "network:")
        w.put(1, f"vpc: {str(rng.random() < 0.5).lower()}")
        w.put(1, f"key_pair: {str(rng.random() < 0.3).lower()}")
        w.put(1, f"custom_ami: {str(rng.random() < 0.3).lower()}")

    w.put(0, "bucket:")
    w.put(1, f"name: bench-{name}-{seed}")
    if rng.random() < 0.4:
        w.put(1, f"expire_days: {rng.choice([30, 60, 90, 365])}")
    if rng.random() < 0.3:
        w.put(1, "versioning: true")

    log_group = f"/aws/batch/{name}"
    w.put(0, "log_groups:")
    w.put(1, f"- name: {log_group}")
    w.put(2, f"retention_days: {rng.choice(RETENTIONS)}")

    instance_role = f"{name}-instance-role"
    job_role = f"{name}-job-role" if rng.random() < 0.6 else None
    pols = [f"{name}-bucket"]
    w.put(0, "policies:")
    policy_bucket(w, pols[0])
    if rng.random() < 0.5:
        pols.append(f"{name}-secrets")
        policy_secrets(w, pols[-1], field.upper())
    if rng.random() < 0.5:
        pols.append(f"{name}-logs")
        policy_logs(w, pols[-1], log_group)
    people_policy = f"{name}-batch"
    policy_batch(w, people_policy, job_role)

    w.put(0, "roles:")
    w.put(1, f"- name: {instance_role}")
    w.put(2, "trust: [ec2]")
    w.put(2, "managed: [service-role/AmazonEC2ContainerServiceforEC2Role]")
    w.put(2, "policies: [" + ", ".join(pols) + "]")
    w.put(2, "instance_profile: true")
    if job_role:
        w.put(1, f"- name: {job_role}")
        w.put(2, "trust: [ecs-tasks]")
        w.put(2, f"policies: [{pols[0]}]")

    if rng.random() < 0.5:
        group = f"{name}-users"
        w.put(0, "groups:")
        w.put(1, f"- name: {group}")
        w.put(2, f"policies: [{people_policy}, {pols[0]}]")
        n_users = rng.randint(0, 4)
        if n_users:
            w.put(0, "users:")
            for u in range(n_users):
                w.put(1, f"- name: {name}-user{u + 1}")
                w.put(2, f"groups: [{group}]")

    # One launch template for the x86_64 CEs: its user data pins the
    # x86_64 AWS CLI zip, so arm64 CEs use none.
    ces = make_ces(rng, name, rng.randint(1, 4), engine != "nextstrain")
    lt_name = None
    has_cli = False
    if any(c["arch"] == "x86_64" for c in ces) and rng.random() < 0.7:
        lt_name = f"{name}-template"
        w.put(0, "launch_templates:")
        w.put(1, f"- name: {lt_name}")
        scratch = rng.choice(["ebs-autoscale", "nvme-lvm", None])
        if rng.random() < 0.4:
            w.put(2, "root_volume:")
            w.put(3, "device: /dev/xvda")
            w.put(3, f"size_gib: {rng.choice([50, 100, 200])}")
        if scratch == "ebs-autoscale":
            w.put(2, "volumes:")
            w.put(3, "- device: /dev/xvdba")
            w.put(4, f"size_gib: {rng.choice([100, 150, 200])}")
        w.put(2, "user_data:")
        w.put(3, "packages: [" + ", ".join(
            rng.sample(PACKAGES, rng.randint(1, 3))) + "]")
        if rng.random() < 0.7:
            has_cli = True
            w.put(3, "aws_cli:")
            w.put(4, f"version: {AWS_CLI[0]}")
            w.put(4, f"sha256: {AWS_CLI[1]}")
        if scratch:
            w.put(3, "scratch:")
            w.put(4, f"kind: {scratch}")
            if scratch == "ebs-autoscale":
                w.put(4, "device: /dev/xvdba")
        if rng.random() < 0.5:
            w.put(3, "ecs_config:")
            w.put(4, 'ECS_ENABLE_SPOT_INSTANCE_DRAINING: "true"')

    w.put(0, "compute_environments:")
    for ce in ces:
        compute_env(w, ce, lt_name if ce["arch"] == "x86_64" else None,
                    instance_role)

    queues = make_queues(rng, name, ces, rng.randint(1, 3))
    w.put(0, "job_queues:")
    for qu in queues:
        w.put(1, f"- name: {qu['name']}")
        w.put(2, f"priority: {qu['priority']}")
        w.put(2, "compute_environments: [" + ", ".join(
            c["name"] for c in qu["ces"]) + "]")
        if qu["head"]:
            w.put(2, "head: true")

    n_jobs = rng.randint(1 if engine == "nextstrain" else 0, 3)
    jobs = []
    if n_jobs:
        w.put(0, "job_definitions:")
    for j in range(n_jobs):
        qu = queues[j % len(queues)]
        vcpus, mem = job_def_fits(qu)
        jobs.append((f"{name}-job{j + 1}", qu["name"]))
        w.put(1, f"- name: {jobs[-1][0]}")
        w.put(2, f"image: {rng.choice(['nextstrain/base:latest', 'ubuntu:24.04', 'public.ecr.aws/docker/library/python:3.12'])}")
        w.put(2, f"vcpus: {vcpus}")
        w.put(2, f"memory_mib: {mem}")
        w.put(2, f"attempts: {rng.randint(1, 3)}")
        w.put(2, f"timeout: {rng.choice([0, 3600, 14400])}")
        if job_role:
            w.put(2, f"job_role: {job_role}")
        w.put(2, f"queue: {qu['name']}")
        w.put(2, f"log_group: {log_group}")
        if rng.random() < 0.3:
            w.put(2, "environment:")
            w.put(3, f"LAB: {name}")

    # Nextflow's default queue: a non-Fargate one (Nextflow runs EC2 jobs).
    ec2_queues = [qu for qu in queues if qu["ces"][0]["arch"] != "fargate"]
    if engine == "nextflow" and ec2_queues:
        w.put(0, "nextflow:")
        w.put(1, f"queue: {ec2_queues[0]['name']}")
        if has_cli:
            w.put(1, f"cli_path: {CLI_PATH}")
        if rng.random() < 0.5:
            w.put(1, f"max_spot_attempts: {rng.randint(0, 5)}")
        if rng.random() < 0.3:
            w.put(1, f"log_group: {log_group}")
        if rng.random() < 0.4:
            w.put(1, "processes:")
            w.put(2, "- selector: withLabel:small")
            w.put(3, "cpus: 1")
            w.put(3, "memory_mib: 1024")
    elif engine == "nextflow":
        # Only Fargate queues: no Nextflow section, so no engine either.
        w.lines = [ln.replace("engine: nextflow", "engine: none")
                   for ln in w.lines]
    if engine == "nextstrain":
        w.put(0, "nextstrain:")
        w.put(1, f"job_definition: {jobs[0][0]}")
        w.put(1, f"queue: {jobs[0][1]}")
    return name, w.text()


def quota_profile(name, n_ces, n_queues, n_jobs, n_policies):
    """One profile at the AWS Batch quotas (CE18: 50 CEs, 50 queues)."""
    w = Writer()
    w.put(0, "# Synthetic profile at the AWS Batch quotas "
          "(tools/gen-profiles.py --quota).")
    w.put(0, f"name: {name}")
    desc = (f"{n_ces} CEs, {n_queues} queues, {n_jobs} job definitions, "
            f"{n_policies} policies")
    w.put(0, f"description: {q(desc)}")
    w.put(0, "region: us-west-2")
    w.put(0, 'account_id: "123456789012"')
    w.put(0, "engine: nextflow")
    w.put(0, "tags:")
    w.put(1, "Project: quota")
    w.put(0, "bucket:")
    w.put(1, f"name: bench-{name}-data")
    w.put(0, "log_groups:")
    w.put(1, f"- name: /aws/batch/{name}")
    w.put(0, "policies:" if n_policies else "policies: []")
    pols = []
    for p in range(n_policies):
        pols.append(f"{name}-policy{p + 1}")
        if p % 2:
            policy_secrets(w, pols[-1], f"P{p + 1}")
        else:
            policy_bucket(w, pols[-1])
    instance_role = f"{name}-instance-role"
    w.put(0, "roles:")
    w.put(1, f"- name: {instance_role}")
    w.put(2, "trust: [ec2]")
    w.put(2, "managed: [service-role/AmazonEC2ContainerServiceforEC2Role]")
    # At most 20 managed policies per role (N8).
    w.put(2, "policies: [" + ", ".join(pols[:10]) + "]")
    w.put(2, "instance_profile: true")
    w.put(1, f"- name: {name}-job-role")
    w.put(2, "trust: [ecs-tasks]")
    w.put(2, "policies: [" + ", ".join(pols[10:20]) + "]")
    w.put(0, "launch_templates:")
    w.put(1, f"- name: {name}-template")
    w.put(2, "user_data:")
    w.put(3, "packages: [jq]")
    w.put(3, "aws_cli:")
    w.put(4, f"version: {AWS_CLI[0]}")
    w.put(4, f"sha256: {AWS_CLI[1]}")
    w.put(0, "compute_environments:")
    for c in range(n_ces):
        w.put(1, f"- name: {name}-ce{c + 1}")
        w.put(2, f"type: {'SPOT' if c % 2 else 'EC2'}")
        w.put(2, "instance_types: [" + ", ".join(
            X86_FAMILIES[(c + k) % len(X86_FAMILIES)] for k in range(3))
            + "]")
        w.put(2, "max_vcpus: 256")
        w.put(2, f"launch_template: {name}-template")
        w.put(2, f"instance_role: {instance_role}")
    w.put(0, "job_queues:")
    for j in range(n_queues):
        w.put(1, f"- name: {name}-q{j + 1}")
        # Distinct priorities (Q4), 0..1000 (Q4).
        w.put(2, f"priority: {1 + j * 1000 // max(n_queues, 1)}")
        w.put(2, f"compute_environments: [{name}-ce{j % n_ces + 1}]")
    if n_jobs:
        w.put(0, "job_definitions:")
    for j in range(n_jobs):
        w.put(1, f"- name: {name}-job{j + 1}")
        w.put(2, "image: public.ecr.aws/docker/library/python:3.12")
        w.put(2, f"vcpus: {1 + j % 2}")
        w.put(2, f"memory_mib: {1024 * (1 + j % 3)}")
        w.put(2, f"job_role: {name}-job-role")
        w.put(2, f"queue: {name}-q{j % n_queues + 1}")
        w.put(2, f"log_group: /aws/batch/{name}")
    w.put(0, "nextflow:")
    w.put(1, f"queue: {name}-q1")
    w.put(1, f"cli_path: {CLI_PATH}")
    return w.text()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quota", action="store_true")
    ap.add_argument("--name", default="quota")
    ap.add_argument("--ces", type=int, default=50)
    ap.add_argument("--queues", type=int, default=50)
    ap.add_argument("--job-defs", type=int, default=200)
    ap.add_argument("--policies", type=int, default=200)
    ap.add_argument("args", nargs="+", help="N DIR, or FILE with --quota")
    o = ap.parse_args()
    if o.quota:
        if len(o.args) != 1 or min(o.ces, o.queues) < 1:
            ap.error("--quota takes one FILE; --ces and --queues >= 1")
        with open(o.args[0], "w", encoding="utf-8") as f:
            f.write(quota_profile(o.name, o.ces, o.queues, o.job_defs,
                                  o.policies))
        return 0
    if len(o.args) != 2:
        ap.error("expected N DIR")
    n = int(o.args[0])
    os.makedirs(o.args[1], exist_ok=True)
    for i in range(n):
        name, text = lab_profile(o.seed, i)
        with open(os.path.join(o.args[1], name + ".yaml"), "w",
                  encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
