#!/usr/bin/env bash
# Dispatch's matching cost with 10 vs 10,000 subscriptions, in the same run; then with 10 vs
# 10,000 partners (3 order endpoints each, plus one for broadcast notices).
# Usage: bench/matching.sh [EVENTS=200000]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build.sh && bench_build
CP=$(cat target/test-classpath.txt)
java -cp "target/test-classes:target/classes:$CP" dev.herald.subscription.MatchingBenchmark "${1:-200000}"
# The same with partners' subscriptions: 10 vs 10,000 partners, 3 order endpoints each.
java -cp "target/test-classes:target/classes:$CP" dev.herald.subscription.PartnerMatchingBenchmark "${1:-200000}"
