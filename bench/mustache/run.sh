#!/bin/sh
# SPDX-License-Identifier: MIT
# Compare gwgen's mustache renderer with mustache.js on one template and view.
#
# usage: bench/mustache/run.sh [TEMPLATE DATA.json [PARTIALS_DIR...]]
# env:   N=renders (default 2000), BENCH_RENDER=path to bench_render
#        (default: build/bench/mustache/bench_render), ESCAPE=html|none
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${N:-2000}
escape=${ESCAPE:-html}
bench=${BENCH_RENDER:-$root/build/bench/mustache/bench_render}

if [ $# -eq 0 ]; then
	set -- "$here/stack.yaml.mustache" "$here/view.json" "$here/partials"
elif [ $# -lt 2 ]; then
	echo "usage: $0 [TEMPLATE DATA.json [PARTIALS_DIR...]]" >&2
	exit 2
fi
template=$1
data=$2
shift 2
dirs=
for d in "$@"; do
	dirs="$dirs -p $d"
done

if [ ! -x "$bench" ]; then
	echo "$0: no bench_render at '$bench' (build it, or set BENCH_RENDER)" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# $dirs is split on purpose: one '-p DIR' pair per partials directory.
# shellcheck disable=SC2086
"$bench" -n "$n" -e "$escape" $dirs -o "$tmp/gwgen.out" \
	"$template" "$data" | tee "$tmp/gwgen.txt" | grep -v '^RESULT'

if ! command -v node >/dev/null 2>&1 ||
		[ ! -d "$here/node_modules/mustache" ]; then
	echo "mustache.js: skipped (needs node, and 'npm ci' in bench/mustache)"
	exit 0
fi
# shellcheck disable=SC2086
node "$here/bench.js" -n "$n" -e "$escape" $dirs -o "$tmp/js.out" \
	"$template" "$data" | tee "$tmp/js.txt" | grep -v '^RESULT'

field() { # field NAME FILE: a value from the RESULT line
	sed -n "s/^RESULT.* $1=\([^ ]*\).*/\1/p" "$2"
}
awk -v gc="$(field cpu_rate "$tmp/gwgen.txt")" \
	-v jc="$(field cpu_rate "$tmp/js.txt")" \
	-v gw="$(field wall_rate "$tmp/gwgen.txt")" \
	-v jw="$(field wall_rate "$tmp/js.txt")" \
	'BEGIN { printf "speed-up: %.1fx per CPU second, %.1fx per wall second (target: 5x)\n", gc / jc, gw / jw }'

if cmp -s "$tmp/gwgen.out" "$tmp/js.out"; then
	echo "outputs: identical"
else
	echo "outputs: DIFFER"
	cmp "$tmp/gwgen.out" "$tmp/js.out" || true
	exit 1
fi
