#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""out/gwfcore/ against seed 004 (aws-genomics-workflows "Core: Custom
Compute Resources").

Expected values are the guide's: a 100 GiB gp2 encrypted scratch volume on
/dev/xvdba deleted on termination, MIME user data with a cloud-config part,
the guide's packages (without btrfs-progs), AWS CLI v2, auto-expanding
scratch on /var/lib/docker, provisioning scripts stored in the bucket and
fetched by the launch template (pinned by SHA-256 here), and spot and
on-demand compute environments with their queues (gwfcore-batch).
"""

import base64
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys

import seedlib
from seedlib import as_list, statements, sub_text

SEED = "seed 004"


def the_lt(out):
    lts = out.resources("AWS::EC2::LaunchTemplate")
    return lts[0][1]["Properties"] if len(lts) == 1 else None


def check_volume(out, c):
    lt = the_lt(out)
    if not c.check(lt is not None, "one launch template", SEED):
        return
    vols = {b["DeviceName"]: b["Ebs"] for b in
            as_list(lt["LaunchTemplateData"].get("BlockDeviceMappings"))}
    v = vols.get("/dev/xvdba")
    if not c.check(v is not None, "a /dev/xvdba mapping",
                   SEED + " 'Device name to /dev/xvdba'"):
        return
    c.eq(v.get("VolumeSize"), 100, "size", SEED + " 'Size to 100 GiB'")
    c.eq(v.get("VolumeType"), "gp2", "type", SEED + " 'gp2'")
    c.check(v.get("Encrypted") is True, "encrypted", SEED)
    c.check(v.get("DeleteOnTermination") is True, "deleted on termination",
            SEED)
    c.check("/dev/xvdcz" not in vols, "no AL1 Docker volume /dev/xvdcz",
            "domain.md D8")


def check_user_data(out, c):
    lt = the_lt(out)
    if lt is None:
        return
    text = out.text(f"userdata/{lt['LaunchTemplateName']}.mime")
    _, parts = seedlib.mime_parts(text.encode())
    cc = [t for ct, t in parts if ct == "text/cloud-config"]
    if c.check(cc, "a text/cloud-config part",
               SEED + " 'Content-Type: text/cloud-config'"):
        conf = seedlib.yaml.safe_load(cc[0])
        pkgs = set(conf.get("packages", []))
        for p in ("jq", "sed", "wget", "unzip"):
            c.check(p in pkgs, f"package {p}", SEED + " 'packages:'")
        c.check("btrfs-progs" not in pkgs, "no btrfs-progs (AL2023)",
                "domain.md L8")
    whole = "\n".join(t for _, t in parts)
    c.check(("awscli-exe-linux-$arch-$version.zip" in whole
            and "'x86_64') version=" in whole), "AWS CLI v2 install",
            SEED + " 'awscli-exe-linux-x86_64.zip'")
    c.check("/var/lib/docker" in whole, "scratch on /var/lib/docker",
            SEED + " 'apply Amazon EBS Autoscaling to /var/lib/docker'")
    c.check("/dev/xvdba" in whole, "scratch starts from /dev/xvdba", SEED)


def check_provisioning(out, c):
    """The guide's flexible provisioning: scripts in the bucket, fetched by
    the launch template; here each one under a version and pinned."""
    lt = the_lt(out)
    files = out.files("provision")
    if not c.check(files, "provisioning scripts shipped under provision/",
                   SEED + " 'store your provisioning scripts on S3'"):
        return
    prof = out.profile()
    prov = prof["launch_templates"][0]["user_data"]["provision"]
    version = prov["version"]
    prefix = prov.get("prefix", "provision")
    ud = out.text(f"userdata/{lt['LaunchTemplateName']}.mime") if lt else ""
    for script in prov["scripts"]:
        rel = f"provision/{version}/{script}"
        if not c.check(rel in files, f"{rel} shipped", SEED):
            continue
        digest = hashlib.sha256(out.data(rel)).hexdigest()
        c.check(digest in ud, f"user data pins {rel} by SHA-256 {digest}",
                "task: pinned versions and checksums")
        # The user data quotes each part: s3://$BUCKET/'provision'/'v1'.
        c.check(re.search("'?" + re.escape(prefix) + "'?/'?" +
                          re.escape(version) + "'?", ud) and
                f"'{script}'" in ud and "s3://$GW_BUCKET/" in ud,
                f"user data fetches s3://BUCKET/{prefix}/{version}/{script}",
                SEED)
    deploy = out.text("scripts/deploy.sh")
    c.check("provision" in deploy, "deploy.sh uploads the provisioning "
            "scripts", SEED + " 'update provisioning steps by uploading new "
            "scripts to S3'")


def check_batch(out, c):
    types = {}
    for _, r in out.resources("AWS::Batch::ComputeEnvironment"):
        p = r["Properties"]
        types[p["ComputeEnvironmentName"]] = p["ComputeResources"]["Type"]
    c.check("SPOT" in types.values() and "EC2" in types.values(),
            f"spot and on-demand compute environments ({types})",
            "gwfcore-batch")
    for qlid, q in out.resources("AWS::Batch::JobQueue"):
        _, order = out.queue_order(q["Properties"]["JobQueueName"])
        kinds = {types.get(n) for n in order}
        c.check(len(kinds) == 1, f"queue {q['Properties']['JobQueueName']} "
                f"does not mix spot and on-demand ({order})",
                "gwfcore commit 7030a12")
    queues = {q["Properties"]["JobQueueName"]: q["Properties"]["Priority"]
              for _, q in out.resources("AWS::Batch::JobQueue")}
    c.eq(len(queues), 2, "two queues", "gwfcore-batch")


# The Nextflow head job. gwfcore's README names the priority queue as the
# queue for "workflow head jobs"; Nextflow's AWS docs (nextflow.io/docs/
# latest/aws.html, "AWS IAM policies") list the minimal permissions of the
# identity Nextflow runs as, "To use AWS Batch" and "To be able to see the
# EC2 instances"; Batch's SubmitJob takes the job queue and job definition
# by name and --container-overrides as JSON (AWS CLI batch submit-job).
NF_DOC = "nextflow.io/docs/latest/aws.html 'AWS IAM policies'"
NF_BATCH = ("batch:DescribeJobQueues", "batch:CancelJob", "batch:SubmitJob",
            "batch:ListJobs", "batch:DescribeComputeEnvironments",
            "batch:TerminateJob", "batch:DescribeJobs",
            "batch:RegisterJobDefinition", "batch:DescribeJobDefinitions")
NF_EC2 = ("ecs:DescribeTasks", "ec2:DescribeInstances",
          "ec2:DescribeInstanceTypes", "ec2:DescribeInstanceAttribute",
          "ecs:DescribeContainerInstances", "ec2:DescribeInstanceStatus")


def head_job(out):
    for _, r in out.resources("AWS::Batch::JobDefinition"):
        p = r["Properties"]
        if p["JobDefinitionName"] == "gwfcore-nextflow-head":
            return p
    return None


def check_head_job(out, c):
    jd = head_job(out)
    if not c.check(jd is not None, "a head job definition",
                   "gwfcore README 'workflow head jobs'"):
        return
    cp = jd["ContainerProperties"]
    c.check(re.fullmatch(r"nextflow/nextflow:\d+\.\d+\.\d+", cp["Image"]),
            f"a pinned Nextflow image ({cp['Image']})", "Nextflow Docker")
    res = {r["Type"]: int(r["Value"]) for r in cp["ResourceRequirements"]}
    c.check(res.get("VCPU", 0) >= 1 and res.get("MEMORY", 0) >= 2048,
            f"vCPUs and memory for the head JVM ({res})", NF_DOC)
    env = {e["Name"]: e["Value"] for e in cp.get("Environment", [])}
    c.eq(env.get("NXF_ANSI_LOG"), "false", "NXF_ANSI_LOG (no terminal)",
         "Nextflow environment variables")
    c.check("-Xmx" in env.get("NXF_OPTS", ""), "NXF_OPTS bounds the heap",
            "Nextflow environment variables")
    role = out.role_name(cp.get("JobRoleArn"))
    c.eq(role, "gwfcore-nextflow-head-role", "head job role", NF_DOC)
    # The head queue is the on-demand priority queue.
    _, order = out.queue_order("gwfcore-priority")
    types = {p["ComputeEnvironmentName"]: p["ComputeResources"]["Type"]
             for _, r in out.resources("AWS::Batch::ComputeEnvironment")
             for p in [r["Properties"]]}
    c.check(order and all(types.get(n) == "EC2" for n in order),
            "the head queue reaches On-Demand only", "gwfcore 7030a12")
    _, r = out.by_name("AWS::IAM::Role", "RoleName", role)
    if not c.check(r is not None, "the head job role exists", NF_DOC):
        return
    principals = [sub_text(p) for st in statements(
        r["AssumeRolePolicyDocument"]) for p in
        as_list(st["Principal"]["Service"])]
    c.check("ecs-tasks.amazonaws.com" in principals,
            "the head job role trusts ecs-tasks", "Batch job role")
    docs = [out.resource(seedlib.ref_target(ref))["Properties"]
            ["PolicyDocument"] for ref in as_list(r.get("ManagedPolicyArns"))]
    acts = {a for d in docs for a in seedlib.actions_of(d)}
    for a in NF_BATCH + NF_EC2:
        c.check(a in acts, f"the head job role allows {a}", NF_DOC)
    submit = [sub_text(x) for d in docs for st in statements(d)
              if "batch:SubmitJob" in as_list(st.get("Action"))
              for x in as_list(st.get("Resource"))]
    for q in ("gwfcore-default", "gwfcore-priority"):
        c.check(any(x.endswith(":job-queue/" + q) for x in submit),
                f"SubmitJob scoped to the stack's queue {q}", NF_DOC)
    c.check("*" not in submit, "SubmitJob not on '*'", "least privilege")
    objs = [sub_text(x) for d in docs for st in statements(d)
            if "s3:PutObject" in as_list(st.get("Action"))
            for x in as_list(st.get("Resource"))]
    c.check(any(x.endswith(":s3:::example-lab-gwfcore-data/*") for x in objs),
            "the head job role writes the work directory's bucket",
            "Nextflow 'workDir'")


def check_run_head(out, c):
    script = out.path("scripts/run-head.sh")
    r = subprocess.run([script, "--dry-run", "nf-core/rnaseq", "-profile",
                        "test", "--outdir", 's3://b/"quoted" dir'],
                       capture_output=True, text=True)
    if not c.check(r.returncode == 0, f"run-head.sh --dry-run ({r.stderr})",
                   "the issue: --dry-run prints the submit-job call"):
        return
    argv = shlex.split(r.stdout)
    c.eq(argv[:3], ["aws", "batch", "submit-job"], "an aws batch submit-job "
         "call", "AWS CLI batch submit-job")
    opts = dict(a[2:].split("=", 1) for a in argv[3:] if a.startswith("--"))
    c.eq(opts.get("job-queue"), "gwfcore-priority", "--job-queue",
         "gwfcore README 'workflow head jobs'")
    c.eq(opts.get("job-definition"), "gwfcore-nextflow-head",
         "--job-definition", "the head job definition")
    c.eq(opts.get("region"), "us-east-1", "--region", "the profile")
    try:
        ov = json.loads(opts.get("container-overrides", ""))
    except ValueError as e:
        c.check(False, f"--container-overrides is JSON ({e})", "AWS CLI")
        return
    jd = head_job(out)
    base = jd["ContainerProperties"]["Command"]
    c.eq(ov["command"], base + ["nf-core/rnaseq", "-profile", "test",
                                "--outdir", 's3://b/"quoted" dir'],
         "command: the job definition's, then PIPELINE and ARGS", "run-head")
    env = {e["name"]: e["value"] for e in ov["environment"]}
    with open(out.path("client/nextflow.config"), "rb") as f:
        c.eq(base64.b64decode(env.get("GWGEN_NEXTFLOW_CONFIG", "")), f.read(),
             "the job gets client/nextflow.config", "run-head")
    # The job definition's command writes that config and runs nextflow.
    cmd = base[2] if len(base) > 2 else ""
    c.check(base[:2] == ["bash", "-c"] and "nextflow run -c" in cmd and
            "GWGEN_NEXTFLOW_CONFIG" in cmd, "the head command runs "
            "`nextflow run -c CONFIG PIPELINE ARGS`", "Nextflow CLI 'run'")
    r = subprocess.run([script, "--dry-run"], capture_output=True, text=True)
    c.eq(r.returncode, 2, "no PIPELINE is a usage error", "run-head --help")


# With no spill-over, a task had no way to on-demand capacity
# (aws-genomics-workflows#115); Nextflow's answer is a dynamic queue that
# moves a task after N attempts (Nextflow docs, "Dynamic directives"), which
# needs errorStrategy 'retry' and maxRetries >= N to make that attempt
# (reference: errorStrategy, maxRetries).
FALLBACK_SRC = "aws-genomics-workflows#115; Nextflow 'Dynamic directives'"


def check_spot_fallback(out, c):
    text = out.text("client/nextflow.config")
    m = re.search(r"^\s*queue = \{ task\.attempt > (\d+) \? '([^']+)' : "
                  r"'([^']+)' \}$", text, re.M)
    if not c.check(m is not None, "process.queue is a closure over "
                   "task.attempt", FALLBACK_SRC):
        return
    n, fallback, first = int(m.group(1)), m.group(2), m.group(3)
    types = {}
    for _, r in out.resources("AWS::Batch::ComputeEnvironment"):
        p = r["Properties"]
        types[p["ComputeEnvironmentName"]] = p["ComputeResources"]["Type"]
    first_kinds = {types.get(x) for x in out.queue_order(first)[1] or []}
    back_kinds = {types.get(x) for x in out.queue_order(fallback)[1] or []}
    c.check("SPOT" in first_kinds, f"the first queue {first} reaches Spot "
            f"({first_kinds})", FALLBACK_SRC)
    c.check(back_kinds == {"EC2"}, f"the fallback queue {fallback} reaches "
            f"on-demand only ({back_kinds})", FALLBACK_SRC)
    c.check(re.search(r"^\s*errorStrategy = 'retry'$", text, re.M),
            "errorStrategy 'retry'", "Nextflow reference 'errorStrategy'")
    r = re.search(r"^\s*maxRetries = (\d+)$", text, re.M)
    c.check(r is not None and int(r.group(1)) >= n,
            f"maxRetries >= {n}, so attempt {n + 1} happens",
            "Nextflow reference 'maxRetries'")


CHECKS = [check_volume, check_user_data, check_provisioning, check_batch,
          check_head_job, check_run_head, check_spot_fallback]

if __name__ == "__main__":
    sys.exit(seedlib.run(CHECKS, "gwfcore", "seeds gwfcore"))
