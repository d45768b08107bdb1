#!/bin/bash
# Invalid on purpose: shellcheck findings, and --help is an unknown option.
set -euo pipefail
if [ $# -gt 0 ]; then
	echo "deploy.sh: unknown option '$1'" >&2
	exit 2
fi
for f in $(ls provision); do
	echo $f
done
