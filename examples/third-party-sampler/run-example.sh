#!/usr/bin/env bash
# End-to-end check of the third-party plug-in story, run after the main build (`./mvnw install` at the root):
#   1. builds this example against the installed dream4j SDK (its tests run the shared SamplerConformance suite);
#   2. makes a plug-ins directory holding the built jar plus two broken jars (one whose META-INF/services names a
#      class that does not exist, one that is not a zip at all);
#   3. `./dream4j plugins --plugins DIR` must list `left-to-right` with the jar's path as its origin and report the
#      broken jars without failing;
#   4. `./dream4j generate --model demo --plugins DIR --sampler left-to-right --temperature 0 --json` must run, and
#      its generated ids must differ from `--sampler entropy` at the same settings;
#   5. the sampler's own option, set from the command line without rebuilding anything: `plugins` documents
#      `margin`, `--option margin=0.9` commits differently from the default, and an unknown option or an
#      out-of-range margin exits with 2 and an error naming the plug-in;
#   6. the same option from the Java API (api/OptionClients.java, a source file on the dream4j module path) gives the
#      CLI's ids; 7. and through `dream4j serve --plugins DIR` as JSON "options" the API's text; an unknown option is
#      a 400 naming it and the plug-in.
# Exits non-zero on the first failed check. Extra Maven arguments: EXAMPLE_MAVEN_ARGS (for example "-o").
# SKIP_SDK_INSTALL=1 skips installing dream4j-spi and dream4j-conformance-tests first (when `./mvnw install` just ran).
# Keeps the plug-ins directory and the logs when KEEP_WORK=1.
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

