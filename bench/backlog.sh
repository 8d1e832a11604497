#!/usr/bin/env bash
# What a waiting backlog costs (docs/performance.md, "The command"): subscription 'backlog' has N
# deliveries queued for a receiver that is down (a closed port, or one answering 503) while
# subscription 'steady' gets 250 events/s to a live receiver. Reports the steady subscription's
# p50/p99 before the backlog exists, while it is queued and while it waits; the heap after a forced
# GC; what the broker holds for herald.deliveries (and any herald.parked.* queue): messages,
# scheduled, paged, bytes; and how fast herald_deliveries_deferred_total grows per minute.
# Writes target/perf/backlog.txt and target/perf/backlog.csv. About 5 minutes for N = 100,000
# (15 s warm-up, 15 s before, at most 110 s filling, 120 s waiting), plus the build.
# Usage: bench/backlog.sh [N] [closed|503]   (N: 1..1,000,000, default 100,000; default closed)
#   BACKLOG_JAVA_OPTS: -Dbacklog.wait-seconds=120, -Dbacklog.fill-seconds=…, -Dbacklog.steady-rate=250,
#   -Dherald.<setting>=…
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
DOWN="${2:-closed}"
. bench/build.sh && bench_build
CP=$(cat target/test-classpath.txt)
java -Xmx2g ${BACKLOG_JAVA_OPTS:-} -Dlog4j2.configurationFile=bench/log4j2-bench.xml -Dh2.bindAddress=127.0.0.1 \
  -cp "target/test-classes:target/classes:$CP" dev.herald.perf.BacklogBenchmark "$N" "$DOWN"
