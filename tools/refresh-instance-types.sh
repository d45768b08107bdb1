#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate data/instance-types.tsv from the EC2 API (needs AWS credentials).
#
# Usage: tools/refresh-instance-types.sh [REGION] > data/instance-types.tsv.new
#        (review the diff, keep the header comment, then move it into place)
#
# Lists the families gwgen's catalog covers with `aws ec2
# describe-instance-types` and prints one row per non-metal size: type,
# vCPUs, MemoryInfo.SizeInMiB, GPU count, architecture, instance-store disk
# count and size per disk (GB). Rows are sorted by type so diffs stay small.
set -eu

region=${1:-us-east-1}
aws=${AWS:-/usr/bin/aws}
families="c4 c5 c5d c5n c6a c6i c6id c6g c6gd c7a c7i c7g m4 m5 m5d m6a m6i
m6id m6g m7a m7i m7g r4 r5 r5d r6a r6i r6id r6g r7a r7i r7g i3 i4i x2iedn
g4dn g5 g6 p3 p4d"

filter=""
for f in $families; do
	filter="$filter${filter:+,}$f.*"
done

echo "# gwgen offline EC2 instance-type catalog (see the committed header)."
printf 'type\tvcpus\tmemory_mib\tgpus\tarch\tnvme_disks\tnvme_disk_gb\n'
"$aws" ec2 describe-instance-types --region "$region" \
	--filters "Name=instance-type,Values=$filter" \
	--query 'InstanceTypes[].[InstanceType, VCpuInfo.DefaultVCpus,
		MemoryInfo.SizeInMiB, sum(GpuInfo.Gpus[].Count || `[0]`),
		ProcessorInfo.SupportedArchitectures[-1],
		sum(InstanceStorageInfo.Disks[].Count || `[0]`),
		InstanceStorageInfo.Disks[0].SizeInGB || `0`]' \
	--output text |
	grep -v '\.metal' |
	awk 'BEGIN { OFS = "\t" } { print $1, $2, $3, $4, $5, $6, $7 }' |
	sort
