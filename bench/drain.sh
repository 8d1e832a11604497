#!/usr/bin/env bash
# One whole process, start to last delivery (docs/performance.md, "Java 17 and 25"): Herald on its
# embedded defaults, N legacy orders (default 20000) over JMS, the time until the last is delivered.
# Made to be timed from outside, e.g. with /usr/bin/time -v, once per JVM:
#   bench/drain.sh 20000
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/drain.sh 20000
# JAVA picks the JVM (default: java on the PATH); DRAIN_JAVA_OPTS adds options, e.g. on Java 25 an AOT
# cache: one training run with -XX:AOTCacheOutput=target/drain/herald.aot, then -XX:AOTCache=target/drain/herald.aot.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-20000}"
if [ ! -f target/test-classpath.txt ] || [ ! -d target/test-classes/dev/herald/perf ]; then
  . bench/build.sh && bench_build
fi
# Classes from a jar, not from directories: the JDK's AOT cache (Java 25, -XX:AOTCache) takes
# classes from jars only, and every JVM compared runs the same jar.
JAR=target/drain/herald-drain.jar
if [ ! -f "$JAR" ] || [ -n "$(find target/classes target/test-classes -newer "$JAR" -print -quit)" ]; then
  mkdir -p target/drain && rm -f "$JAR"
  jar cf "$JAR" -C target/classes . -C target/test-classes .
fi
exec "${JAVA:-java}" -Xmx2g ${DRAIN_JAVA_OPTS:-} -Dlog4j2.level=WARN -Dh2.bindAddress=127.0.0.1 \
  -cp "$JAR:$(cat target/test-classpath.txt)" dev.herald.perf.DrainBenchmark "$N"