work="$(mktemp -d "${TMPDIR:-/tmp}/dream4j-plugin-example.XXXXXX")"
cleanup() {
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "run-example: work files kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

checks=0
pass() { checks=$((checks + 1)); echo "  ok   $*"; }
fail() {
  echo "  FAIL $*" >&2
  for f in "$work"/*.out "$work"/*.err; do
    [ -s "$f" ] && { echo "----- $(basename "$f")" >&2; tail -n 40 "$f" >&2; }
  done
  exit 1
}

echo "run-example: dream4j at $root, JAVA_HOME=$JAVA_HOME"

# 0. The SDK the example builds against: dream4j-spi and dream4j-conformance-tests (and what they need) in the local
#    Maven repository. `.ci/run` only verifies, so install them here (tests already ran; up to date classes are reused).
if [ "${SKIP_SDK_INSTALL:-0}" != 1 ]; then
  echo "[0/7] installing the dream4j SDK modules the example needs (spi, conformance-tests) into the local repository"
  # shellcheck disable=SC2086
  (cd "$root" && ./mvnw -B -q ${EXAMPLE_MAVEN_ARGS:-} install -DskipTests -pl spi,conformance-tests -am) \
      >"$work/sdk.out" 2>"$work/sdk.err" || fail "installing dream4j-spi and dream4j-conformance-tests"
  rm -f "$work/sdk.out" "$work/sdk.err"
fi

# 1. Build the plug-in outside the reactor, against the installed SDK: compiles, runs the conformance suite, jars.
echo "[1/7] building examples/third-party-sampler (tests = SamplerConformance)"
# shellcheck disable=SC2086
if ! (cd "$root" && ./mvnw -B -q ${EXAMPLE_MAVEN_ARGS:-} -f examples/third-party-sampler/pom.xml verify) \
    >"$work/build.out" 2>"$work/build.err"; then
  fail "mvn verify of the example (is dream4j installed? run ./mvnw install at $root first)"
fi
shopt -s nullglob
jars=("$here"/target/left-to-right-sampler-*.jar)
shopt -u nullglob
[ "${#jars[@]}" -eq 1 ] || fail "expected one left-to-right-sampler jar in $here/target, found ${#jars[@]}"
reports=("$here"/target/surefire-reports/TEST-*ConformanceTest.xml)
[ -f "${reports[0]}" ] || fail "no conformance test report in $here/target/surefire-reports"
suite=$(grep -m1 -o '<testsuite [^>]*>' "${reports[0]}")
attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$suite"; }
conf_tests=$(attr tests); conf_failed=$(( $(attr failures) + $(attr errors) )); conf_skipped=$(attr skipped)
[ "${conf_tests:-0}" -gt 0 ] && [ "$conf_failed" -eq 0 ] || fail "conformance report: $conf_tests tests, $conf_failed failed"
pass "built ${jars[0]#"$root"/}; SamplerConformance: $conf_tests rules run, $conf_failed failed, $conf_skipped skipped"

# 2. A plug-ins directory: the good jar and two broken ones (sorted first, so they are met before the good one).
echo "[2/7] plug-ins directory $work/plugins"
plugins="$work/plugins"
mkdir -p "$plugins" "$work/broken/META-INF/services"
good="$plugins/left-to-right-sampler.jar"
cp "${jars[0]}" "$good"
echo "com.example.broken.MissingSamplerProvider" > "$work/broken/META-INF/services/dev.dream4j.spi.sampling.SamplerProvider"
"$JAVA_HOME/bin/jar" --create --file "$plugins/a-broken-sampler.jar" -C "$work/broken" .
echo "this is not a zip file" > "$plugins/b-corrupt.jar"
pass "good jar + a-broken-sampler.jar (services name a missing class) + b-corrupt.jar (not a zip)"

# The repository's launcher (builds the CLI on its first use, then runs it on the module path).
dream4j() { "$root/dream4j" "$@"; }

# 3. Discovery: listed, origin = the jar's path, broken jars reported and skipped.
echo "[3/7] ./dream4j plugins --plugins DIR"
dream4j plugins --plugins "$plugins" >"$work/plugins.out" 2>"$work/plugins.err" || fail "'dream4j plugins' exited with $?"
line=$(grep -E '^sampler +left-to-right ' "$work/plugins.out" || true)
[ -n "$line" ] || fail "left-to-right is not listed by 'dream4j plugins'"
case "$line" in
  *" $good") pass "listed: $(echo "$line" | tr -s ' ')" ;;
  *) fail "left-to-right's origin is not $good: $line" ;;
esac
grep -q 'com.example.dream4j.lefttoright' <<<"$line" || fail "left-to-right is not in module com.example.dream4j.lefttoright: $line"
pass "loaded as the named module com.example.dream4j.lefttoright (own module layer)"
grep -qE '^sampler +entropy .*built-in$' "$work/plugins.out" || fail "the built-in samplers are missing next to the plug-in"
grep -q "a-broken-sampler.jar" "$work/plugins.err" || fail "the jar naming a missing class was not reported"
grep -q "b-corrupt.jar" "$work/plugins.err" || fail "the corrupt jar was not reported"
pass "broken jars reported on stderr and skipped: $(grep -c '^warning: ' "$work/plugins.err") warning(s)"
dream4j plugins --json --plugins "$plugins" >"$work/plugins-json.out" 2>/dev/null || fail "'dream4j plugins --json' failed"
grep -q "\"name\":\"left-to-right\"" "$work/plugins-json.out" || fail "left-to-right missing from 'plugins --json'"
grep -q "\"origin\":\"$good\"" "$work/plugins-json.out" || fail "'plugins --json' does not give origin $good"
pass "plugins --json: origin = $good"

# 4. Generation through the plug-in, compared with the built-in entropy sampler at the same settings.
#    32 tokens in 8 steps (4 per step): with one token per step the tiny demo model happens to produce the same
#    text under both orders, so several tokens per step make the order visible.
echo "[4/7] ./dream4j generate --model demo --sampler left-to-right vs entropy"
mkdir -p "$work/empty"
settings=(--model demo --temperature 0 --seed 7 --max-new-tokens 32 --steps 8 --json --no-progress
          --prompt "def fibonacci(n):")
dream4j generate "${settings[@]}" --plugins "$plugins" --sampler left-to-right >"$work/ltr.out" 2>"$work/ltr.err" \
  || fail "generate --sampler left-to-right exited with $?"
dream4j generate "${settings[@]}" --plugins "$plugins" --sampler entropy >"$work/entropy.out" 2>"$work/entropy.err" \
  || fail "generate --sampler entropy exited with $?"
grep -q '"sampler":"left-to-right"' "$work/ltr.out" || fail "the result does not name the left-to-right sampler"
ids() { grep -o '"generated_ids":\[[^]]*\]' "$1" | head -1 | sed 's/.*\[//; s/\]//'; }
ltr_ids=$(ids "$work/ltr.out")
entropy_ids=$(ids "$work/entropy.out")
[ -n "$ltr_ids" ] || fail "no generated_ids in the left-to-right output"
[ -n "$entropy_ids" ] || fail "no generated_ids in the entropy output"
n_ids=$(tr ',' '\n' <<<"$ltr_ids" | grep -c .)
[ "$n_ids" -eq 32 ] || fail "left-to-right generated $n_ids ids, expected 32"
pass "left-to-right generated 32 ids in 8 steps despite the broken jars"
[ "$ltr_ids" != "$entropy_ids" ] || fail "left-to-right and entropy produced the same ids: $ltr_ids"
pass "output differs from --sampler entropy"
dream4j generate "${settings[@]}" --plugins "$plugins" --sampler left-to-right >"$work/ltr2.out" 2>/dev/null || fail "second left-to-right run failed"
[ "$(ids "$work/ltr2.out")" = "$ltr_ids" ] || fail "two left-to-right runs at temperature 0 differ"
pass "deterministic: a second run gives the same ids"
if dream4j generate "${settings[@]}" --plugins "$work/empty" --sampler left-to-right >"$work/none.out" 2>"$work/none.err"; then
  fail "left-to-right was found without its plug-ins directory"
fi
grep -q "unknown sampler 'left-to-right'" "$work/none.err" || fail "without the plug-ins directory the error is not 'unknown sampler'"
pass "without the plug-ins directory '--sampler left-to-right' is refused: unknown sampler"

# 5. The plug-in's own option (declared by LeftToRightSamplerProvider.options()), set from the command line.
echo "[5/7] ./dream4j generate --sampler left-to-right --option margin=..."
grep -qE '^ +--option margin=NUMBER +a number in \[0, 1\], default 0' "$work/plugins.out" \
  || fail "'dream4j plugins' does not document left-to-right's margin option"
grep -q '"options":\[{"name":"margin","type":"number","min":0.0,"max":1.0,"default":0.0' "$work/plugins-json.out" \
  || fail "'plugins --json' does not list the margin option with its range and default"
pass "plugins (plain and --json) document margin: number in [0, 1], default 0"
dream4j generate "${settings[@]}" --plugins "$plugins" --sampler left-to-right --option margin=0 >"$work/margin0.out" 2>/dev/null \
  || fail "--option margin=0 failed"
[ "$(ids "$work/margin0.out")" = "$ltr_ids" ] || fail "--option margin=0 (the default) changed the output"
pass "--option margin=0 (the default) gives the ids of the run without the option"
dream4j generate "${settings[@]}" --plugins "$plugins" --sampler left-to-right --option margin=0.9 >"$work/margin.out" 2>"$work/margin.err" \
  || fail "--option margin=0.9 exited with $?"
margin_ids=$(ids "$work/margin.out")
n_margin=$(tr ',' '\n' <<<"$margin_ids" | grep -c .)
[ "$n_margin" -eq 32 ] || fail "with margin 0.9 left-to-right generated $n_margin ids, expected 32 (no mask left)"
[ "$margin_ids" != "$ltr_ids" ] || fail "--option margin=0.9 produced the same ids as margin 0: $margin_ids"
pass "--option margin=0.9 commits differently (32 ids, no mask left), no rebuild"
set +e
dream4j generate "${settings[@]}" --plugins "$plugins" --sampler left-to-right --option margn=0.5 >/dev/null 2>"$work/unknown.err"
unknown_exit=$?
dream4j generate "${settings[@]}" --plugins "$plugins" --sampler left-to-right --option margin=1.5 >/dev/null 2>"$work/range.err"
range_exit=$?
set -e
[ "$unknown_exit" -eq 2 ] || fail "an unknown option exited with $unknown_exit, expected 2"
grep -q "options.margn: no selected plug-in declares option 'margn'; sampler 'left-to-right' declares \[margin" "$work/unknown.err" \
  || fail "the unknown-option error does not name the plug-in and what it declares: $(cat "$work/unknown.err")"
pass "--option margn=0.5: exit 2, $(grep -m1 '^error' "$work/unknown.err" | cut -c1-110)..."
[ "$range_exit" -eq 2 ] || fail "margin 1.5 exited with $range_exit, expected 2"
grep -q "option 'margin' of sampler 'left-to-right' must be a number in \[0, 1\], got '1.5'" "$work/range.err" \
  || fail "the out-of-range error does not name the plug-in and the range: $(cat "$work/range.err")"
pass "--option margin=1.5: exit 2, $(grep -m1 '^error' "$work/range.err")"

# 6. and 7. The same option from the Java API and through the server's JSON "options" object: a source-file
#    program on the dream4j module path (api/OptionClients.java), the plug-in from the directory, nothing rebuilt.
clients() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -p "$root/cli/target/lib" --add-modules ALL-MODULE-PATH \
  "$here/api/OptionClients.java" "$@"; }
echo "[6/7] the Java API: GenerationRequest.builder()...option(\"margin\", 0.9), plug-in directory"
clients api "$plugins" 0.9 >"$work/api-margin.out" 2>"$work/api-margin.err" || fail "OptionClients api exited with $?"
api_ids=$(sed -n 1p "$work/api-margin.out")
api_text=$(sed -n 2p "$work/api-margin.out")
[ "$api_ids" = "$margin_ids" ] || fail "the API's margin-0.9 ids differ from the CLI's: [$api_ids] vs [$margin_ids]"
pass "API option(\"margin\", 0.9) gives the CLI's ids"
echo "[7/7] ./dream4j serve --plugins DIR, then POST /v1/completions with \"options\": {\"margin\": 0.9}"
dream4j serve --model demo --plugins "$plugins" --host 127.0.0.1 --port 0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true; cleanup' EXIT
url=""
for _ in $(seq 1 180); do
  url=$(grep -m1 '^http://' "$work/serve.out" || true)
  [ -n "$url" ] && break
  kill -0 "$serve_pid" 2>/dev/null || fail "dream4j serve exited"
  sleep 1
done
[ -n "$url" ] || fail "dream4j serve printed no URL"
clients server "$url" margin 0.9 >"$work/server-margin.out" 2>"$work/server-margin.err" || fail "OptionClients server exited with $?"
[ "$(sed -n 1p "$work/server-margin.out")" = 200 ] || fail "the server answered $(cat "$work/server-margin.out")"
[ "$(sed -n 2p "$work/server-margin.out")" = "$api_text" ] \
  || fail "the server's margin-0.9 text differs from the API's: $(sed -n 2p "$work/server-margin.out") vs $api_text"
pass "server \"options\": {\"margin\": 0.9} gives the API's text"
clients server "$url" margn 0.5 >"$work/server-unknown.out" 2>/dev/null || fail "OptionClients server exited with $?"
[ "$(sed -n 1p "$work/server-unknown.out")" = 400 ] || fail "an unknown option got $(sed -n 1p "$work/server-unknown.out"), expected 400"
grep -q '"param":"options.margn"' "$work/server-unknown.out" && grep -q "left-to-right" "$work/server-unknown.out" \
  || fail "the server's 400 does not name options.margn and the plug-in: $(cat "$work/server-unknown.out")"
pass "server \"options\": {\"margn\": 0.5}: 400 naming options.margn and left-to-right"
kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null || true

echo
echo "run-example: PASSED ($checks checks)"
echo "  left-to-right ids:             [$ltr_ids]"
echo "  left-to-right ids, margin 0.9: [$margin_ids]"
echo "  entropy ids:                   [$entropy_ids]"
