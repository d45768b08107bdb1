#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""out/miniwdl/ against miniwdl-aws's documentation.

Expected values are miniwdl-aws's and AWS's: miniwdl-aws's README runs a
workflow with `miniwdl-aws-submit`, which launches miniwdl as a "workflow
job" on its own queue, which "spawns WDL task jobs"; "--no-efs" makes it
"expect EC2 compute environments to automatically mount some other shared
filesystem" (at --mount), with the workflow job on EC2 rather than Fargate;
its setup.py names that container backend `aws_batch_job_no_efs`
(BatchJobNoEFS in batch_job.py, which mounts `[file_io] root` from the host
into every task and requires it absolute and not '/'); `miniwdl_aws.cfg` is
the configuration built into its workflow image (call_concurrency 80,
download_concurrency 5, the call and download caches under miniwdl_run/,
flock off, [aws] job_timeout 864000, describe_period 1, submit_period 1,
retry_wait 20, task defaults docker ubuntu:20.04 and preemptible 2);
cli_submit.py finds the task queues in the workflow queue's DefaultTaskQueue
and DefaultTaskQueueFallback tags, as miniwdl-aws-terraform's main.tf sets
them; batch_job.py calls RegisterJobDefinition, DeregisterJobDefinition,
SubmitJob, DescribeJobs and TerminateJob; the README asks for EFS "Elastic"
throughput and mounts it at /mnt/efs. AWS's "How do I mount an Amazon EFS
file system on AWS Batch compute environment instances" installs
amazon-efs-utils and mounts with `efs tls,_netdev` from fstab. The config
file is read with configparser, as miniwdl reads it.
"""

import configparser
import json
import os
import re
import subprocess
import sys

import seedlib
from seedlib import as_list, mime_parts, ref_target, statements, sub_text

README = "miniwdl-aws README"
CFG_DOC = "miniwdl-aws miniwdl_aws.cfg"
SUBMIT = "miniwdl-aws cli_submit.py"
BATCH_JOB = "miniwdl-aws batch_job.py"
TF = "miniwdl-aws-terraform main.tf"
KC = "AWS Knowledge Center batch-mount-efs"
CFG = "client/miniwdl.cfg"
RUN = "scripts/run-miniwdl.sh"
WORKFLOW_CALLS = ("batch:RegisterJobDefinition",
                  "batch:DeregisterJobDefinition", "batch:SubmitJob",
                  "batch:DescribeJobs", "batch:TerminateJob")


def cfg(out):
    p = configparser.ConfigParser()
    p.read_string(out.text(CFG))
    return p


def miniwdl(out):
    return out.profile()["miniwdl"]


def check_cfg(out, c):
    p = cfg(out)
    prof = out.profile()
    c.eq(p.get("scheduler", "container_backend"), "aws_batch_job_no_efs",
         "[scheduler] container_backend",
         "miniwdl-aws setup.py entry point of BatchJobNoEFS (--no-efs)")
    root = p.get("file_io", "root")
    c.check(root.startswith("/") and root != "/",
            "[file_io] root is absolute and not '/'",
            BATCH_JOB + " global_init")
    c.eq(root, "/mnt/efs", "[file_io] root", README + " 'mount EFS at "
         "/mnt/efs'")
    c.eq(root, prof["shared_storage"]["mount_point"],
         "[file_io] root is the shared storage's mount point", README)
    c.eq(p.get("aws", "region"), prof["region"], "[aws] region",
         "miniwdl-aws _util.py detect_aws_region")
    for key in ("task_queue", "task_queue_fallback"):
        name = p.get("aws", key)
        c.eq(name, miniwdl(out)[key], f"[aws] {key}", BATCH_JOB)
        _, order = out.queue_order(name)
        c.check(order and all(order), f"the stack creates {key} {name!r} "
                "with its compute environments", BATCH_JOB)
    # miniwdl_aws.cfg's settings (its call_concurrency is miniwdl's
    # task_concurrency since 1.5.4, workflow.py reads both).
    c.eq(p.getint("scheduler", "task_concurrency"), 80,
         "[scheduler] task_concurrency", CFG_DOC + " call_concurrency")
    c.eq(p.getint("scheduler", "download_concurrency"), 5,
         "[scheduler] download_concurrency", CFG_DOC)
    c.eq(p.get("call_cache", "dir"), "miniwdl_run/_CACHE/call",
         "[call_cache] dir", CFG_DOC)
    c.check(p.getboolean("call_cache", "get") and
            p.getboolean("call_cache", "put"), "[call_cache] get and put",
            CFG_DOC)
    c.eq(p.get("download_cache", "dir"), "miniwdl_run/_CACHE/download",
         "[download_cache] dir", CFG_DOC)
    c.eq([p.getboolean("download_cache", k) for k in ("get", "put", "flock")],
         [True, False, False], "[download_cache] get, put, flock", CFG_DOC)
    c.eq(json.loads(p.get("task_runtime", "defaults")),
         {"docker": "ubuntu:20.04", "preemptible": 2},
         "[task_runtime] defaults", CFG_DOC)
    c.eq(json.loads(p.get("task_runtime", "download_defaults")),
         {"cpu": 2, "memory": "1G", "maxRetries": 2},
         "[task_runtime] download_defaults", CFG_DOC)
    for key, value in (("job_timeout", 864000), ("describe_period", 1),
                       ("submit_period", 1), ("retry_wait", 20)):
        c.eq(p.getint("aws", key), value, f"[aws] {key}", CFG_DOC)


def check_queues(out, c):
    mw = miniwdl(out)
    _, wq = out.by_name("AWS::Batch::JobQueue", "JobQueueName",
                        mw["workflow_queue"])
    if not c.check(wq is not None, "the workflow queue", README):
        return
    tags = wq.get("Tags", {})
    c.eq(tags.get("DefaultTaskQueue"), mw["task_queue"],
         "the workflow queue's DefaultTaskQueue tag", SUBMIT + "; " + TF)
    c.eq(tags.get("DefaultTaskQueueFallback"), mw["task_queue_fallback"],
         "the workflow queue's DefaultTaskQueueFallback tag",
         SUBMIT + "; " + TF)
    for name, kinds, why in (
            (mw["workflow_queue"], {"EC2"}, "the workflow job on EC2, "
             "not Spot (--no-efs: 'the compute environment for workflow "
             "jobs is expected to use EC2')"),
            (mw["task_queue"], {"SPOT"}, "task jobs on EC2 spot instances"),
            (mw["task_queue_fallback"], {"EC2"},
             "On-Demand after spot interruptions")):
        _, order = out.queue_order(name)
        for ce_name in order or []:
            _, ce = out.by_name("AWS::Batch::ComputeEnvironment",
                                "ComputeEnvironmentName", ce_name)
            c.check(ce and ce["ComputeResources"]["Type"] in kinds,
                    f"queue {name!r} runs on {sorted(kinds)}: {ce_name!r}",
                    README + ": " + why)


def mounting_ces(out):
    """The compute environments of miniwdl's queues: (name, properties)."""
    mw = miniwdl(out)
    seen = []
    for key in ("workflow_queue", "task_queue", "task_queue_fallback"):
        _, order = out.queue_order(mw[key])
        for name in order or []:
            if name not in [n for n, _ in seen]:
                seen.append((name, out.by_name(
                    "AWS::Batch::ComputeEnvironment",
                    "ComputeEnvironmentName", name)[1]))
    return seen


