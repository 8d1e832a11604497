#!/usr/bin/env bash
# The ingest rate of POST /events. Starts Herald on a fresh data directory (embedded Artemis with its
# persistent journal, H2 store, no subscriptions: this measures taking events in, not delivering),
# then drives it with wrk on loopback for D seconds per case, C connections:
#   floor   GET /api/openapi.yaml - the same HTTP server answering from memory (no broker, no disk)
#   single  POST /events, one 1 KB event per request, answered 202 once committed to herald.events
#   batch   POST /events, application/cloudevents-batch+json, 100 events of 1 KB per request
# and prints requests/s and events/s for each, and how many broker commits the single case made
# (herald_ingest_commits_total, where the build has it). Before the cases, single runs WARMUP seconds
# (default D) and batch 5 s, not counted; each case starts once Herald has dispatched and logged
# what came before. Usage: [WARMUP=s] bench/http-ingest.sh [D=10] [C=16]
#   REF=<commit> bench/http-ingest.sh ...   measures that commit instead (exported with git archive to
#   a temporary directory and built there), for a before/after in one session.
set -euo pipefail
cd "$(dirname "$0")/.."
D="${1:-10}"; C="${2:-16}"
HTTP=8190; MGMT=9990; BROKER=61790
command -v wrk >/dev/null || { echo "bench: installing wrk (Debian package)"; apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
BENCH_DATA="$(mktemp -d)"
cleanup() { kill "${HERALD_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$BENCH_DATA"; }
trap cleanup EXIT
if [ -n "${REF:-}" ]; then
  echo "http-ingest: $(git log -1 --format='%h %s' "$REF")"
  mkdir "$BENCH_DATA/tree"
  git archive "$REF" | tar -x -C "$BENCH_DATA/tree"
  cd "$BENCH_DATA/tree"
  mvn -q -B -Dstyle.color=never -DskipTests package > "$BENCH_DATA/build.log" 2>&1 || { cat "$BENCH_DATA/build.log"; exit 1; }
else
  echo "http-ingest: $(git log -1 --format='%h %s')$(git diff --quiet HEAD -- src routes config || echo ' (with uncommitted changes)')"
  bin/herald secret >/dev/null   # builds if needed
fi

echo "subscriptions: []" > "$BENCH_DATA/subscriptions.yaml"
java ${BENCH_JAVA_OPTS:-} -jar target/herald.jar --herald.data.dir="$BENCH_DATA/data" --herald.broker.port="$BROKER" \
  --herald.http.port="$HTTP" --herald.management.port="$MGMT" \
  --herald.store.url="jdbc:h2:file:$BENCH_DATA/data/store;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0" \
  --herald.subscriptions.file="$BENCH_DATA/subscriptions.yaml" > "$BENCH_DATA/herald.log" 2>&1 &
HERALD_PID=$!
for _ in $(seq 1 120); do grep -q "(herald) started" "$BENCH_DATA/herald.log" && break; sleep 1; done
grep -q "(herald) started" "$BENCH_DATA/herald.log" || { cat "$BENCH_DATA/herald.log"; exit 1; }

PAD=$(head -c 900 /dev/zero | tr '\0' 'x')
EVENT="{\"specversion\":\"1.0\",\"source\":\"urn:bench\",\"type\":\"bench.event\",\"data\":{\"pad\":\"$PAD\"}}"
# Binary mode without ce-id: every request is a new event (Herald makes the id).
cat > "$BENCH_DATA/single.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["ce-type"] = "bench.event"
wrk.headers["ce-source"] = "urn:bench"
wrk.body = '{"pad":"$PAD"}'
LUA
cat > "$BENCH_DATA/batch.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/cloudevents-batch+json"
n = 0
init = function(args)
  -- Each wrk thread numbers its events under its own random prefix: ids stay unique.
  math.randomseed(os.time() + tonumber(tostring({}):sub(10), 16))
  prefix = tostring(math.random(1, 1000000000))
end
request = function()
  n = n + 1
  local items = {}
  for i = 1, 100 do
    items[i] = '{"specversion":"1.0","id":"b-' .. prefix .. '-' .. n .. '-' .. i
      .. '","source":"urn:bench","type":"bench.event","data":{"pad":"$PAD"}}'
  end
  return wrk.format(nil, nil, nil, "[" .. table.concat(items, ",") .. "]")
end
LUA

run() { # name, per-request events, wrk args...
  local name=$1 per=$2; shift 2
  local out rps
  out=$(wrk -t2 -c"$C" -d"${D}s" --latency "$@")
  rps=$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')
  printf "%-7s %9.0f requests/s  %9.0f events/s   p50 %s  p99 %s  non-2xx: %s\n" "$name" "$rps" \
    "$(awk "BEGIN{print $rps * $per}")" "$(echo "$out" | awk '$1=="50%"{print $2}')" "$(echo "$out" | awk '$1=="99%"{print $2}')" \
    "$(echo "$out" | sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' | grep . || echo 0)"
}
echo "POST /events on $(nproc) cores, $C connections, ${D}s per case:"
metric() { curl -s "http://127.0.0.1:$MGMT/observe/metrics" | awk -v m="$1" 'index($0, m) == 1 {s+=$2} END{printf "%d", s}'; }
commits() { metric 'herald_ingest_commits_total{ingress="http"'; }
# Each case starts with Herald idle: what the previous one accepted is dispatched and logged first
# (otherwise a case measures the previous case's events going through dispatch and the store).
settle() {
  for _ in $(seq 1 600); do
    [ "$(metric 'herald_queue_depth{queue="herald.events"')" = 0 ] && [ "$(metric 'herald_queue_depth{queue="herald.log"')" = 0 ] && return
    sleep 0.5
  done
}
# Not counted: the JIT is still compiling Herald's request path for tens of seconds after the start
# (on 2 cores a 10 s case measured straight after the start is mostly a measure of the compiler).
if [ "${WARMUP:-$D}" -gt 0 ]; then
  wrk -t2 -c"$C" -d"${WARMUP:-$D}s" -s "$BENCH_DATA/single.lua" "http://127.0.0.1:$HTTP/events" > /dev/null
  wrk -t2 -c"$C" -d5s -s "$BENCH_DATA/batch.lua" "http://127.0.0.1:$HTTP/events" > /dev/null
fi
settle
run floor 0 "http://127.0.0.1:$HTTP/api/openapi.yaml"
BEFORE=$(commits)
run single 1 -s "$BENCH_DATA/single.lua" "http://127.0.0.1:$HTTP/events"
echo "        broker commits for the single case: $(( $(commits) - BEFORE )) (0: not counted by this build)"
settle
run batch 100 -s "$BENCH_DATA/batch.lua" "http://127.0.0.1:$HTTP/events"
METRICS=$(curl -s "http://127.0.0.1:$MGMT/observe/metrics")
ACCEPTED=$(echo "$METRICS" | awk '/^herald_events_accepted_total/{s+=$2} END{printf "%d", s}')
COMMITS=$(echo "$METRICS" | awk '/^herald_ingest_commits_total\{ingress="http"/{s+=$2} END{printf "%d", s}')
echo "herald_events_accepted_total after the run: $ACCEPTED; broker commits for POST /events: ${COMMITS:-0} (0: not counted by this build)"
