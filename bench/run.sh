#!/usr/bin/env bash
# The wxgate benchmark (issue #6). One command, from a fresh clone, with only JDK 17 and Maven:
#
#   bench/run.sh             full run: 3 start-ups, 120 s JIT warm-up, 30 s per scenario, 5,000 template sends
#   bench/run.sh --quick     smoke run of about half a minute (figures not comparable)
#   bench/run.sh --profile   also profiles plain and safe mode under JFR (a fresh gateway, after the measurements)
#   bench/run.sh --soak      the long run instead: 600 s of callbacks on a gateway with -Xmx1g, figures per minute
#
# Further options (--name=value): --connections --warmup --scenario-warmup --duration --startups --sends
# --warm-sends --send-connections --drain-limit --profile-seconds --profile-lead-in --profile-settings --no-cds
# --wait-quiet --only=callbacks,storm,outbound,profile --scenarios=plain,plain-help,safe,safe-help
# --gateway-arg=--some.setting=value (repeatable), --soak-seconds --soak-scenarios --soak-slice --soak-sample.
# GATEWAY_JAVA_OPTS sets the gateway JVM's options.
# --build-only builds the gateway, the driver and the classpath files and stops (for wxbench.Footprint and the like).
# BENCH_MAVEN_OFFLINE=1 builds with mvn -o. Results: bench/results/<date>.md. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/target"
mkdir -p "$OUT"

MVN=(mvn -q -B -Dstyle.color=never)
if [ -n "${BENCH_MAVEN_OFFLINE:-}" ]; then MVN+=(-o); fi

echo "[bench] building the gateway and the WeChat API simulator (mvn test-compile)"
"${MVN[@]}" -DskipTests test-compile
"${MVN[@]}" dependency:build-classpath -Dmdep.outputFile="$OUT/cp-runtime.txt" -Dmdep.includeScope=runtime
"${MVN[@]}" dependency:build-classpath -Dmdep.outputFile="$OUT/cp-test.txt" -Dmdep.includeScope=test

# The gateway runs on its production classpath; the driver also sees the test classes (the simulator).
GATEWAY_CP="$ROOT/target/classes:$(cat "$OUT/cp-runtime.txt")"
DRIVER_CP="$OUT/classes:$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$OUT/cp-test.txt")"

# README's production launch: the packaged jar, extracted, started with a CDS archive (the driver trains it).
# --no-cds skips it and measures the classpath launch only.
GATEWAY_JAR=""
if [[ " $* " != *" --no-cds "* ]]; then
  echo "[bench] packaging the gateway for the production launch (mvn package, jar extract)"
  "${MVN[@]}" -DskipTests package
  rm -rf "$OUT/app"
  java -Djarmode=tools -jar "$(ls "$ROOT"/target/wxgate-*.jar | head -1)" extract --destination "$OUT/app" >/dev/null
  GATEWAY_JAR=$(ls "$OUT"/app/wxgate-*.jar | head -1)
fi
ARGS=()
for a in "$@"; do [ "$a" = "--no-cds" ] || ARGS+=("$a"); done

echo "[bench] compiling the load driver (bench/src)"
rm -rf "$OUT/classes"
mkdir -p "$OUT/classes"
javac -encoding UTF-8 -d "$OUT/classes" -cp "$DRIVER_CP" $(find "$ROOT/bench/src" -name '*.java')
if [[ " $* " == *" --build-only "* ]]; then
  echo "[bench] built: the driver in bench/target/classes, the classpaths in bench/target/cp-*.txt"
  exit 0
fi

# The commit measured (BENCH_COMMIT names it when the tree is an export without .git).
COMMIT=${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [ -z "${BENCH_COMMIT:-}" ] && [ "$COMMIT" != unknown ] && ! git diff-index --quiet HEAD -- 2>/dev/null; then
  COMMIT="$COMMIT + uncommitted changes"
fi

# ParallelGC and a fixed heap keep the generator's own GC short and cheap on the shared cores.
exec java -XX:+UseParallelGC -Xms1g -Xmx1g -Dbench.clkTck="$(getconf CLK_TCK)" -cp "$DRIVER_CP" wxbench.Bench \
  --root="$ROOT" --gateway-classpath="$GATEWAY_CP" --gateway-jar="$GATEWAY_JAR" --commit="$COMMIT" \
  --gateway-jvm="${GATEWAY_JAVA_OPTS:-}" "${ARGS[@]}"
