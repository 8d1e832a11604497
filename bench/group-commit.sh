#!/usr/bin/env bash
# POST /events' commit strategy alone: T threads, each a request committing one 1 KB message to the
# embedded broker (Herald's journal settings and pooled connections), each request committing for
# itself or through GroupCommit, taking turns in the same run (dev.herald.http.GroupCommitBenchmark).
# Usage: bench/group-commit.sh [THREADS=16] [SECONDS_PER_MEASUREMENT=5] [ROUNDS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build.sh && bench_build
CP=$(cat target/test-classpath.txt)
java -Xms512m -Xmx512m -Dlog4j2.level=WARN -cp "target/test-classes:target/classes:$CP" dev.herald.http.GroupCommitBenchmark \
  "${1:-16}" "${2:-5}" "${3:-5}"
