#!/usr/bin/env bash
# Many stream consumers (docs/performance.md, "Streams"): CLIENTS stream subscriptions with one
# consumer each (half WebSocket acknowledging every event, half SSE), RATE events a second spread
# over them for SECONDS; prints accept-to-client latency, what arrived, and each Herald's heap and
# threads, for one instance and then two (standalone Artemis and PostgreSQL at 127.0.0.1:5432).
# Usage: bench/streams.sh [CLIENTS=1000] [RATE=1000] [SECONDS=60]    (about 5 minutes for the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build.sh && bench_build
CP=$(cat target/test-classpath.txt)
java -Xmx2g -Dlog4j2.configurationFile=bench/log4j2-bench.xml -cp "target/test-classes:target/classes:$CP" \
  dev.herald.perf.StreamBenchmark "${1:-1000}" "${2:-1000}" "${3:-60}"
