/* SPDX-License-Identifier: MIT */
/*
 * `gwgen plan`: what a change of the CloudFormation template does in AWS,
 * offline. Two templates (the committed one and the one a profile renders
 * to now, or any two files) are compared resource by resource; each
 * changed property gets its update behaviour from data/cfn-update.tsv
 * (generated from @aws-cdk/aws-service-spec's causesReplacement), and the
 * changes that fail, put data at risk, broaden IAM or raise the vCPU
 * ceiling are findings of the "plans" rule family (PL*, docs/rules.md).
 */
#ifndef GW_PLAN_H
#define GW_PLAN_H

#include <stdio.h>

/*
 * Run `gwgen plan --profile NAME|FILE [-o DIR] | --template OLD NEW
 * [--format text|markdown|json]` ('argv[0]' is "plan"). The plan goes to
 * 'out', diagnostics to 'err'. Returns 0 (no change, or only changes
 * without replacement), 1 (an error finding: the update will fail; or bad
 * input), 2 (usage), 3 (I/O) or 4 (a change that needs a human:
 * replacement, data at risk, IAM broadening, more vCPUs).
 */
int gw_plan_main(int argc, char **argv, FILE *out, FILE *err);

#endif
