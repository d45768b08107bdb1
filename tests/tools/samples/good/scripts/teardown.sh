#!/bin/bash
# Deletes the gwgen-sample stack; the bucket is retained (hand-made sample).
set -euo pipefail

usage() {
	echo "usage: teardown.sh [--dry-run] [--help]"
	echo "Deletes the CloudFormation stack gwgen-sample and waits for it."
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
		echo "teardown.sh: unknown option '$arg'" >&2
		exit 2
		;;
	esac
done
region="${AWS_REGION:-us-west-2}"

run() {
	if "$dry_run"; then
		printf '+'
		printf ' %q' "$@"
		printf '\n'
	else
		"$@"
	fi
}

run aws cloudformation delete-stack --region "$region" --stack-name gwgen-sample
run aws cloudformation wait stack-delete-complete --region "$region" \
	--stack-name gwgen-sample
