#!/bin/bash
# Invalid on purpose: calls aws during --dry-run.
set -euo pipefail
if [ "${1:-}" = "--help" ]; then
	echo "usage: users.sh [--dry-run]"
	exit 0
fi
aws iam get-user --user-name alice
