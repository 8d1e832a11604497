#!/usr/bin/env bash
# Dispatch's de-duplication step before and after issue 15, taking turns in one JVM on one H2 store
# with a store writer beside them: the claim (insert + commit per batch) against the read (event
# locks + one select on events). Prints each round and the medians (docs/architecture.md, Dispatch).
# Usage: bench/dedupe-compare.sh [BATCH=1] [ROUNDS=7] [EVENTS_PER_ROUND=2000] [WRITER_EVENTS_PER_S=500]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build.sh && bench_build
CP=$(cat target/test-classpath.txt)
java -Dlog4j2.level=WARN -cp "target/test-classes:target/classes:$CP" dev.herald.dispatch.DedupeCompare "$@"
