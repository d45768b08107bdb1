#!/bin/bash
# Invalid on purpose: its dry run prints an aws command with a bad parameter.
set -euo pipefail
if [ "${1:-}" = "--help" ]; then
	echo "usage: deploy.sh [--dry-run]"
	exit 0
fi
echo "+ aws batch update-job-queue --job-queue gwgen-head --priority 1 --state ENABLED --compute-environment-order order=one,computeEnvironment=gwgen-ondemand"