def check_mount(out, c):
    fs_id, fs = next(iter(out.resources("AWS::EFS::FileSystem")),
                     (None, None))
    if not c.check(fs is not None, "the stack creates an EFS file system",
                   README):
        return
    _, client_sg = next(
        ((lid, r) for lid, r in out.resources("AWS::EC2::SecurityGroup")
         if "NFS out" in r["Properties"]["GroupDescription"]), (None, None))
    mount = out.profile()["shared_storage"]["mount_point"]
    ces = mounting_ces(out)
    c.check(ces, "miniwdl's queues reach compute environments", README)
    for name, ce in ces:
        cr = ce["ComputeResources"]
        c.eq(ref_target(cr.get("Tags", {}).get("gwgen:file-system")), fs_id,
             f"{name}: its instances carry the file system's ID",
             "the boot script reads it from instance metadata")
        sgs = json.dumps(cr.get("SecurityGroupIds"))
        c.check(client_sg is not None and
                "SharedStorageClientSecurityGroup" in sgs,
                f"{name}: the NFS client security group", "EFS 'Using VPC "
                "security groups'")
        lt_id = ref_target(cr["LaunchTemplate"]["LaunchTemplateId"])
        lt = out.resource(lt_id)["Properties"]
        md = lt["LaunchTemplateData"]["MetadataOptions"]
        c.eq(md.get("InstanceMetadataTags"), "enabled",
             f"{name}: instance tags in instance metadata",
             "EC2 'View tags for your EC2 instances using instance "
             "metadata'")
        lt_name = lt["LaunchTemplateName"]
        _, parts = mime_parts(out.data(f"userdata/{lt_name}.mime"))
        kinds = dict(parts)
        cc = kinds.get("text/cloud-config", "")
        c.check(re.search(r"^\s*- \"?amazon-efs-utils\"?$", cc, re.M),
                f"{lt_name}: installs amazon-efs-utils", KC)
        boot = kinds.get("text/x-shellscript", "")
        c.check(f"readonly GW_SHARED_MOUNT='{mount}'" in boot,
                f"{lt_name}: mounts at {mount}", README)
        m = re.search(r"'%s:/ %s efs ([^ ]+) 0 0", boot)
        opts = set(m.group(1).split(",")) if m else set()
        c.check({"tls", "_netdev"} <= opts,
                f"{lt_name}: an fstab entry of type efs with tls and "
                f"_netdev, got {sorted(opts)}", KC)
        c.check("mount \"$GW_SHARED_MOUNT\"" in boot,
                f"{lt_name}: mounts it at boot", KC)


