#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""out/workshop/ against seed 000 (Nextflow workshop module 2).

Expected values are the guide's: queue names, priorities and order, the
compute environments' provisioning model, allocation strategy and Name tags,
the launch template's name, tags and 100 GiB encrypted scratch volume, the
roles' AWS-managed policies and the auto-expanding scratch on
/var/lib/docker.
"""

import sys

import seedlib
from seedlib import as_list, tags_map

SEED = "seed 000"


def ce(out, name):
    _, p = out.by_name("AWS::Batch::ComputeEnvironment",
                       "ComputeEnvironmentName", name)
    return p


def check_queues(out, c):
    prio, order = out.queue_order("default")
    c.eq(prio, 1, "queue default priority", SEED + " 'Set Priority to 1'")
    # Migration (profiles/workshop.yaml): the guide's '1 - spot, 2 -
    # ondemand' spill-over does not move jobs when Spot capacity is short
    # (verifier rule Q8), so the default queue is Spot only.
    c.eq(order, ["spot"], "queue default order",
         SEED + " '1 - spot', without the spill-over (Q8)")
    prio, order = out.queue_order("highpriority")
    c.eq(prio, 100, "queue highpriority priority", SEED + " 'Priority to 100'")
    c.eq(order, ["ondemand", "spot"], "queue highpriority order",
         SEED + " 'reverse order'")


def check_compute_environments(out, c):
    od = ce(out, "ondemand")
    sp = ce(out, "spot")
    if not c.check(od is not None and sp is not None,
                   "compute environments ondemand and spot exist", SEED):
        return
    odr, spr = od["ComputeResources"], sp["ComputeResources"]
    c.eq(odr["Type"], "EC2", "ondemand provisioning model",
         SEED + " 'On-Demand'")
    c.eq(spr["Type"], "SPOT", "spot provisioning model", SEED + " 'Spot'")
    # Migration: the guide's BEST_FIT (which needs a Spot Fleet role and
    # cannot take infrastructure updates, CE15) -> a strategy that still
    # favours low prices, without a fleet role.
    c.eq(spr.get("AllocationStrategy"), "SPOT_PRICE_CAPACITY_OPTIMIZED",
         "spot allocation", SEED + " 'BEST_FIT' migrated (CE15)")
    c.check("SpotIamFleetRole" not in spr,
            "spot CE has no SpotIamFleetRole (not BEST_FIT)", SEED)
    for name, r, tag in (("ondemand", odr, "batch-ondemand-worker"),
                         ("spot", spr, "batch-spot-worker")):
        c.eq(r.get("MinvCpus"), 0, f"{name} MinvCpus", SEED)
        c.eq(r.get("DesiredvCpus", 0), 0, f"{name} DesiredvCpus", SEED)
        c.eq(as_list(r.get("InstanceTypes")), ["optimal"],
             f"{name} instance types", SEED + " 'optimal'")
        c.eq(tags_map(r.get("Tags")).get("Name"), tag, f"{name} Name tag",
             SEED + " 'Add EC2 tags'")
        lt = out.resource(seedlib.ref_target(
            r.get("LaunchTemplate", {}).get("LaunchTemplateId")))
        c.check(lt is not None and lt["Properties"]["LaunchTemplateName"]
                == "genomics-workflow-template",
                f"{name} uses genomics-workflow-template", SEED)
        ip = out.resource(seedlib.ref_target(r.get("InstanceRole")))
        c.check(ip is not None and ip["Type"] == "AWS::IAM::InstanceProfile",
                f"{name} InstanceRole is an instance profile", SEED)
    # Migration: the guide's AWSBatchServiceRole -> Batch's service-linked
    # role (no ServiceRole), which infrastructure updates need (CE15).
    for name, p in (("ondemand", od), ("spot", sp)):
        c.check("ServiceRole" not in p,
                f"{name} uses Batch's service-linked role (no ServiceRole)",
                SEED + " 'Create a Batch Service Role' migrated (CE15)")


def check_launch_template(out, c):
    _, lt = out.by_name("AWS::EC2::LaunchTemplate", "LaunchTemplateName",
                        "genomics-workflow-template")
    if not c.check(lt is not None, "launch template "
                   "genomics-workflow-template exists", SEED):
        return
    want = {"architecture": "genomics-workflow", "solution": "nextflow"}
    specs = {s["ResourceType"]: tags_map(s.get("Tags"))
             for s in lt.get("TagSpecifications", [])}
    data = lt["LaunchTemplateData"]
    specs.update({"instance:" + s["ResourceType"]: tags_map(s.get("Tags"))
                  for s in data.get("TagSpecifications", [])})
    for kind in ("launch-template", "instance:instance"):
        tags = specs.get(kind, {})
        for k, v in want.items():
            c.eq(tags.get(k), v, f"{kind} tag {k}",
                 SEED + " 'Template tags' / 'Instance tags'")
    vols = {b["DeviceName"]: b["Ebs"] for b in
            as_list(data.get("BlockDeviceMappings"))}
    scratch = [(d, e) for d, e in vols.items() if e.get("VolumeSize") == 100]
    if c.check(len(scratch) == 1, "one 100 GiB scratch volume",
               SEED + " 'Set Size to 100 GiB'"):
        dev, ebs = scratch[0]
        c.check(ebs.get("Encrypted") is True, "scratch volume encrypted",
                SEED + " 'Encrypted to Yes'")
        c.check(ebs.get("DeleteOnTermination") is True,
                "scratch volume deleted on termination",
                SEED + " 'Delete on termination to Yes'")
        c.check(dev != "/dev/sdc", "scratch volume moved off /dev/sdc "
                "(instance-store range)", "domain.md D4")


def check_instance_role(out, c):
    """The instance role has the ECS policy, the bucket-access policy on this
    bucket and the EBS-autoscale policy."""
    found = False
    for lid, ip in out.resources("AWS::IAM::InstanceProfile"):
        role = out.resource(seedlib.ref_target(ip["Properties"]["Roles"][0]))
        arns = role["Properties"].get("ManagedPolicyArns", [])
        managed = [seedlib.sub_text(a) or "" for a in arns]
        refs = [out.resource(seedlib.ref_target(a)) for a in arns
                if seedlib.ref_target(a)]
        acts = set()
        for p in refs:
            acts |= seedlib.actions_of(p["Properties"]["PolicyDocument"])
        found = True
        c.check(any(m.endswith("AmazonEC2ContainerServiceforEC2Role")
                    for m in managed), "instance role has "
                "AmazonEC2ContainerServiceforEC2Role", SEED)
        for a in ("ec2:CreateVolume", "ec2:AttachVolume", "ec2:DeleteVolume",
                  "ec2:ModifyInstanceAttribute", "ec2:DescribeVolumes"):
            c.check(a.lower() in {x.lower() for x in acts},
                    f"instance role allows {a}",
                    SEED + " 'ebs-autoscale-policy'")
        for a in ("s3:GetObject", "s3:PutObject", "s3:ListBucket"):
            c.check(a in acts, f"instance role allows {a} (bucket access)",
                    SEED + " 'bucket-access-policy'")
    c.check(found, "an instance profile exists", SEED)


# Guide: AmazonS3ReadOnlyAccess on the instance role "is required if you use
# publicly available datasets such as the 1000 Genomes dataset"
# (registry.opendata.aws/1000-genomes: s3://1000genomes). The profile reads
# that bucket through roles[].open_data instead, so the stack's IAM may
# touch S3 only in its own bucket and, read-only, in 1000genomes.
OPEN_DATA = "1000genomes"
OPEN_SRC = SEED + " 'AmazonS3ReadOnlyAccess ... 1000 Genomes dataset'"


def role_documents(out, role):
    """[(where, policy document)] of a role: its customer-managed policies
    and its inline policies."""
    props = role["Properties"]
    docs = []
    for a in as_list(props.get("ManagedPolicyArns")):
        lid = seedlib.ref_target(a)
        p = out.resource(lid) if lid else None
        if p is not None:
            docs.append((lid, p["Properties"]["PolicyDocument"]))
    for p in as_list(props.get("Policies")):
        docs.append((p["PolicyName"], p["PolicyDocument"]))
    return docs


def arn(value):
    text = seedlib.sub_text(value) or ""
    return text.replace("${AWS::Partition}", "aws")


def check_open_data(out, c):
    _, bucket = out.by_name("AWS::S3::Bucket", "BucketName",
                            "nextflow-workshop-abc-20261121")
    own = {f"arn:aws:s3:::{bucket['BucketName']}",
           f"arn:aws:s3:::{bucket['BucketName']}/*"} if bucket else set()
    # What reading open data needs, no more (S3 API: ListObjectsV2 is
    # s3:ListBucket on the bucket, GetObject s3:GetObject on the object).
    open_grants = {(f"arn:aws:s3:::{OPEN_DATA}", "s3:ListBucket"),
                   (f"arn:aws:s3:::{OPEN_DATA}/*", "s3:GetObject")}
    seen = set()
    for lid, role in out.resources("AWS::IAM::Role"):
        for m in as_list(role["Properties"].get("ManagedPolicyArns")):
            c.check("S3" not in (seedlib.sub_text(m) or ""),
                    f"role {lid} has no AWS-managed S3 policy "
                    f"({seedlib.sub_text(m)})", OPEN_SRC)
        for where, doc in role_documents(out, role):
            for st in seedlib.statements(doc):
                if st.get("Effect", "Allow") != "Allow":
                    continue
                acts = [a for a in as_list(st.get("Action"))
                        if a.lower().startswith("s3:") or a == "*"]
                for r in (arn(x) for x in as_list(st.get("Resource"))):
                    if not acts or r in own:
                        continue
                    for a in acts:
                        ok = (r, a) in open_grants
                        c.check(ok, f"{lid} {where}: {a} on {r} is "
                                f"inside the stack's bucket or a read of "
                                f"{OPEN_DATA}", OPEN_SRC)
                        if ok:
                            seen.add((lid, r, a))
    instance = {seedlib.ref_target(ip["Properties"]["Roles"][0])
                for _, ip in out.resources("AWS::IAM::InstanceProfile")}
    for r, a in sorted(open_grants):
        c.check(any((lid, r, a) in seen for lid in instance),
                f"the instance role allows {a} on {r}", OPEN_SRC)
    # The review copy in iam/ says the same.
    doc = out.json("iam/workshop-ecs-instance-role-open-data.json")
    grants = {(r, a) for st in seedlib.statements(doc)
              for a in as_list(st.get("Action"))
              for r in as_list(st.get("Resource"))}
    c.eq(grants, open_grants, "iam/workshop-ecs-instance-role-open-data.json",
         OPEN_SRC)


def check_user_data(out, c):
    text = out.text("userdata/genomics-workflow-template.mime")
    _, parts = seedlib.mime_parts(text.encode())
    types = [t for t, _ in parts]
    c.check("text/cloud-config" in types, "user data has a cloud-config "
            "part", SEED + " 'Content-Type: text/cloud-config'")
    c.check("/var/lib/docker" in text, "scratch is set up for "
            "/var/lib/docker", SEED + " 'scratchPath=/var/lib/docker'")


def check_nextflow(out, c):
    text = out.text("client/nextflow.config")
    c.check("'default'" in text or '"default"' in text,
            "nextflow.config uses queue default", SEED)
    c.check("/usr/local/aws-cli/v2/current/bin/aws" in text,
            "nextflow.config cliPath is the AWS CLI v2 the user data "
            "installs", "task")


CHECKS = [
    check_queues,
    check_compute_environments,
    check_launch_template,
    check_instance_role,
    check_open_data,
    check_user_data,
    check_nextflow,
]

if __name__ == "__main__":
    sys.exit(seedlib.run(CHECKS, "workshop", "seeds workshop"))
