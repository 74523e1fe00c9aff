#!/usr/bin/env bash
# Builds the JMH benchmarks (and what they need) and runs them; arguments go to JMH (org.openjdk.jmh.Main):
#   benchmarks/run.sh                               every benchmark, JMH's default iterations (minutes)
#   benchmarks/run.sh Gemm -p dtype=BF16 -p m=256   one benchmark, one setting
#   benchmarks/run.sh -f 1 -wi 1 -i 1 -w 1s -r 1s  a quick smoke run of all of them
#   benchmarks/run.sh -l                            list them;  -h for JMH's options (-rf json -rff out.json ...)
# SKIP_BUILD=1 reuses benchmarks/target/lib.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
export PATH="${JAVA_HOME:+$JAVA_HOME/bin:}$PATH"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}" ./mvnw -B -q -ntp package \
      -DskipTests -pl benchmarks -am) >&2
fi
exec java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$root/benchmarks/target/lib/*" org.openjdk.jmh.Main "$@"