def check_file_system(out, c):
    fs_id, fs = next(iter(out.resources("AWS::EFS::FileSystem")),
                     (None, None))
    if fs is None:
        return
    p = fs["Properties"]
    c.eq(p.get("Encrypted"), True, "the file system is encrypted at rest",
         TF + " 'encrypted = true'")
    c.eq(p.get("ThroughputMode"), "elastic", "throughput mode",
         README + " 'Retain the default Elastic throughput mode'")
    c.eq(p.get("PerformanceMode"), "generalPurpose", "performance mode", TF)
    c.eq(p.get("BackupPolicy", {}).get("Status"), "ENABLED",
         "automatic backups", "EFS 'Automatic backups'")
    policies = {list(x)[0]: list(x.values())[0]
                for x in p.get("LifecyclePolicies", [])}
    c.eq(policies.get("TransitionToPrimaryStorageClass"), "AFTER_1_ACCESS",
         "back to Standard on access", TF)
    deny = [st for st in statements(p.get("FileSystemPolicy"))
            if st.get("Effect") == "Deny" and
            st.get("Condition", {}).get("Bool", {})
            .get("aws:SecureTransport") == "false"]
    c.check(deny, "the file system policy refuses clients without TLS",
            "EFS 'Enforcing encryption in transit'")
    targets = out.resources("AWS::EFS::MountTarget")
    c.check(targets, "mount targets", README)
    for lid, mt in targets:
        mp = mt["Properties"]
        c.eq(ref_target(mp["FileSystemId"]), fs_id, f"{lid}: the file "
             "system", README)
        c.check("Subnets" in json.dumps(mp["SubnetId"]),
                f"{lid}: in one of the stack's subnets", TF)
    ingress = out.resources("AWS::EC2::SecurityGroupIngress")
    nfs = [r["Properties"] for _, r in ingress
           if r["Properties"].get("FromPort") == 2049]
    c.check(nfs and all("SourceSecurityGroupId" in r and "CidrIp" not in r
                        for r in nfs),
            "NFS (2049) only from a security group, from no address range",
            "EFS 'Using VPC security groups'")


