#!/usr/bin/env bash
# A rough end-to-end number, not the benchmark (that is a later issue): starts Herald on a fresh
# data directory with one webhook subscription, a counting receiver on loopback, sends N legacy
# JMS orders (1 KB) as fast as T producer threads can, and prints deliveries/s from the first send
# to the last webhook received. Usage: bench/rough-throughput.sh [N=5000] [T=8]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-5000}"; T="${2:-8}"
PORT=61700; RPORT=9100
BENCH_DATA="$(mktemp -d)"
bin/herald secret >/dev/null   # builds if needed
mkdir -p data; [ -s data/demo-webhook.secret ] || bin/herald secret > data/demo-webhook.secret
cleanup() { kill "${HERALD_PID:-}" "${RECV_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$BENCH_DATA"; }
trap cleanup EXIT

java -cp "target/herald.jar:target/lib/*" dev.herald.tools.HeraldCli receive --port "$RPORT" --expect "$N" > "$BENCH_DATA/receiver.log" 2>&1 &
RECV_PID=$!
java ${BENCH_JAVA_OPTS:-} -jar target/herald.jar --herald.data.dir="$BENCH_DATA/data" --herald.broker.port="$PORT" \
  --herald.store.url="${BENCH_STORE_URL:-jdbc:h2:file:$BENCH_DATA/data/store;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0}" \
  --herald.http.port=8180 --herald.management.port=9976 --herald.ssrf.allow=127.0.0.1:$RPORT \
  --herald.subscriptions.file=bench/subscriptions.yaml > "$BENCH_DATA/herald.log" 2>&1 &
HERALD_PID=$!
for _ in $(seq 1 60); do grep -q "(herald) started" "$BENCH_DATA/herald.log" && break; sleep 1; done
grep -o "started in .*" "$BENCH_DATA/herald.log" | head -1

SEND_OUT=$(java -cp "target/herald.jar:target/lib/*" dev.herald.tools.HeraldCli send --url "tcp://127.0.0.1:$PORT" \
  --password "$(cat "$BENCH_DATA/data/broker-producer.password")" --count "$N" --threads "$T")
echo "$SEND_OUT"
START=$(echo "$SEND_OUT" | sed -n 's/.*start \([0-9]*\).*/\1/p')
for _ in $(seq 1 300); do grep -q "received $N" "$BENCH_DATA/receiver.log" && break; sleep 1; done
LAST=$(sed -n 's/.*last at \([0-9]*\).*/\1/p' "$BENCH_DATA/receiver.log")
if [ -z "$LAST" ]; then echo "not all $N webhooks arrived within 5 minutes"; cat "$BENCH_DATA/receiver.log"; exit 1; fi
echo "delivered $N webhooks in $((LAST - START)) ms: $(( N * 1000 / (LAST - START) )) deliveries/s end to end ($(nproc) cores)"
