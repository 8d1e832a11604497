#!/usr/bin/env bash
# Kafka ingress alone (docs/performance.md): a real Kafka (KRaft, child JVM), Herald with its
# defaults (embedded Artemis with its journal, H2) and a fast loopback receiver, in one JVM
# (dev.herald.perf.KafkaIngestBenchmark). Prints
#   backlog  how fast Herald takes in N records already on the topic (committed offsets over time;
#            their events match no subscription: ingress and dispatch, not delivery)
#   kafka    open-loop Poisson arrivals of 1 KB CloudEvents (acks=all) at each rate, delivered to the
#            receiver: throughput and latency from the producer's send to the receipt, p50/p99/p99.9
# Usage: bench/kafka-ingest.sh [SECONDS=10] [RATES=250,1000] [BACKLOG=20000]
#   REF=<commit> bench/kafka-ingest.sh ...   runs the same measurement against that commit's tree
#   (exported with git archive to a temporary directory and built there, with this benchmark's file
#   copied in), for a before/after in one session.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build.sh
BENCH_SRC=src/test/java/dev/herald/perf/KafkaIngestBenchmark.java
if [ -n "${REF:-}" ]; then
  TREE="$(mktemp -d)"
  trap 'rm -rf "$TREE"' EXIT
  git archive "$REF" | tar -x -C "$TREE"
  cp "$BENCH_SRC" "$TREE/$BENCH_SRC"
  echo "kafka-ingest: $(git log -1 --format='%h %s' "$REF")"
  cd "$TREE"
else
  echo "kafka-ingest: $(git log -1 --format='%h %s')$(git diff --quiet HEAD -- src routes config || echo ' (with uncommitted changes)')"
fi
bench_build
CP=$(cat target/test-classpath.txt)
# Herald runs from the tree's root: its routes/ and config/ are the ones measured.
java -Xmx2g ${BENCH_JAVA_OPTS:-} -Dlog4j2.level=WARN -Dh2.bindAddress=127.0.0.1 -cp "target/test-classes:target/classes:$CP" \
  dev.herald.perf.KafkaIngestBenchmark "${1:-10}" "${2:-250,1000}" "${3:-20000}"
