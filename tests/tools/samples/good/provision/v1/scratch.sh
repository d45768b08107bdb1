#!/bin/bash
# Grows the scratch volume group when the mount fills up (hand-made sample).
set -euo pipefail

mount_point="${1:-/var/lib/docker}"
threshold_pct=50

used_pct=$(df --output=pcent "$mount_point" | tail -n 1 | tr -dc '0-9')
if [ "$used_pct" -ge "$threshold_pct" ]; then
	echo "scratch: $mount_point is ${used_pct}% full"
fi
