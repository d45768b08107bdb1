#!/bin/sh
# SPDX-License-Identifier: MIT
# Run gwgen's benchmarks and print their tables (docs/performance.md).
#
# usage: bench/run.sh BUILD_DIR [e2e|limit|many|quota|engine|template|all]...
# env:   RUNS (timed runs per row, default 30), MANY (sizes for 'many',
#        default "10 100 1000"), DISK_DIR (a directory on a real disk,
#        default BUILD_DIR/bench-work), SHM_DIR (a tmpfs directory,
#        default /dev/shm when it exists)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [e2e|limit|many|quota|engine|template|all]..." >&2
	exit 2
fi
exec python3 "$here/bench.py" "$@"
