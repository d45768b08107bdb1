#!/bin/sh
# SPDX-License-Identifier: MIT
# The diagnostics corpus: gwgen's stderr and exit status for each case, byte for byte.
#
# usage: run_diag.sh GWGEN SOURCE_ROOT SCRATCH_DIR [CASE...]
#
# Each case is tests/diag/CASE.yaml with CASE.stderr (the exact expected
# stderr) and CASE.status (the expected exit status). The runner changes to
# SOURCE_ROOT and runs
#     gwgen --verify-only --profile tests/diag/CASE.yaml
# so every path in the messages is relative and the output deterministic.
# Without CASE arguments every tests/diag/*.yaml is a case; files below
# tests/diag/parents/ are only ever loaded through 'extends:'.
set -u

if [ $# -lt 3 ]; then
	echo "usage: run_diag.sh GWGEN SOURCE_ROOT SCRATCH_DIR [CASE...]" >&2
	exit 2
fi
gwgen=$1
root=$2
scratch=$3
shift 3

# Paths may be relative to the caller's directory: fix them before cd.
case $gwgen in
/*) ;;
*) gwgen=$(pwd)/$gwgen ;;
esac
mkdir -p "$scratch" || exit 2
scratch=$(cd "$scratch" && pwd) || exit 2
actual=$scratch/actual.stderr
cd "$root" || exit 2

# Nothing from the caller's environment may change the messages.
unset GWGEN_PROFILE_PATH
NO_COLOR=1
export NO_COLOR

if [ $# -eq 0 ]; then
	set -- $(cd tests/diag && ls *.yaml | sed 's/\.yaml$//')
fi

failed=0
total=0
for c in "$@"; do
	total=$((total + 1))
	yaml=tests/diag/$c.yaml
	if [ ! -f "tests/diag/$c.stderr" ] || [ ! -f "tests/diag/$c.status" ]; then
		echo "FAIL $c: missing $c.stderr or $c.status"
		failed=$((failed + 1))
		continue
	fi
	"$gwgen" --verify-only --profile "$yaml" >/dev/null 2>"$actual"
	status=$?
	want=$(cat "tests/diag/$c.status")
	ok=1
	if [ "$status" != "$want" ]; then
		echo "FAIL $c: exit status $status, expected $want"
		ok=0
	fi
	if ! cmp -s "tests/diag/$c.stderr" "$actual"; then
		echo "FAIL $c: stderr differs (- expected, + actual)"
		diff -u "tests/diag/$c.stderr" "$actual" | sed '1,2d'
		ok=0
	fi
	if [ $ok -eq 1 ]; then
		echo "ok   $c"
	else
		failed=$((failed + 1))
	fi
done
rm -f "$actual"
echo "$((total - failed)) of $total diagnostics cases passed"
[ $failed -eq 0 ]
