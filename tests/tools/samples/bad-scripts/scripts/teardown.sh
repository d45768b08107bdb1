#!/bin/bash
# Invalid on purpose: --dry-run fails.
set -euo pipefail
case "${1:-}" in
--help) echo "usage: teardown.sh [--dry-run]" ;;
*)
	echo "teardown.sh: STACK_NAME is not set" >&2
	exit 1
	;;
esac
