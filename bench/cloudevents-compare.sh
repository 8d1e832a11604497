#!/usr/bin/env bash
# Accept's parse + serialise of a 1 KB structured CloudEvent: Herald's EventFactory/Json against the
# CloudEvents Java SDK's JsonFormat (as shipped, and with the checks Herald needs), in the same run.
# Usage: bench/cloudevents-compare.sh [SECONDS_PER_MEASUREMENT=1] [ROUNDS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build.sh && bench_build
CP=$(cat target/test-classpath.txt)
java -Xms512m -Xmx512m -Dlog4j2.level=WARN -cp "target/test-classes:target/classes:$CP" dev.herald.event.CodecComparison "${1:-1}" "${2:-5}"
