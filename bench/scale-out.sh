#!/usr/bin/env bash
# Deliveries/s of one and of two Herald instances sharing a standalone Artemis and PostgreSQL
# (127.0.0.1:5432, database test), measured in the same run. Usage: bench/scale-out.sh [EVENTS=3000]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -Dstyle.color=never test -Dtest=ScaleOutBenchmark -Dherald.bench=true -Dherald.bench.events="${1:-3000}" \
  -Dsurefire.failIfNoSpecifiedTests=false
grep -h -A3 "scale-out benchmark" target/surefire-reports/dev.herald.ScaleOutBenchmark-output.txt
