#!/bin/sh
# SPDX-License-Identifier: MIT
# Replay a fuzz target over its seeds and fuzz/regressions/TARGET/ once (suite 'fuzz').
#
# usage: replay.sh FUZZER TARGET SOURCE_ROOT SCRATCH
#
# Runs every input exactly once (-runs=0): a crash, a sanitizer report
# (halt_on_error) or a timeout fails the test. Inputs that once crashed a
# target live in fuzz/regressions/TARGET/ (see README.md).
set -eu
fuzzer=$1
target=$2
root=$3
scratch=$4
rm -rf "$scratch"
mkdir -p "$scratch"
python3 "$root/fuzz/make_seeds.py" "$root" "$scratch/seeds" >/dev/null
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$fuzzer" -runs=0 -timeout=10 -rss_limit_mb=2048 \
	"$scratch/seeds/$target" "$root/fuzz/regressions/$target"