def check_workflow_role(out, c):
    mw = miniwdl(out)
    _, order = out.queue_order(mw["workflow_queue"])
    bucket = out.profile()["bucket"]["name"]
    for name in order or []:
        _, ce = out.by_name("AWS::Batch::ComputeEnvironment",
                            "ComputeEnvironmentName", name)
        prof_id = ref_target(ce["ComputeResources"]["InstanceRole"])
        role_id = ref_target(
            out.resource(prof_id)["Properties"]["Roles"][0])
        role = out.resource(role_id)["Properties"]
        docs = [out.resource(ref_target(r))["Properties"]["PolicyDocument"]
                for r in as_list(role.get("ManagedPolicyArns"))
                if ref_target(r)]
        acts = set()
        submit = set()
        put = set()
        for d in docs:
            for st in statements(d):
                a = as_list(st.get("Action"))
                acts.update(a)
                res = [sub_text(x) or "" for x in as_list(st.get("Resource"))]
                if "batch:SubmitJob" in a:
                    submit.update(res)
                if "s3:PutObject" in a:
                    put.update(res)
        for a in WORKFLOW_CALLS:
            c.check(a in acts, f"{name}: the workflow job may call {a}",
                    BATCH_JOB)
        for q in (mw["task_queue"], mw["task_queue_fallback"]):
            c.check(any(r.endswith(f":job-queue/{q}") for r in submit),
                    f"{name}: the workflow job may submit to {q}", BATCH_JOB)
        c.check(any(r.endswith(f":::{bucket}/{mw['output_prefix']}/*")
                    for r in put),
                f"{name}: the workflow job may upload the outputs",
                "miniwdl-aws cli_run_s3upload.py")


def check_submit(out, c):
    mw = miniwdl(out)
    r = subprocess.run([out.path(RUN), "--dry-run", "--self-test"],
                       capture_output=True, text=True,
                       env=dict(os.environ, PATH=os.environ.get("PATH", "")))
    if not c.check(r.returncode == 0, f"{RUN} --dry-run exits 0 "
                   f"({r.stderr.strip()[:200]})", SUBMIT):
        return
    argv = r.stdout.split()
    c.eq(argv[:1], ["miniwdl-aws-submit"], "it runs miniwdl-aws-submit",
         README)

    def opt(name):
        return argv[argv.index(name) + 1] if name in argv else None
    c.check("--no-efs" in argv, "--no-efs", README + " 'FSx for Lustre "
            "and other shared filesystems'")
    c.eq(opt("--mount"), cfg(out).get("file_io", "root"),
         "--mount is [file_io] root", SUBMIT)
    c.eq(opt("--workflow-queue"), mw["workflow_queue"], "--workflow-queue",
         README)
    c.eq(opt("--task-queue"), mw["task_queue"], "--task-queue", SUBMIT)
    c.eq(opt("--task-queue-fallback"), mw["task_queue_fallback"],
         "--task-queue-fallback", SUBMIT)
    bucket = out.profile()["bucket"]["name"]
    c.eq(opt("--s3upload"), f"s3://{bucket}/{mw['output_prefix']}",
         "--s3upload", README + " (a folder; a run's name is appended)")
    c.check("MINIWDL__AWS__REGION=$REGION" in out.text(RUN),
            "the workflow job learns the region ([aws] region)",
            "miniwdl-aws _util.py detect_aws_region; cli_submit.py passes "
            "MINIWDL__* through")


CHECKS = [check_cfg, check_queues, check_mount, check_file_system,
          check_workflow_role, check_submit]

if __name__ == "__main__":
    sys.exit(seedlib.run(CHECKS, "miniwdl", "seeds miniwdl"))
