#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""out/nextstrain/ against seed 003 (nextstrain/cli doc/aws-batch.md).

Expected values are the guide's: job definition nextstrain-job (image
nextstrain/base:latest, empty command, 1 attempt, 14400 s), queue
nextstrain-job-queue, the /aws/batch/job log group with 30-day retention, a
30-day bucket expiry, the three policies with iam:PassRole only on
NextstrainJobsRole, the ECS-task job role, a group with the three policies,
a 200 GiB gp3 /dev/xvda root, EBS-optimized, an explicit launch template
version, the run-once NVMe boothook, and the [aws-batch] config section.
"""

import configparser
import re
import sys

import seedlib
from seedlib import as_list, statements, sub_text

SEED = "seed 003"
POLICIES = ("NextstrainJobsAccessToBatch", "NextstrainJobsAccessToBucket",
            "NextstrainJobsAccessToLogs")


def check_job_definition(out, c):
    _, jd = out.by_name("AWS::Batch::JobDefinition", "JobDefinitionName",
                        "nextstrain-job")
    if not c.check(jd is not None, "job definition nextstrain-job", SEED):
        return
    cp = jd["ContainerProperties"]
    c.eq(cp["Image"], "nextstrain/base:latest", "image", SEED)
    c.eq(cp.get("Command", []), [], "command (empty array)",
         SEED + " 'an empty command'")
    c.eq(jd["RetryStrategy"]["Attempts"], 1, "retry attempts",
         SEED + " 'retry attempts to 1'")
    c.eq(jd["Timeout"]["AttemptDurationSeconds"], 14400, "timeout",
         SEED + " '14400 seconds'")
    c.eq(out.role_name(cp.get("JobRoleArn")), "NextstrainJobsRole",
         "job role", SEED + " 'Choose the job role NextstrainJobsRole'")
    c.check(not cp.get("ExecutionRoleArn"), "no execution role", SEED)


def check_queue_and_ce(out, c):
    prio, order = out.queue_order("nextstrain-job-queue")
    c.check(order is not None and len(order) >= 1,
            "queue nextstrain-job-queue with a compute environment",
            SEED + " 'connect the job queue to the compute environment'")
    for lid, r in out.resources("AWS::Batch::ComputeEnvironment"):
        p = r["Properties"]
        c.eq(p["Type"], "MANAGED", f"{lid} type", SEED + " 'managed'")
        c.eq(p["ComputeResources"].get("MinvCpus"), 0, f"{lid} MinvCpus",
             SEED + " 'minimum number of vCPUs to 0'")
        lt = p["ComputeResources"].get("LaunchTemplate")
        c.check(lt is not None, f"{lid} uses the launch template", SEED)
        if lt:
            v = lt.get("Version")
            c.check(isinstance(v, dict) and v.get("Fn::GetAtt", [None, None])
                    [1] == "LatestVersionNumber",
                    f"{lid} launch template version pinned ({v!r})",
                    SEED + " 'use an explicit version number'")


def check_logs_and_bucket(out, c):
    _, lg = out.by_name("AWS::Logs::LogGroup", "LogGroupName",
                        "/aws/batch/job")
    if c.check(lg is not None, "log group /aws/batch/job", SEED):
        c.eq(lg.get("RetentionInDays"), 30, "log retention",
             SEED + " 'expire log events after 30 days'")
    # The work bucket (the stack's access-log bucket has no BucketName).
    buckets = [b for b in out.resources("AWS::S3::Bucket")
               if "BucketName" in b[1]["Properties"]]
    if c.check(len(buckets) == 1, "one bucket", SEED):
        rules = buckets[0][1]["Properties"].get(
            "LifecycleConfiguration", {}).get("Rules", [])
        exp = [r for r in rules if r.get("Status") == "Enabled"
               and r.get("ExpirationInDays") == 30
               and not r.get("Prefix")
               and not r.get("TagFilters")]
        c.check(exp, "a lifecycle rule expiring every object after 30 days",
                SEED + " 'expires (deletes) objects 30 days after creation'")


def check_policies(out, c):
    docs = {}
    for name in POLICIES:
        doc = out.policy_doc(name)
        if c.check(doc is not None, f"policy {name}", SEED):
            docs[name] = doc
    if "NextstrainJobsAccessToBatch" in docs:
        doc = docs["NextstrainJobsAccessToBatch"]
        acts = seedlib.actions_of(doc)
        want = {"batch:DescribeJobQueues", "batch:TerminateJob",
                "batch:DescribeJobs", "batch:CancelJob", "batch:SubmitJob",
                "batch:DescribeJobDefinitions",
                "batch:RegisterJobDefinition", "iam:PassRole"}
        c.eq(acts, want, "NextstrainJobsAccessToBatch actions", SEED)
        for st in statements(doc):
            if "iam:PassRole" in as_list(st["Action"]):
                res = [sub_text(r) for r in as_list(st["Resource"])]
                c.check(len(res) == 1 and res[0] is not None
                        and res[0].endswith(":role/NextstrainJobsRole")
                        and "*" not in res[0],
                        f"iam:PassRole only on NextstrainJobsRole ({res})",
                        SEED + " (nextstrain/cli 33483f9)")
                c.eq(as_list(st["Action"]), ["iam:PassRole"],
                     "PassRole statement has only iam:PassRole", SEED)
        std = out.json("iam/NextstrainJobsAccessToBatch.json")
        for st in statements(std):
            if "iam:PassRole" in as_list(st["Action"]):
                res = as_list(st["Resource"])
                c.check(len(res) == 1
                        and res[0].startswith("arn:aws:iam::")
                        and res[0].endswith(":role/NextstrainJobsRole"),
                        f"standalone PassRole resource {res}", SEED)
    if "NextstrainJobsAccessToBucket" in docs:
        acts = seedlib.actions_of(docs["NextstrainJobsAccessToBucket"])
        c.eq(acts, {"s3:PutObject", "s3:GetObject", "s3:ListBucket",
                    "s3:DeleteObject"}, "bucket policy actions", SEED)
    if "NextstrainJobsAccessToLogs" in docs:
        doc = docs["NextstrainJobsAccessToLogs"]
        # The guide's logs:DeleteLogStream is dropped: the CLI "will not
        # remove the job's log stream" (seed 003), and users should not
        # erase the audit trail.
        c.eq(seedlib.actions_of(doc), {"logs:GetLogEvents",
                                       "logs:FilterLogEvents"},
             "logs policy actions", SEED)
        res = [sub_text(r) for st in statements(doc)
               for r in as_list(st["Resource"])]
        c.check(all(r and ":log-group:/aws/batch/job" in r for r in res),
                f"logs policy only on /aws/batch/job ({res})", SEED)


def check_role_and_group(out, c):
    lid, role = out.by_name("AWS::IAM::Role", "RoleName",
                            "NextstrainJobsRole")
    if c.check(role is not None, "role NextstrainJobsRole", SEED):
        svc = [sub_text(s) for st in statements(
               role["AssumeRolePolicyDocument"])
               for s in as_list(st["Principal"]["Service"])]
        c.check(len(svc) == 1 and svc[0].startswith("ecs-tasks."),
                f"trusted by ECS tasks only ({svc})",
                SEED + " 'Elastic Container Service Task'")
        attached = [out.resource(seedlib.ref_target(a))
                    for a in role.get("ManagedPolicyArns", [])]
        names = [a["Properties"]["ManagedPolicyName"] for a in attached if a]
        c.eq(names, ["NextstrainJobsAccessToBucket"], "job role policies",
             SEED + " 'Attach the NextstrainJobsAccessToBucket policy'")
    groups = out.resources("AWS::IAM::Group")
    ok = False
    for _, g in groups:
        names = sorted(out.resource(seedlib.ref_target(a))["Properties"]
                       ["ManagedPolicyName"] for a in
                       g["Properties"].get("ManagedPolicyArns", [])
                       if seedlib.ref_target(a))
        ok = ok or names == sorted(POLICIES)
    c.check(ok, "a group with the three policies", SEED + " 'Group'")


def check_launch_template(out, c):
    lts = out.resources("AWS::EC2::LaunchTemplate")
    if not c.check(len(lts) == 1, "one launch template", SEED):
        return
    name = lts[0][1]["Properties"]["LaunchTemplateName"]
    data = lts[0][1]["Properties"]["LaunchTemplateData"]
    vols = {b["DeviceName"]: b["Ebs"] for b in
            as_list(data.get("BlockDeviceMappings"))}
    root = vols.get("/dev/xvda")
    if c.check(root is not None, "a /dev/xvda mapping",
               SEED + " 'device name /dev/xvda'"):
        c.eq(root.get("VolumeSize"), 200, "root size",
             SEED + " 'e.g. 200 GiB'")
        c.eq(root.get("VolumeType"), "gp3", "root type", SEED + " 'gp3'")
        c.check(root.get("DeleteOnTermination") is True,
                "root deleted on termination", SEED)
    c.check(data.get("EbsOptimized") is True, "EBS-optimized",
            SEED + " 'EBS-optimized instance is enabled'")
    text = out.text(f"userdata/{name}.mime")
    _, parts = seedlib.mime_parts(text.encode())
    boot = [t for ct, t in parts if ct == "text/cloud-boothook"]
    if c.check(len(boot) == 1, "one cloud-boothook part",
               SEED + " 'text/cloud-boothook'"):
        b = boot[0]
        # Once per instance, not 'once' (once per machine image: a
        # semaphore that an AMI baked from a booted instance carries).
        c.check(re.search(r"cloud-init-per instance \S+ ", b) is not None
                and "cloud-init-per once" not in b,
                "boothook runs once per instance (cloud-init-per instance)",
                SEED + " 'setup each EC2 instance (ECS node) on first "
                "boot'")
        c.check("Amazon EC2 NVMe Instance Storage" in b,
                "selects instance-store NVMe devices", SEED)
        c.check("/var/lib/docker" in b, "mounts on /var/lib/docker", SEED)
        c.check("dnf" in b and "yum" not in b, "uses dnf on AL2023",
                "nextstrain/cli 6dac3a7")


def check_client_config(out, c):
    cp = configparser.ConfigParser()
    cp.read_string(out.text("client/nextstrain.config"))
    if not c.check(cp.has_section("aws-batch"), "[aws-batch] section",
                   SEED):
        return
    s = cp["aws-batch"]
    c.eq(s.get("job"), "nextstrain-job", "job", SEED)
    c.eq(s.get("queue"), "nextstrain-job-queue", "queue", SEED)
    c.eq(s.get("s3-bucket"), out.profile()["bucket"]["name"], "s3-bucket",
         SEED + " 's3-bucket = ...'")


CHECKS = [
    check_job_definition,
    check_queue_and_ce,
    check_logs_and_bucket,
    check_policies,
    check_role_and_group,
    check_launch_template,
    check_client_config,
]

if __name__ == "__main__":
    sys.exit(seedlib.run(CHECKS, "nextstrain", "seeds nextstrain"))
