#!/usr/bin/env bash
# The embedding story end to end, run after the main build: builds examples/embedding-app against the installed
# dream4j-bom (compiled against dream4j-api alone; the kernel and plug-ins at runtime scope, no versions in its pom), then runs it on the module path and on the
# class path and checks that it generated 32 tokens in 16 denoising steps on the java-cpu backend.
# SKIP_SDK_INSTALL=1 skips installing the SDK modules first (when `./mvnw install` just ran).
# Extra Maven arguments: EXAMPLE_MAVEN_ARGS (for example "-o").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
if [ -z "${JAVA_HOME:-}" ]; then
  echo "run-example: set JAVA_HOME to a JDK 25 or newer" >&2
  exit 2
fi
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dream4j-embedding-example.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "  FAIL $*" >&2; for f in "$work"/*; do [ -s "$f" ] && { echo "----- $(basename "$f")" >&2; tail -n 40 "$f" >&2; }; done; exit 1; }

if [ "${SKIP_SDK_INSTALL:-0}" != 1 ]; then
  echo "[0/3] installing dream4j-bom and the modules the example uses into the local repository"
  # shellcheck disable=SC2086
  (cd "$root" && ./mvnw -B -q ${EXAMPLE_MAVEN_ARGS:-} install -DskipTests \
      -pl bom,kernel,demo-model,tokenizer-hf,family-dream,backend-java-cpu,sampler-plugins -am) \
      >"$work/sdk.out" 2>&1 || fail "installing the dream4j SDK modules"
fi

echo "[1/3] building examples/embedding-app against dream4j-bom"
# shellcheck disable=SC2086
(cd "$root" && ./mvnw -B -q ${EXAMPLE_MAVEN_ARGS:-} -f examples/embedding-app/pom.xml package) >"$work/build.out" 2>&1 \
  || fail "mvn package of the example (is dream4j installed? run ./mvnw install at $root first)"

check() {
  grep -q '^model: dream on java-cpu' "$1" || fail "$2: no 'model: dream on java-cpu' line"
  grep -q '^steps: 16, tokens: 32$' "$1" || fail "$2: expected 16 steps and 32 tokens"
  grep -q '^text: ' "$1" || fail "$2: no generated text"
  grep -q '^typed error: steps: ' "$1" || fail "$2: no typed error for steps=0"
  echo "  ok   $2: $(grep '^steps' "$1")"
}
echo "[2/3] running it on the module path"
java --enable-native-access=ALL-UNNAMED -p "$here/target/lib" -m com.example.embedding/com.example.embedding.EmbeddingApp \
  >"$work/modulepath.out" 2>"$work/modulepath.err" || fail "the module-path run exited with $?"
check "$work/modulepath.out" "module path"
echo "[3/3] running it on the class path"
java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$here/target/lib/*" com.example.embedding.EmbeddingApp \
  >"$work/classpath.out" 2>"$work/classpath.err" || fail "the class-path run exited with $?"
check "$work/classpath.out" "class path"
cmp -s <(grep '^text' "$work/modulepath.out") <(grep '^text' "$work/classpath.out") || fail "module path and class path generated different text"
echo "run-example: PASSED ($(grep '^text' "$work/modulepath.out"))"
