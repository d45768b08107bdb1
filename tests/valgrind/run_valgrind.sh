#!/bin/sh
# SPDX-License-Identifier: MIT
# Run one gwgen command under valgrind memcheck: no errors, no definite or indirect leaks.
#
# usage: run_valgrind.sh GWGEN SOURCE_ROOT SCRATCH [--expect S[,S...]] ARG...
#
# The command runs in SOURCE_ROOT with '{SCRATCH}' in ARG replaced by
# SCRATCH (a directory below the build tree). Without valgrind the test is
# skipped (status 77) on a developer machine, but fails in CI (CI is set):
# there the README's packages include valgrind. Valgrind cannot run an
# AddressSanitizer build; meson.build does not define these tests then.
set -u

if [ $# -lt 4 ]; then
	echo "usage: run_valgrind.sh GWGEN SOURCE_ROOT SCRATCH ARG..." >&2
	exit 2
fi
gwgen=$1
root=$2
scratch=$3
shift 3

# Errors (and definite/indirect leaks) exit with this, distinct from
# gwgen's own statuses 0..4.
VALGRIND_ERROR_STATUS=99
# meson's "skipped" status.
SKIP=77

if ! command -v valgrind >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then
		echo "valgrind is not installed, and CI is set: failing" >&2
		exit 1
	fi
	echo "valgrind is not installed: skipped" >&2
	exit $SKIP
fi

case $gwgen in
/*) ;;
*) gwgen=$(pwd)/$gwgen ;;
esac
mkdir -p "$scratch" || exit 2
scratch=$(cd "$scratch" && pwd) || exit 2
cd "$root" || exit 2

expected=0
if [ "${1:-}" = "--expect" ]; then
	expected=$2
	shift 2
fi
for a in "$@"; do
	shift
	set -- "$@" "$(printf '%s' "$a" | sed "s|{SCRATCH}|$scratch|g")"
done

unset GWGEN_PROFILE_PATH
NO_COLOR=1 valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect \
	--error-exitcode=$VALGRIND_ERROR_STATUS --track-origins=yes \
	"$gwgen" "$@" >/dev/null
status=$?
if [ $status -eq $VALGRIND_ERROR_STATUS ]; then
	echo "valgrind found errors or leaks (see above)" >&2
	exit 1
fi
# --expect takes one status or a comma-separated list.
case ",$expected," in
*",$status,"*) ;;
*)
	echo "gwgen exited with $status, expected $expected" >&2
	exit 1
	;;
esac
echo "clean: gwgen $*"
