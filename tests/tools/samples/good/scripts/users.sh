#!/bin/bash
# Creates the IAM users of the gwgen-sample profile (hand-made sample).
set -euo pipefail

usage() {
	echo "usage: users.sh [--dry-run] [--help]"
	echo "Creates IAM users and adds them to their groups."
}

dry_run=false
for arg in "$@"; do
	case "$arg" in
	--dry-run) dry_run=true ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "users.sh: unknown option '$arg'" >&2
		exit 2
		;;
	esac
done

run() {
	if "$dry_run"; then
		printf '+'
		printf ' %q' "$@"
		printf '\n'
	else
		"$@"
	fi
}

for user in alice bob; do
	run aws iam create-user --user-name "$user" \
		--tags Key=project,Value=sample
	run aws iam add-user-to-group --user-name "$user" \
		--group-name gwgen-sample-users
done
