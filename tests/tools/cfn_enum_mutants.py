#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""cfn_validate.js must catch enum violations in real templates.

Usage: cfn_enum_mutants.py OUTDIR

Each out/NAME/cloudformation.yaml under OUTDIR is copied, every line that one
of MUTANTS matches gets a wrong value (an allowed value misspelt), and
cfn_validate.js must then report each changed line as 'is not one of the
allowed values'. Enums the resource schemas define (nested property types,
array items, integers) and those cfn_validate.js reads from the schemas'
documentation (DOC_ENUMS) are both covered. Every mutant must apply to at
least one shipped template, so the test cannot pass by changing nothing.
Exit status: 0 every mutant caught, 1 otherwise, 2 setup error.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# (name, line pattern, replacement). The right value is the one AWS accepts
# (CloudFormation resource reference); the replacement is a near miss.
MUTANTS = [
    # Defined by the schemas (allowedValues).
    ("JobQueue JobStateTimeLimitActions[].Action", r"^(\s+- Action: )CANCEL$", r"\1CANCELLED"),
    ("JobQueue JobStateTimeLimitActions[].State", r"^(\s+State: )RUNNABLE$", r"\1RUNABLE"),
    ("Bucket OwnershipControls.Rules[].ObjectOwnership",
     r"^(\s+- ObjectOwnership: )BucketOwnerEnforced$", r"\1BucketOwnerEnforce"),
    ("Bucket ServerSideEncryptionByDefault.SSEAlgorithm",
     r'^(\s+SSEAlgorithm: )"AES256"$', r'\1"AES265"'),
    ("LogGroup RetentionInDays (integer)", r"^(\s+RetentionInDays: )30$", r"\g<1>31"),
    # Documented only (cfn_validate.js DOC_ENUMS).
    ("ComputeEnvironment Ec2Configuration[].ImageType",
     r'^(\s+- ImageType: )"ECS_AL2023"$', r'\1"ECS_AL2O23"'),
    ("ComputeEnvironment ComputeResources.Type", r'^(\s+Type: )"SPOT"$', r'\1"SPOT_FLEET"'),
    ("LaunchTemplate TagSpecifications[].ResourceType",
     r"^(\s+- ResourceType: )launch-template$", r"\1launchtemplate"),
    ("LaunchTemplateData TagSpecifications[].ResourceType",
     r"^(\s+- ResourceType: )instance$", r"\1instances"),
    ("JobDefinition LogConfiguration.LogDriver", r"^(\s+LogDriver: )awslogs$", r"\1awslog"),
    ("JobDefinition ResourceRequirements[].Type", r"^(\s+- Type: )VCPU$", r"\1CPU"),
]


def main(argv):
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    templates = sorted(glob.glob(os.path.join(argv[1], "*", "cloudformation.yaml")))
    if not templates:
        print(f"{argv[1]}: no */cloudformation.yaml", file=sys.stderr)
        return 2
    applied = {name: 0 for name, _, _ in MUTANTS}
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for tmpl in templates:
            with open(tmpl, encoding="utf-8") as f:
                lines = f.read().split("\n")
            changed = {}
            for i, line in enumerate(lines):
                for name, pat, repl in MUTANTS:
                    new = re.sub(pat, repl, line)
                    if new != line:
                        lines[i] = new
                        changed[i + 1] = name
                        applied[name] += 1
                        break
            if not changed:
                continue
            prof = os.path.basename(os.path.dirname(tmpl))
            copy = os.path.join(tmp, prof + ".yaml")
            with open(copy, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            r = subprocess.run(["node", os.path.join(HERE, "cfn_validate.js"), copy],
                               capture_output=True, text=True, check=False)
            if r.returncode == 2:
                print(r.stdout + r.stderr)
                return 2
            caught = set()
            for out in r.stdout.splitlines():
                m = re.match(re.escape(copy) + r":(\d+):\d+: error: .*is not one of the allowed values", out)
                if m:
                    caught.add(int(m.group(1)))
            for ln, name in sorted(changed.items()):
                if ln in caught:
                    print(f"{tmpl}:{ln}: caught: {name}")
                else:
                    print(f"{tmpl}:{ln}: error: not caught: {name}")
                    failures += 1
            if r.returncode != 1:
                print(f"{tmpl}: error: cfn_validate.js exited {r.returncode} on the broken copy")
                failures += 1
    for name, n in applied.items():
        if n == 0:
            print(f"error: mutant '{name}' matches no line of any shipped template")
            failures += 1
    print(f"{sum(applied.values())} mutated lines, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
