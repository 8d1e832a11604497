# Sourced by the bench scripts: compiles the tests and writes their class path to
# target/test-classpath.txt. Maven's output goes to target/bench-build.log (Maven 3.8 prints
# ESC[0m on stdout even with -q), shown without escapes only if the build fails.
bench_build() {
  mkdir -p target
  local log=target/bench-build.log
  if ! { mvn -q -B -Dstyle.color=never test-compile \
      && mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt; } \
      > "$log" 2>&1; then
    sed $'s/\e\\[[0-9;]*m//g' "$log" >&2
    echo "bench: the build failed; its output is above and in $log" >&2
    return 1
  fi
}
