#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""out/salmon/ against seed 002 (t-neumann "Pipelines on AWS").

The guide stops after step 1 (a custom AMI); its requirements are:
instances that terminate on shutdown, 40 GB of container disk, the AWS CLI
on the host for Nextflow, and (steps 2-5, empty in the guide) a compute
environment, queue, job definitions and Nextflow resources that fit. Fit is
checked against the EC2 instance sizes below, taken from the AWS EC2
instance-type pages (general purpose M6i, memory optimized R6i), with 10%
kept for the OS and the ECS agent (the Nextstrain guide's c5.xlarge: 7400 of
8192 MiB reach a container).
"""

import re
import sys

import seedlib
from seedlib import as_list, statements, sub_text

SEED = "seed 002"
# AWS EC2 instance types: vCPUs and memory (GiB).
EC2_SIZES = {
    "m6i.large": (2, 8), "m6i.xlarge": (4, 16), "m6i.2xlarge": (8, 32),
    "m6i.4xlarge": (16, 64), "m6i.8xlarge": (32, 128),
    "r6i.large": (2, 16), "r6i.xlarge": (4, 32), "r6i.2xlarge": (8, 64),
    "r6i.4xlarge": (16, 128), "r6i.8xlarge": (32, 256),
    "c6i.large": (2, 4), "c6i.xlarge": (4, 8), "c6i.2xlarge": (8, 16),
    "c6i.4xlarge": (16, 32), "c6i.8xlarge": (32, 64),
}
USABLE_FRACTION = 0.9
MIB_PER_GIB = 1024
# 40 GB in the guide ("Docker is configure for the specified 40 GB").
GUIDE_DISK_GIB = 40
CLI_PATH = "/usr/local/aws-cli/v2/current/bin/aws"


def fits(types, cpus, mem_mib):
    for t in types:
        if t not in EC2_SIZES:
            continue
        vcpus, gib = EC2_SIZES[t]
        if cpus <= vcpus and mem_mib <= gib * MIB_PER_GIB * USABLE_FRACTION:
            return t
    return None


def queue_types(out, queue):
    _, order = out.queue_order(queue)
    types = []
    for ce_name in order or []:
        _, ce = out.by_name("AWS::Batch::ComputeEnvironment",
                            "ComputeEnvironmentName", ce_name)
        types += as_list(ce["ComputeResources"].get("InstanceTypes"))
    return types


def check_types_known(out, c):
    for lid, r in out.resources("AWS::Batch::ComputeEnvironment"):
        for t in as_list(r["Properties"]["ComputeResources"]
                         .get("InstanceTypes")):
            c.check(t in EC2_SIZES, f"{lid}: instance type {t} is a size "
                    "this test knows (explicit sizes keep the fit check "
                    "meaningful)")
            c.check(not t.startswith(("a1", "m6g", "c6g", "r6g", "m7g",
                                      "c7g", "r7g")),
                    f"{lid}: {t} is arm64 but the AWS CLI is x86_64",
                    "task: x86_64")


def check_job_definitions(out, c):
    for name in ("salmon-index", "salmon-quant"):
        _, jd = out.by_name("AWS::Batch::JobDefinition", "JobDefinitionName",
                            name)
        if not c.check(jd is not None, f"job definition {name}",
                       SEED + " 'Step 3: Creating job definitions'"):
            continue
        rr = {x["Type"]: int(x["Value"]) for x in
              jd["ContainerProperties"]["ResourceRequirements"]}
        c.check("salmon" in jd["ContainerProperties"]["Image"],
                f"{name} image is Salmon", SEED)
        queues = [q["Properties"]["JobQueueName"]
                  for _, q in out.resources("AWS::Batch::JobQueue")]
        types = [t for q in queues for t in queue_types(out, q)]
        c.check(fits(types, rr["VCPU"], rr["MEMORY"]),
                f"{name} ({rr['VCPU']} vCPU, {rr['MEMORY']} MiB) fits an "
                f"instance type of its queue ({types})",
                SEED + " 'Step 4: Adjusting resources'")
    _, ix = out.by_name("AWS::Batch::JobDefinition", "JobDefinitionName",
                        "salmon-index")
    if ix:
        rr = {x["Type"]: int(x["Value"]) for x in
              ix["ContainerProperties"]["ResourceRequirements"]}
        c.check(rr["MEMORY"] >= 32 * MIB_PER_GIB and 8 <= rr["VCPU"] <= 16,
                "salmon-index has 8-16 vCPU and 32+ GiB (human "
                "transcriptome index)", "task")


def nf_memory_mib(text):
    m = re.fullmatch(r"\s*'?(\d+(?:\.\d+)?)\s*\.?\s*(B|KB|MB|GB|TB)'?\s*",
                     text, re.IGNORECASE)
    if not m:
        return None
    scale = {"B": 1 / 2**20, "KB": 1 / 1024, "MB": 1, "GB": 1024,
             "TB": 1024 * 1024}[m.group(2).upper()]
    return float(m.group(1)) * scale


def check_nextflow(out, c):
    text = out.text("client/nextflow.config")
    c.check(CLI_PATH in text, "aws.batch.cliPath is the installed CLI",
            SEED + " 'Nextflow requires the AWS CLI'")
    m = re.search(r"process\s*\{(.*)", text, re.DOTALL)
    types = queue_types(out, "salmon-queue")
    for proc in ("SALMON_INDEX", "SALMON_QUANT"):
        block = re.search(r"withName\s*:\s*['\"]?" + proc +
                          r"['\"]?\s*\{([^}]*)\}", text)
        if not c.check(block is not None, f"nextflow.config has {proc}",
                       SEED + " 'Step 4'"):
            continue
        body = block.group(1)
        cpus = re.search(r"cpus\s*=\s*(\d+)", body)
        mem = re.search(r"memory\s*=\s*([^\n;]+)", body)
        if not c.check(cpus and mem, f"{proc} sets cpus and memory"):
            continue
        mib = nf_memory_mib(mem.group(1).strip())
        if not c.check(mib is not None, f"{proc} memory "
                       f"{mem.group(1)!r} parses"):
            continue
        c.check(fits(types, int(cpus.group(1)), mib),
                f"{proc} ({cpus.group(1)} cpus, {mib:.0f} MiB) fits an "
                f"instance type of salmon-queue ({types})",
                SEED + " 'Step 4: Adjusting resources'")
    c.check(m is not None, "a process scope")


def check_logs(out, c):
    """The pipeline logs to a group of its own, which the stack creates with
    a retention: Batch's /aws/batch/job is account-wide (review of issue 4).
    The job definitions, the jobs Nextflow registers (aws.batch.logsGroup)
    and the launching user's GetLogEvents all name that group."""
    groups = {lid: r["Properties"]["LogGroupName"]
              for lid, r in out.resources("AWS::Logs::LogGroup")}
    c.check("/aws/batch/job" not in groups.values(),
            "the stack does not create Batch's shared /aws/batch/job")
    if not c.check(len(groups) == 1, f"one log group of its own ({groups})"):
        return
    (lid, name), = groups.items()
    lg = out.resource(lid)
    c.check(lg["Properties"].get("RetentionInDays") in range(1, 3654),
            f"{name} has a retention")
    for jid, r in out.resources("AWS::Batch::JobDefinition"):
        opts = r["Properties"]["ContainerProperties"]["LogConfiguration"][
            "Options"]
        c.check(seedlib.ref_target(opts.get("awslogs-group")) == lid,
                f"{jid} logs to {name} (Ref {lid})")
    c.check(re.search(r"logsGroup\s*=\s*'" + re.escape(name) + "'",
                      out.text("client/nextflow.config")) is not None,
            f"nextflow.config: aws.batch.logsGroup = '{name}'")
    doc = out.policy_doc("salmon-nextflow-launch")
    res = [sub_text(x) or "" for st in statements(doc)
           if "logs:GetLogEvents" in as_list(st.get("Action"))
           for x in as_list(st.get("Resource"))]
    c.check(res and all(f":log-group:{name}:" in x for x in res),
            f"GetLogEvents on {name}'s streams only ({res})")


