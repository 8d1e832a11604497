#!/usr/bin/env bash
# Herald's matching (SubscriptionIndex + ContentFilter) against AWS event-ruler, in the same run:
# events/s and build (reload) time for 10 and 10,000 subscriptions, typical and all-on-one-type.
# Usage: bench/matching-compare.sh [SECONDS_PER_MEASUREMENT=1] [ROUNDS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/build.sh && bench_build
CP=$(cat target/test-classpath.txt)
# A fixed heap, so the collector's sizing does not differ between the matchers' turns.
java -Xms1g -Xmx1g -cp "target/test-classes:target/classes:$CP" dev.herald.subscription.MatchingComparison "${1:-1}" "${2:-5}"
