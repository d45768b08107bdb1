#!/bin/bash
# Deploys the gwgen-sample stack (hand-made sample for tests/tools).
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: deploy.sh [--dry-run] [--help]
Deploys the CloudFormation stack gwgen-sample and uploads the provisioning
scripts. Settings come from deploy.env next to this directory.
  --dry-run  print the aws commands instead of running them
  --help     show this help
USAGE
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
		echo "deploy.sh: unknown option '$arg'" >&2
		exit 2
		;;
	esac
done

here=$(cd "$(dirname "$0")/.." && pwd)
env_file="${GWGEN_ENV:-$here/deploy.env}"
if [ -f "$env_file" ]; then
	# shellcheck source=/dev/null
	. "$env_file"
fi
: "${SUBNETS:?set SUBNETS in deploy.env}"
: "${SECURITY_GROUPS:?set SECURITY_GROUPS in deploy.env}"
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

run aws cloudformation deploy --region "$region" \
	--stack-name gwgen-sample \
	--template-file "$here/cloudformation.yaml" \
	--capabilities CAPABILITY_NAMED_IAM \
	--parameter-overrides "Subnets=$SUBNETS" "SecurityGroups=$SECURITY_GROUPS" \
	"KeyPair=${KEY_PAIR:-}" \
	--no-fail-on-empty-changeset
run aws s3 cp --recursive --region "$region" "$here/provision/v1" \
	"s3://gwgen-sample-work/provision/v1/"
