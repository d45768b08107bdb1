#!/bin/bash
# Invalid on purpose: calls aws during --dry-run, and the failure of a
# command substitution used as an argument is masked (SC2312).
set -euo pipefail
if [ "${1:-}" = "--help" ]; then
	echo "usage: users.sh [--dry-run]"
	exit 0
fi
printf 'as %s\n' "$(id -un)"
aws iam get-user --user-name alice
