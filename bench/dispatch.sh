#!/usr/bin/env bash
# The dispatch step (the store query for ids already dispatched, match, build the deliveries) with 10 vs 10,000
# subscriptions, in the same run; bench/matching.sh isolates the matching alone.
# Usage: bench/dispatch.sh [EVENTS=20000] [BATCH=1]   (BATCH events per dispatch transaction, as under load)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build.sh && bench_build
CP=$(cat target/test-classpath.txt)
java -Dlog4j2.level=WARN -cp "target/test-classes:target/classes:$CP" dev.herald.dispatch.DispatchBenchmark "${1:-20000}" "${2:-1}"
