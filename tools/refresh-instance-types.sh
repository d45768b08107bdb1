#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate data/instance-types.tsv from the EC2 API (needs AWS credentials).
#
# Usage: tools/refresh-instance-types.sh [REGION] > data/instance-types.tsv.new
#        (review the diff, keep the header comment, then move it into place)
#
# Lists every instance type of the region with `aws ec2
# describe-instance-types` (the CLI follows the pages) and prints one row
# per type, .metal sizes included (the catalog lists them; a family does
# not select them): type, vCPUs, MemoryInfo.SizeInMiB, GPU count,
# architecture (the last of SupportedArchitectures: x86_64 for
# i386+x86_64; the mac types' x86_64_mac and arm64_mac as x86_64 and
# arm64), instance-store disk count and size per disk (GB), which the API
# gives for every type, so refreshed rows have no '-'. Rows are sorted by
# type so diffs stay small. A type offered in other regions only keeps its
# committed row: merge, do not drop (review the diff).
set -eu

region=${1:-us-east-1}
aws=${AWS:-/usr/bin/aws}
echo "# gwgen offline EC2 instance-type catalog (see the committed header)."
printf 'type\tvcpus\tmemory_mib\tgpus\tarch\tnvme_disks\tnvme_disk_gb\n'
"$aws" ec2 describe-instance-types --region "$region" \
	--query 'InstanceTypes[].[InstanceType, VCpuInfo.DefaultVCpus,
		MemoryInfo.SizeInMiB, sum(GpuInfo.Gpus[].Count || `[0]`),
		ProcessorInfo.SupportedArchitectures[-1],
		sum(InstanceStorageInfo.Disks[].Count || `[0]`),
		InstanceStorageInfo.Disks[0].SizeInGB || `0`]' \
	--output text |
	awk 'BEGIN { OFS = "\t" } { sub(/_mac$/, "", $5); print $1, $2, $3, $4, $5, $6, $7 }' |
	sort
