#!/usr/bin/env bash
# A partner's quota of waiting deliveries under a burst (docs/performance.md, "Queue quota"):
# partner 'open' (no effective quota) and partner 'capped' (maxQueued QUOTA) each get N events for
# an endpoint that is down, in the same Herald; prints the accept rate, what waits and what was
# refused, and how far 'capped' went over its quota (the check reads the store every 5 s).
# Usage: bench/quota.sh [N=50000] [QUOTA=10000]    (about 4 minutes for the defaults: two rounds of each)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build.sh && bench_build
CP=$(cat target/test-classpath.txt)
java -Xmx2g -Dlog4j2.configurationFile=bench/log4j2-bench.xml -cp "target/test-classes:target/classes:$CP" \
  dev.herald.perf.QuotaBenchmark "${1:-50000}" "${2:-10000}"
