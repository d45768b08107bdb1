#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""out/cromwell/ against Cromwell's AWS Batch backend documentation.

Expected values are the engine's: Cromwell's docs/tutorials/AwsBatch101.md
("Getting started with AWS Batch") configures the backend with
`actor-factory = "cromwell.backend.impl.aws.AwsBatchBackendLifecycleActorFactory"`,
an `aws` stanza with an auth named "default" of scheme "default" and the
region, `engine.filesystems.s3.auth`, and in the backend's config a `root`
("Base bucket for workflow executions", s3://BUCKET/cromwell-execution),
`auth` and `default-runtime-attributes.queueArn`. The Cromwell server of
aws-genomics-workflows (seed 004, cromwell-resources.template.yaml) adds
`scriptBucketName` (the bucket) and grants the server DescribeJobQueues,
DeregisterJobDefinition, TerminateJob, DescribeJobs, CancelJob, SubmitJob,
RegisterJobDefinition, DescribeJobDefinitions, ListJobs and
DescribeComputeEnvironments. The file is parsed by ruby-hocon (Typesafe
Config's Ruby port, Debian package ruby-hocon); its 1.3.1 predates
`include required(...)`, so that line is checked as text and left out of
the parse.
"""

import json
import re
import shutil
import subprocess
import sys

import seedlib
from seedlib import as_list, statements, sub_text

DOC = "Cromwell AwsBatch101.md"
SEED = "seed 004 cromwell-resources"
CONF = "client/cromwell.conf"
INCLUDE = 'include required(classpath("application"))'
SERVER_CALLS = (
    "batch:DescribeJobQueues", "batch:DeregisterJobDefinition",
    "batch:TerminateJob", "batch:DescribeJobs", "batch:CancelJob",
    "batch:SubmitJob", "batch:RegisterJobDefinition",
    "batch:DescribeJobDefinitions", "batch:ListJobs",
    "batch:DescribeComputeEnvironments",
)
# Parse HOCON with ruby-hocon and print the resolved config as JSON.
RUBY = """
require "hocon"
require "hocon/config_factory"
require "hocon/config_render_options"
require "json"
text = STDIN.read
conf = Hocon::ConfigFactory.parse_string(text).resolve
puts JSON.generate(conf.root.unwrapped)
"""


def parsed(out, c):
    text = out.text(CONF)
    lines = text.split("\n")
    body = [ln for ln in lines if not ln.startswith("//")]
    c.check(body and body[0] == INCLUDE, "the config starts with "
            f"{INCLUDE}", DOC)
    if shutil.which("ruby") is None:
        c.check(False, "ruby-hocon is installed (apt-get install -y "
                "ruby-hocon)", "HOCON parser")
        return None
    r = subprocess.run(["ruby", "-e", RUBY], input=text.replace(INCLUDE, ""),
                       capture_output=True, text=True)
    if not c.check(r.returncode == 0, f"ruby-hocon parses {CONF} "
                   f"({r.stderr.strip()[:300]})", "HOCON"):
        return None
    return json.loads(r.stdout)


def check_backend(out, c):
    conf = parsed(out, c)
    if conf is None:
        return
    prof = out.profile()
    aws = conf.get("aws", {})
    c.eq(aws.get("region"), prof["region"], "aws.region", DOC)
    c.eq(aws.get("auths"), [{"name": "default", "scheme": "default"}],
         "aws.auths", DOC + " 'default: the default authentication "
         "provider'")
    c.eq(conf.get("engine", {}).get("filesystems", {}).get("s3", {})
         .get("auth"), "default", "engine.filesystems.s3.auth", DOC)
    backend = conf.get("backend", {})
    name = backend.get("default")
    prov = backend.get("providers", {}).get(name, {})
    c.eq(prov.get("actor-factory"),
         "cromwell.backend.impl.aws.AwsBatchBackendLifecycleActorFactory",
         "the default backend is AWS Batch", DOC)
    cfg = prov.get("config", {})
    c.eq(cfg.get("auth"), "default", "backend auth", DOC)
    c.eq(cfg.get("filesystems", {}).get("s3", {}).get("auth"), "default",
         "backend filesystems.s3.auth", DOC)
    bucket = prof["bucket"]["name"]
    _, b = out.by_name("AWS::S3::Bucket", "BucketName", bucket)
    c.check(b is not None, "the stack creates the bucket", SEED)
    c.eq(cfg.get("root"), f"s3://{bucket}/cromwell-execution", "root",
         DOC + " 'Base bucket for workflow executions'")
    rta = cfg.get("default-runtime-attributes", {})
    c.eq(rta.get("scriptBucketName"), bucket, "scriptBucketName", SEED)
    m = re.fullmatch(r"arn:aws:batch:([a-z0-9-]+):(\d{12}):job-queue/(.+)",
                     str(rta.get("queueArn")))
    if c.check(m, "queueArn is a job queue ARN", DOC):
        c.eq(m.group(1), prof["region"], "queueArn region", DOC)
        c.eq(m.group(2), prof["account_id"], "queueArn account", DOC)
        _, order = out.queue_order(m.group(3))
        c.check(order, f"the stack creates queue {m.group(3)!r} with a "
                "compute environment", SEED)


def policy_docs(out, refs):
    """The documents of the stack's own managed policies among 'refs'."""
    docs = []
    for ref in as_list(refs):
        lid = seedlib.ref_target(ref)
        r = out.resource(lid) if lid else None
        if r and r["Type"] == "AWS::IAM::ManagedPolicy":
            docs.append(r["Properties"]["PolicyDocument"])
    return docs


def check_roles(out, c):
    # Tasks: the instance role of the queue's compute environment.
    _, ce = out.by_name("AWS::Batch::ComputeEnvironment",
                        "ComputeEnvironmentName", "cromwell-spot")
    if not c.check(ce is not None, "compute environment cromwell-spot",
                   SEED):
        return
    docs = []
    for _, r in out.resources("AWS::IAM::Role"):
        if r["Properties"]["RoleName"] == "cromwell-ecs-instance-role":
            docs = policy_docs(out, r["Properties"].get("ManagedPolicyArns"))
    res = {sub_text(x) for d in docs for st in statements(d)
           if "s3:PutObject" in as_list(st.get("Action"))
           for x in as_list(st.get("Resource"))}
    c.check(any(x.endswith(":::example-lab-cromwell-data/cromwell-execution/*")
                for x in res), "the instance role writes under root",
            "Cromwell tasks stage files under root")
    # The server: the group's policies.
    _, g = out.by_name("AWS::IAM::Group", "GroupName", "cromwell-server")
    if not c.check(g is not None, "a group for the Cromwell server", SEED):
        return
    acts = {a for d in policy_docs(out, g.get("ManagedPolicyArns"))
            for a in seedlib.actions_of(d)}
    for a in SERVER_CALLS:
        c.check(a in acts, f"the server may call {a}",
                SEED + " CromwellServer-BatchQueue-Access")


CHECKS = [check_backend, check_roles]

if __name__ == "__main__":
    sys.exit(seedlib.run(CHECKS, "cromwell", "seeds cromwell"))
