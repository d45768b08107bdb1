#!/bin/sh
# SPDX-License-Identifier: MIT
# Instruction counts of gwgen under callgrind (docs/performance.md, "Where
# the time goes"): repeatable even on a loaded machine, unlike wall times.
#
# usage: bench/callgrind.sh BUILD_DIR [N]
#   counts `gwgen --profile workshop`, `gwgen --all` over N generated
#   profiles (tools/gen-profiles.py, default 100) and `gwgen verify
#   --template` on bench/gen-template.py's 1,000-resource template; the
#   callgrind files are kept in the work directory it prints, for
#   callgrind_annotate.
# env:   WORK (work directory, default a new one under /dev/shm or /tmp)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILD_DIR [N]" >&2
	exit 2
fi
gwgen=$(cd "$1" && pwd)/src/gwgen
n=${2:-100}
if [ ! -x "$gwgen" ]; then
	echo "$0: no $gwgen: build first (ninja -C $1)" >&2
	exit 2
fi
command -v valgrind >/dev/null || { echo "$0: valgrind is missing" >&2; exit 2; }
tmp=/tmp
[ -d /dev/shm ] && tmp=/dev/shm
work=${WORK:-$(mktemp -d "$tmp/gwgen-callgrind.XXXXXX")}
mkdir -p "$work"

# The Ir total callgrind prints ("==PID== I   refs:      18,509,548").
count() {
	out=$1
	shift
	valgrind --tool=callgrind --callgrind-out-file="$out" "$@" 2>&1 \
		>/dev/null | sed -n 's/.*I *refs: *//p'
}

python3 "$root/tools/gen-profiles.py" "$n" "$work/profiles" >/dev/null
ws=$(cd "$root" && count "$work/workshop.cg" "$gwgen" --profile workshop \
	-o "$work/out-workshop")
all=$(count "$work/all.cg" "$gwgen" --all "$work/profiles" \
	-o "$work/out-all")
python3 "$here/gen-template.py" 1000 >"$work/template-1000.yaml"
tpl=$(count "$work/template.cg" "$gwgen" verify --template \
	"$work/template-1000.yaml")
echo "| run | instructions |"
echo "|---|---:|"
echo "| gwgen --profile workshop | $ws |"
echo "| gwgen --all over $n generated profiles | $all |"
echo "| gwgen verify --template (1,000 resources) | $tpl |"
echo
echo "callgrind files: $work/workshop.cg, $work/all.cg, $work/template.cg" \
	"(callgrind_annotate --inclusive=yes FILE)"