def check_launch_template(out, c):
    lts = out.resources("AWS::EC2::LaunchTemplate")
    if not c.check(len(lts) == 1, "one launch template", SEED):
        return
    p = lts[0][1]["Properties"]
    data = p["LaunchTemplateData"]
    c.eq(data.get("InstanceInitiatedShutdownBehavior"), "terminate",
         "shutdown behaviour", SEED + " 'set the shutdown behaviour to "
         "terminate'")
    sizes = [b["Ebs"].get("VolumeSize") for b in
             as_list(data.get("BlockDeviceMappings")) if "Ebs" in b]
    c.check(any(s is not None and s >= GUIDE_DISK_GIB for s in sizes),
            f"a volume of at least {GUIDE_DISK_GIB} GiB for containers "
            f"({sizes})", SEED + " '40 GB EBS data volume'")
    ud = out.text(f"userdata/{p['LaunchTemplateName']}.mime")
    c.check("/var/lib/docker" in ud, "the volume backs /var/lib/docker",
            SEED + " 'Adjust Docker container size to EBS'")
    c.check(("awscli-exe-linux-$arch-$version.zip" in ud
            and "'x86_64') version=" in ud), "user data installs AWS CLI "
            "v2", SEED + " 'Install AWS CLI'")
    for _, ce in out.resources("AWS::Batch::ComputeEnvironment"):
        c.check(ce["Properties"]["ComputeResources"].get("LaunchTemplate")
                is not None, "the CE uses the launch template", SEED)


# The only blocked-job reasons a JobStateTimeLimitActions entry may name
# (AWS Batch API reference, JobStateTimeLimitAction: "reason"; domain.md).
BATCH_TIMEOUT_REASONS = {
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
}


def check_runnable_timeouts(out, c):
    src = "AWS Batch JobStateTimeLimitAction"
    for lid, q in out.resources("AWS::Batch::JobQueue"):
        acts = as_list(q["Properties"].get("JobStateTimeLimitActions"))
        if not acts:
            continue
        reasons = [a.get("Reason") for a in acts]
        c.eq(sorted(reasons), sorted(BATCH_TIMEOUT_REASONS),
             f"{lid}: one action per documented reason", src)
        for a in acts:
            c.eq(a.get("Action"), "CANCEL", f"{lid}: Action", src)
            c.eq(a.get("State"), "RUNNABLE", f"{lid}: State", src)
            t = a.get("MaxTimeSeconds")
            c.check(isinstance(t, int) and 600 <= t <= 86400,
                    f"{lid}: MaxTimeSeconds {t} in 600..86400", src)


CHECKS = [
    check_runnable_timeouts,
    check_types_known,
    check_job_definitions,
    check_nextflow,
    check_logs,
    check_launch_template,
]

if __name__ == "__main__":
    sys.exit(seedlib.run(CHECKS, "salmon", "seeds salmon"))
