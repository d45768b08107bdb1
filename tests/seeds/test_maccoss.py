#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""out/maccoss/ against seed 001 (MacCoss lab set_up_aws.rst).

Expected values are the guide's: the Spot CE with max 640 vCPUs, its four
instance types and BEST_FIT_PROGRESSIVE, a queue named like the CE with
priority 50, the bucket settings, the secrets patterns NF_* and
NF_${aws:username}_*, the job-submission action list, and the IAM users with
their three policies.
"""

import re
import sys

import seedlib
from seedlib import as_list, statements, sub_text, tags_map

SEED = "seed 001"

# "Create IAM Policy to enable running AWS Batch jobs", verbatim.
SUBMIT_ACTIONS = {
    "batch:DescribeJobQueues", "batch:CancelJob", "batch:SubmitJob",
    "batch:ListJobs", "batch:DescribeComputeEnvironments",
    "batch:TerminateJob", "batch:DescribeJobs", "batch:RegisterJobDefinition",
    "batch:DescribeJobDefinitions", "batch:TagResource",
    "ecs:DescribeTasks", "ec2:DescribeInstances", "ec2:DescribeInstanceTypes",
    "ec2:DescribeInstanceAttribute", "ecs:DescribeContainerInstances",
    "ec2:DescribeInstanceStatus",
    "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer", "ecr:GetRepositoryPolicy",
    "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages",
    "ecr:BatchGetImage", "ecr:GetLifecyclePolicy",
    "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource",
    "ecr:DescribeImageScanFindings", "logs:GetLogEvents",
}
# "Create IAM Policy to enable creating and managing the secrets".
MANAGE_ACTIONS = {
    "secretsmanager:GetSecretValue", "secretsmanager:CreateSecret",
    "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret",
    "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
}
INSTANCE_TYPES = ["r6a.large", "r6a.xlarge", "c6a.8xlarge", "r6a.4xlarge"]
# AWS EC2 instance types (R6a, C6a pages): vCPUs and memory in GiB.
EC2_SIZES = {"r6a.large": (2, 16), "r6a.xlarge": (4, 32),
             "c6a.8xlarge": (32, 64), "r6a.4xlarge": (16, 128)}
# Share of nominal memory a container can get after the OS and the ECS agent
# (the Nextstrain guide: c5.xlarge 7400 of 8192 MiB).
USABLE_FRACTION = 0.9


def the_ce(out):
    ces = out.resources("AWS::Batch::ComputeEnvironment")
    return ces[0][1]["Properties"] if len(ces) == 1 else None


def check_compute_environment(out, c):
    ce = the_ce(out)
    if not c.check(ce is not None, "exactly one compute environment", SEED):
        return
    r = ce["ComputeResources"]
    c.eq(r["Type"], "SPOT", "CE provisioning", SEED + " 'Use EC2 Spot'")
    c.eq(r.get("MaxvCpus"), 640, "MaxvCpus", SEED + " 'used 640'")
    c.eq(r.get("MinvCpus"), 0, "MinvCpus", SEED + " 'Use 0'")
    c.eq(r.get("DesiredvCpus", 0), 0, "DesiredvCpus",
         SEED + " 'same value as the Minimum'")
    c.eq(sorted(as_list(r.get("InstanceTypes"))), sorted(INSTANCE_TYPES),
         "instance types", SEED + " 'Allowed instance types'")
    c.eq(r.get("AllocationStrategy"), "BEST_FIT_PROGRESSIVE",
         "allocation strategy", SEED)
    c.check(seedlib.ref_target(r.get("Ec2KeyPair")) is not None
            or isinstance(r.get("Ec2KeyPair"), dict),
            "the key pair comes from a template parameter",
            SEED + " 'EC2 key pair'")
    images = [e.get("ImageType") for e in as_list(r.get("Ec2Configuration"))]
    c.check(images and all(i.startswith("ECS_AL2023") for i in images),
            f"image type is ECS_AL2023 ({images}), not the guide's ECS_AL2",
            "domain.md CE11")
    c.eq(tags_map(r.get("Tags")).get("Project"), "Nextflow",
         "instance tag Project", SEED + " 'Key=Project, Value=Nextflow'")
    params = out.cfn.get("Parameters", {})
    types = {p.get("Type") for p in params.values()}
    c.check("AWS::EC2::VPC::Id" in types, "a VpcId parameter",
            SEED + " 'Use the VPC you created'")
    c.check("List<AWS::EC2::SecurityGroup::Id>" in types,
            "a security group parameter", SEED)
    c.check("List<AWS::EC2::Subnet::Id>" in types, "a subnet parameter",
            SEED)
    c.check(any("ImageId" in k or "Ami" in k for k in params),
            "an optional custom AMI parameter", SEED + " 'custom AMI'")


def check_queue(out, c):
    ce = the_ce(out)
    queues = out.resources("AWS::Batch::JobQueue")
    if not c.check(len(queues) == 1 and ce is not None, "one job queue",
                   SEED):
        return
    q = queues[0][1]["Properties"]
    c.eq(q["JobQueueName"], ce["ComputeEnvironmentName"],
         "queue name equals the CE name", SEED + " 'same name as the "
         "compute environment'")
    c.eq(q["Priority"], 50, "queue priority", SEED + " 'used 50'")


def check_bucket(out, c):
    # The work bucket (the stack's access-log bucket has no BucketName).
    buckets = [b for b in out.resources("AWS::S3::Bucket")
               if "BucketName" in b[1]["Properties"]]
    if not c.check(len(buckets) == 1, "one bucket", SEED):
        return
    p = buckets[0][1]["Properties"]
    algos = [e["ServerSideEncryptionByDefault"]["SSEAlgorithm"] for e in
             p["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
    c.eq(algos, ["AES256"], "SSE-S3", SEED + " 'Amazon S3 managed key'")
    c.eq([r["ObjectOwnership"] for r in p["OwnershipControls"]["Rules"]],
         ["BucketOwnerEnforced"], "object ownership", SEED)
    c.eq(tags_map(p.get("Tags")).get("Project"), "Nextflow", "bucket tag",
         SEED)


def policy_resources(doc, action):
    res = []
    for st in statements(doc):
        if action in as_list(st.get("Action")):
            res += [sub_text(r) for r in as_list(st.get("Resource"))]
    return res


def all_policies(out):
    return {r["Properties"]["ManagedPolicyName"]:
            r["Properties"]["PolicyDocument"]
            for _, r in out.resources("AWS::IAM::ManagedPolicy")}


def check_secrets(out, c):
    pols = all_policies(out)
    read = [n for n, d in pols.items()
            if seedlib.actions_of(d) == {"secretsmanager:GetSecretValue"}]
    if c.check(len(read) == 1, "one secrets-read policy", SEED):
        res = policy_resources(pols[read[0]], "secretsmanager:GetSecretValue")
        c.check(len(res) == 1 and res[0].endswith(":secret:NF_*")
                and "${AWS::Region}" in res[0]
                and "${AWS::AccountId}" in res[0],
                f"secrets-read resource {res}", SEED + " 'secret:NF_*'")
        std = out.json(f"iam/{read[0]}.json")
        sres = [r for st in statements(std) for r in as_list(st["Resource"])]
        c.check(len(sres) == 1 and re.fullmatch(
            r"arn:aws:secretsmanager:us-west-2:(\*|\d{12}):secret:NF_\*",
            sres[0]) is not None, f"standalone secrets-read {sres}", SEED)
    manage = [n for n, d in pols.items()
              if MANAGE_ACTIONS <= seedlib.actions_of(d)]
    if c.check(len(manage) == 1, "one secrets-manage policy", SEED):
        doc = pols[manage[0]]
        res = policy_resources(doc, "secretsmanager:CreateSecret")
        # In !Sub the IAM variable must be escaped as ${!aws:username}.
        c.check(len(res) == 1 and res[0].endswith(
            ":secret:NF_${!aws:username}_*"),
            f"secrets-manage resource {res}",
            SEED + " 'secret:NF_${aws:username}_*'")
        c.eq(policy_resources(doc, "secretsmanager:ListSecrets"), ["*"],
             "ListSecrets on *", SEED)
        std = out.json(f"iam/{manage[0]}.json")
        sres = [r for st in statements(std)
                if "secretsmanager:CreateSecret" in as_list(st["Action"])
                for r in as_list(st["Resource"])]
        c.check(len(sres) == 1 and sres[0].endswith(
            ":secret:NF_${aws:username}_*"),
            f"standalone secrets-manage resource {sres} keeps the IAM "
            "variable", SEED)


def check_submit_policy(out, c):
    pols = all_policies(out)
    submit = [n for n, d in pols.items() if "batch:SubmitJob"
              in seedlib.actions_of(d)]
    if not c.check(len(submit) == 1, "one job-submission policy", SEED):
        return
    c.eq(seedlib.actions_of(pols[submit[0]]), SUBMIT_ACTIONS,
         "job-submission actions", SEED + " 'enable running AWS Batch jobs'")
    std = out.json(f"iam/{submit[0]}.json")
    c.eq(seedlib.actions_of(std), SUBMIT_ACTIONS,
         "standalone job-submission actions", SEED)


def check_bucket_policy_doc(out, c):
    pols = all_policies(out)
    rw = [n for n, d in pols.items() if "s3:PutObject"
          in seedlib.actions_of(d)]
    if not c.check(len(rw) == 1, "one bucket read/write policy", SEED):
        return
    acts = seedlib.actions_of(pols[rw[0]])
    for a in ("s3:ListBucket", "s3:GetBucketLocation", "s3:PutObject",
              "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
              "s3:ListMultipartUploadParts"):
        c.check(a in acts, f"bucket policy allows {a}", SEED)
    c.check("s3:ListAllMyBuckets" not in acts,
            "s3:ListAllMyBuckets on arn:aws:s3:::* dropped", "task")


def check_instance_role(out, c):
    pols = all_policies(out)
    names = {}
    for lid, r in out.resources("AWS::IAM::ManagedPolicy"):
        names[lid] = r["Properties"]["ManagedPolicyName"]
    ips = out.resources("AWS::IAM::InstanceProfile")
    if not c.check(len(ips) == 1, "one instance profile", SEED):
        return
    role = out.resource(seedlib.ref_target(ips[0][1]["Properties"]["Roles"]
                                           [0]))
    attached = [names.get(seedlib.ref_target(a)) for a in
                role["Properties"].get("ManagedPolicyArns", [])]
    acts = set()
    for n in attached:
        if n:
            acts |= seedlib.actions_of(pols[n])
    c.check("secretsmanager:GetSecretValue" in acts,
            "instance role reads secrets", SEED + " 'Add the new policy to "
            "the IAM role used by AWS Batch'")
    c.check("s3:PutObject" in acts, "instance role writes the bucket", SEED)
    c.check("logs:PutLogEvents" in acts, "instance role has the CloudWatch "
            "Logs policy", SEED + " 'Add a CloudWatch Logs IAM policy'")
    c.check(out.resources("AWS::Logs::LogGroup"), "a log group",
            SEED + " 'create a Log Group'")


def check_users(out, c):
    prof = out.profile()
    users = [u["name"] for u in prof.get("users", [])]
    c.check(users, "the profile lists users", SEED)
    text = out.text("scripts/users.sh")
    pols = all_policies(out)
    submit = [n for n, d in pols.items()
              if "batch:SubmitJob" in seedlib.actions_of(d)]
    manage = [n for n, d in pols.items()
              if "secretsmanager:CreateSecret" in seedlib.actions_of(d)]
    rw = [n for n, d in pols.items()
          if "s3:PutObject" in seedlib.actions_of(d)]
    # users.sh reads each policy's ARN from a stack output whose value is a
    # Ref to the policy.
    lids = {r["Properties"]["ManagedPolicyName"]: lid
            for lid, r in out.resources("AWS::IAM::ManagedPolicy")}
    outputs = {seedlib.ref_target(o.get("Value")): k
               for k, o in out.cfn.get("Outputs", {}).items()}
    blocks = re.split(r"^user=", text, flags=re.MULTILINE)[1:]
    per_user = {b.split("\n", 1)[0].strip("'\""): b for b in blocks}
    for u in users:
        block = per_user.get(u)
        if not c.check(block is not None and "ensure_user" in block,
                       f"users.sh creates {u}", SEED + " 'Create IAM Users'"):
            continue
        for n in submit + manage + rw:
            key = outputs.get(lids.get(n))
            # The ARN is read once, before any change, into
            # policy_arn[KEY] (a missing output stops the script there).
            c.check(key is not None and "attach-user-policy" in block
                    and f'"${{policy_arn[{key}]}}"' in block
                    and f"policy_arn[{key}]=$(output {key})" in text,
                    f"users.sh attaches {n} to {u} (output {key})",
                    SEED + " 'add permissions'")
    c.check("create-user" in text, "users.sh creates IAM users", SEED)


def check_nextflow(out, c):
    text = out.text("client/nextflow.config")
    c.check("/usr/local/aws-cli/v2/current/bin/aws" in text, "cliPath",
            "configure_workflow.rst")
    c.check("us-west-2" in text, "region us-west-2", SEED)
    c.check("awsbatch" in text, "executor awsbatch", SEED)
    ce = the_ce(out)
    if ce:
        c.check(ce["ComputeEnvironmentName"] in text,
                "nextflow.config uses the job queue", SEED)
    # configure_workflow.rst caps tasks with params.max_cpus and max_memory;
    # each must fit some instance type after overhead, or a task asking for
    # the cap waits in RUNNABLE forever.
    cpus = re.search(r"max_cpus\s*=\s*(\d+)", text)
    mem = re.search(r"max_memory\s*=\s*'(\d+)\s*GB'", text)
    if c.check(cpus and mem, "params.max_cpus and max_memory are set",
               "configure_workflow.rst"):
        c.eq(int(cpus.group(1)), 32, "max_cpus", "configure_workflow.rst")
        c.check(any(int(cpus.group(1)) <= v for v, _ in EC2_SIZES.values()),
                "max_cpus fits an instance type", SEED)
        c.check(any(int(mem.group(1)) <= g * USABLE_FRACTION
                    for _, g in EC2_SIZES.values()),
                f"max_memory {mem.group(1)} GB fits an instance type after "
                "overhead (the guide's 124 GB does not)", SEED)


CHECKS = [
    check_compute_environment,
    check_queue,
    check_bucket,
    check_secrets,
    check_submit_policy,
    check_bucket_policy_doc,
    check_instance_role,
    check_users,
    check_nextflow,
]

if __name__ == "__main__":
    sys.exit(seedlib.run(CHECKS, "maccoss", "seeds maccoss"))
