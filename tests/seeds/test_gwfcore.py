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

import hashlib
import re
import sys

import seedlib
from seedlib import as_list

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


CHECKS = [check_volume, check_user_data, check_provisioning, check_batch]

if __name__ == "__main__":
    sys.exit(seedlib.run(CHECKS, "gwfcore", "seeds gwfcore"))
